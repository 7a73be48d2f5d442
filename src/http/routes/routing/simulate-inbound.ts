import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { simulateInbound } from '../../../services/simulate.ts';
import { CallPlan } from '../../schemas/routing.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/routing/simulate/inbound',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: {
    summary: 'Dial-plan simulator: the call plan for a call to a user, extension or number — what rings, for how long, and what follows',
    tags: ['routing'],
    body: Type.Object({
      to: Type.String({ minLength: 1, maxLength: 64, description: 'an extension, a number of the account, or a user id' }),
      from: Type.Optional(Type.String({ maxLength: 64, description: 'the caller: a user or number of the account, or a public E.164 number' })),
      at: Type.Optional(Type.String({ format: 'date-time' })),
    }, { additionalProperties: false, examples: [{ to: '100', from: '+4930123456' }] }),
    response: { 200: CallPlan },
  },
  status: 200,
  handler: async ({ body, ctx }) => (await simulateInbound(ctx, body.to, body.from ?? null, body.at ? new Date(body.at) : new Date())).plan,
});
