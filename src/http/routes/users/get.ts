import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { getUserFor } from '../../../services/users.ts';
import { User } from '../../schemas/tenancy.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/users/:userId',
  policy: { roles: ['operator', 'account_admin', 'site_admin', 'user'], selfOnly: true },
  schema: { summary: 'Get a user (admins of their site, or the user themself)', tags: ['users'], params: Type.Object({ userId: Id }), response: { 200: User } },
  handler: async ({ params, ctx }) => getUserFor(ctx, params.userId),
});
