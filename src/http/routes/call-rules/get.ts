import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { getCallRule } from '../../../services/call-rules.ts';
import { CallRule } from '../../schemas/call-rules.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/call-rules/:ruleId',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: 'Get an outbound call rule; each Organization Connect row shows whether it is active now, and why not',
    tags: ['call-rules'],
    params: Type.Object({ ruleId: Id }),
    response: { 200: CallRule },
  },
  handler: async ({ params, ctx }) => getCallRule(ctx, params.ruleId),
});
