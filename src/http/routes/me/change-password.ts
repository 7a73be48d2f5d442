import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { changeOwnPassword } from '../../../services/users.ts';

export default defineRoute({
  method: 'PUT',
  url: '/v1/me/password',
  policy: { roles: ['account_admin', 'site_admin', 'user'] },
  schema: {
    summary: 'Change my portal password',
    tags: ['auth'],
    body: Type.Object({ currentPassword: Type.String({ minLength: 1, maxLength: 200 }), newPassword: Type.String({ minLength: 10, maxLength: 200 }) },
      { additionalProperties: false, examples: [{ currentPassword: 'old password here', newPassword: 'a new long password' }] }),
    response: { 204: Type.Null() },
  },
  handler: async ({ body, ctx }) => {
    await changeOwnPassword(ctx, body.currentPassword, body.newPassword);
    return undefined;
  },
});
