import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { listSiteNumbers } from '../../../services/numbers.ts';
import { NumberStatusSchema, SiteNumber } from '../../schemas/numbers.ts';
import { Id, ListQuery, PageOf } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/sites/:siteId/numbers',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: {
    summary: "A site's numbers by number, with each default PIN while in use (admins); q matches a fragment of the number or of the assigned-to text, case-insensitively; status keeps the numbers in that state",
    tags: ['numbers'],
    params: Type.Object({ siteId: Id }),
    querystring: Type.Object({ ...ListQuery, q: Type.Optional(Type.String({ maxLength: 100 })), status: Type.Optional(NumberStatusSchema) }),
    response: { 200: PageOf(SiteNumber) },
  },
  handler: async ({ params, query, ctx }) => listSiteNumbers(ctx, params.siteId, { q: query.q, status: query.status, limit: query.limit ?? 50, cursor: query.cursor }),
});
