import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { verifyPinFor } from '../../../services/pins.ts';
import { NumberParams } from '../../schemas/numbers.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/numbers/:numberId/pin/verify',
  policy: { roles: ['account_admin', 'site_admin', 'user'], selfOnly: true },
  schema: {
    summary: 'The assigned user checks their PIN; a wrong PIN counts (pin_wrong with attemptsLeft), the 3rd in a row locks it (pin_locked)',
    description: 'A correct default PIN answers ok with changeRequired: true — the user must then set a custom PIN.',
    tags: ['pins'],
    params: NumberParams,
    body: Type.Object({ pin: Type.String({ minLength: 1, maxLength: 32 }) }, { additionalProperties: false, examples: [{ pin: '739146' }] }),
    response: { 200: Type.Object({ ok: Type.Literal(true), changeRequired: Type.Boolean() }) },
  },
  handler: async ({ params, body, ctx }) => verifyPinFor(ctx, params.numberId, body.pin),
});
