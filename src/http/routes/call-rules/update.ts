import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { updateCallRule } from '../../../services/call-rules.ts';
import { CallRule, CallRulePatch } from '../../schemas/call-rules.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'PATCH',
  url: '/v1/call-rules/:ruleId',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: 'Change an outbound call rule; organizationConnect, when sent, replaces the whole table',
    description: 'Rows sent unchanged are kept even while inactive; new or changed rows must lead to an account reachable by extension dialing now.',
    tags: ['call-rules'],
    params: Type.Object({ ruleId: Id }),
    body: CallRulePatch,
    response: { 200: CallRule },
  },
  handler: async ({ params, body, ctx }) => updateCallRule(ctx, params.ruleId, body),
});
