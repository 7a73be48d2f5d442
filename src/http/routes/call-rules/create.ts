import { defineRoute } from '../../route.ts';
import { createCallRule } from '../../../services/call-rules.ts';
import { CallRule, CallRuleInput } from '../../schemas/call-rules.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/call-rules',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: 'Create an outbound call rule: dial plan, country whitelist, Organization Connect prefixes (spec §8)',
    description: 'Each destination must share an active federation with this account that allows extension dialing; prefixes must not collide with the account\'s extensions or with one another.',
    tags: ['call-rules'],
    body: CallRuleInput,
    response: { 201: CallRule },
  },
  handler: async ({ body, ctx }) => createCallRule(ctx, body),
});
