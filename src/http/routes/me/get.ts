import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { getUserFor } from '../../../services/users.ts';
import { User } from '../../schemas/tenancy.ts';
import { Id, Nullable } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/me',
  policy: { roles: ['operator', 'account_admin', 'site_admin', 'user'] },
  schema: {
    summary: 'Who am I: the identity this request acts as',
    tags: ['auth'],
    response: { 200: Type.Object({ type: Type.String(), id: Nullable(Id), role: Type.String(), accountId: Nullable(Id), siteIds: Type.Array(Id), user: Nullable(User) }) },
  },
  handler: async ({ ctx }) => {
    const a = ctx.actor;
    const user = a.type === 'user' && a.id ? await getUserFor(ctx, a.id) : null;
    return { type: a.type, id: a.id, role: a.role, accountId: a.accountId, siteIds: a.siteIds, user };
  },
});
