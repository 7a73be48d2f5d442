import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { listAccountNumbers } from '../../../services/numbers.ts';
import { NumberStatusSchema, NumberSummary } from '../../schemas/numbers.ts';
import { Id, ListQuery, PageOf } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/accounts/:accountId/numbers',
  policy: { roles: ['operator'] },
  schema: {
    summary: "An account's number inventory across its sites, by number; q matches the number or the assigned-to text",
    tags: ['inventory'],
    params: Type.Object({ accountId: Id }),
    querystring: Type.Object({ ...ListQuery, q: Type.Optional(Type.String({ maxLength: 100 })), status: Type.Optional(NumberStatusSchema), siteId: Type.Optional(Id) }),
    response: { 200: PageOf(NumberSummary) },
  },
  handler: async ({ params, query, ctx }) =>
    listAccountNumbers(ctx, params.accountId, { q: query.q, status: query.status, siteId: query.siteId, limit: query.limit ?? 50, cursor: query.cursor }),
});
