import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { deleteCallRule } from '../../../services/call-rules.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'DELETE',
  url: '/v1/call-rules/:ruleId',
  policy: { roles: ['operator', 'account_admin'] },
  schema: { summary: 'Delete an outbound call rule (its users are left without one)', tags: ['call-rules'], params: Type.Object({ ruleId: Id }), response: { 204: Type.Null() } },
  handler: async ({ params, ctx }) => {
    await deleteCallRule(ctx, params.ruleId);
    return undefined;
  },
});
