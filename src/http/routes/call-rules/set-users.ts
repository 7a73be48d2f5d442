import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { setCallRuleUsers } from '../../../services/call-rules.ts';
import { CallRuleAssignment, CallRuleUsersInput } from '../../schemas/call-rules.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'PUT',
  url: '/v1/call-rules/:ruleId/users',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: 'Set the users of an outbound call rule (replaces them); a user on another rule moves to this one',
    description: 'A user has at most one outbound call rule. The answer lists the users moved from another rule.',
    tags: ['call-rules', 'users'],
    params: Type.Object({ ruleId: Id }),
    body: CallRuleUsersInput,
    response: { 200: CallRuleAssignment },
  },
  handler: async ({ params, body, ctx }) => setCallRuleUsers(ctx, params.ruleId, body.userIds),
});
