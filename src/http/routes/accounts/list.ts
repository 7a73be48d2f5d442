import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { listAccounts } from '../../../services/accounts.ts';
import { Account } from '../../schemas/tenancy.ts';
import { ListQuery, PageOf } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/accounts',
  policy: { roles: ['operator'] },
  schema: {
    summary: 'List accounts (operator)',
    tags: ['accounts'],
    querystring: Type.Object({ ...ListQuery, q: Type.Optional(Type.String({ maxLength: 100 })) }),
    response: { 200: PageOf(Account) },
  },
  handler: async ({ query, ctx }) => listAccounts(ctx, { limit: query.limit ?? 50, cursor: query.cursor, search: query.q }),
});
