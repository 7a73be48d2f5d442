import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { logoutHandset } from '../../../services/handsets.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'DELETE',
  url: '/v1/numbers/:numberId/handset',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: { summary: 'Log a number out of its handset (spec §6)', tags: ['numbers', 'devices'], params: Type.Object({ numberId: Id }), response: { 204: Type.Null() } },
  handler: async ({ params, ctx }) => {
    await logoutHandset(ctx, params.numberId);
    return undefined;
  },
});
