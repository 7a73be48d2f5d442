import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { logout } from '../../../services/auth.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/auth/logout',
  policy: { roles: ['operator', 'account_admin', 'site_admin', 'user'] },
  schema: { summary: 'End the current session', tags: ['auth'], response: { 204: Type.Null() } },
  handler: async ({ ctx, reply }) => {
    await logout(ctx, reply.request.actor!.tokenId);
    return undefined;
  },
});
