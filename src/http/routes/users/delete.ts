import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { deleteUser } from '../../../services/users.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'DELETE',
  url: '/v1/users/:userId',
  policy: { roles: ['operator', 'account_admin'] },
  schema: { summary: 'Delete a user (their number becomes unassigned, their extension free)', tags: ['users'], params: Type.Object({ userId: Id }), response: { 204: Type.Null() } },
  handler: async ({ params, ctx }) => {
    await deleteUser(ctx, params.userId);
    return undefined;
  },
});
