import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { getAccountById } from '../../../services/accounts.ts';
import { Account } from '../../schemas/tenancy.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/accounts/:accountId',
  policy: { roles: ['operator', 'account_admin'] },
  schema: { summary: 'Get an account', tags: ['accounts'], params: Type.Object({ accountId: Id }), response: { 200: Account } },
  handler: async ({ params, ctx }) => getAccountById(ctx, params.accountId),
});
