import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { getUserCallRule } from '../../../services/call-rules.ts';
import { CallRule } from '../../schemas/call-rules.ts';
import { Id, Nullable } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/users/:userId/call-rule',
  policy: { roles: ['operator', 'account_admin', 'site_admin', 'user'], selfOnly: true },
  schema: {
    summary: "A user's outbound call rule, or null (admins of their site, or the user themself)",
    tags: ['call-rules', 'users'],
    params: Type.Object({ userId: Id }),
    response: { 200: Type.Object({ rule: Nullable(CallRule) }) },
  },
  handler: async ({ params, ctx }) => ({ rule: await getUserCallRule(ctx, params.userId) }),
});
