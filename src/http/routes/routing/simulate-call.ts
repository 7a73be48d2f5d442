import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { simulateOutbound } from '../../../services/simulate.ts';
import { OutboundDecision } from '../../schemas/routing.ts';
import { Nullable } from '../../schemas/common.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/routing/simulate/outbound',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: {
    summary: 'Dial-plan simulator: what happens if this user dials that — the decision and its explanation, no call placed',
    tags: ['routing'],
    body: Type.Object({
      from: Type.String({ minLength: 1, maxLength: 64, description: 'the caller: an extension, a number of the account, or a user id' }),
      dial: Type.String({ maxLength: 200, description: 'what the caller dials, exactly as typed' }),
      at: Type.Optional(Type.String({ format: 'date-time' })),
    }, { additionalProperties: false, examples: [{ from: '100', dial: '4201' }] }),
    response: { 200: Type.Object({ caller: Type.Object({ userId: Nullable(Type.String()), number: Nullable(Type.String()), label: Type.String() }), decision: OutboundDecision }) },
  },
  status: 200,
  handler: async ({ body, ctx }) => simulateOutbound(ctx, body.from, body.dial, body.at ? new Date(body.at) : new Date()),
});
