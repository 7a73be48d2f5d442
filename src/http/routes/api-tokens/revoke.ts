import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { revokeApiToken } from '../../../services/auth.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'DELETE',
  url: '/v1/api-tokens/:tokenId',
  policy: { roles: ['operator', 'account_admin', 'site_admin', 'user'], selfOnly: true },
  schema: { summary: 'Revoke one of my API tokens', tags: ['auth'], params: Type.Object({ tokenId: Id }), response: { 204: Type.Null() } },
  handler: async ({ params, ctx }) => {
    await revokeApiToken(ctx, params.tokenId);
    return undefined;
  },
});
