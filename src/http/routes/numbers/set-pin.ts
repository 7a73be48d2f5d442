import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { setPin } from '../../../services/pins.ts';
import { NumberParams, PinView } from '../../schemas/numbers.ts';

export default defineRoute({
  method: 'PUT',
  url: '/v1/numbers/:numberId/pin',
  policy: { roles: ['account_admin', 'site_admin', 'user'], selfOnly: true },
  schema: {
    summary: 'The assigned user sets a custom PIN, proving the current one (the default PIN until a custom one is set); a wrong current PIN counts as a failed attempt',
    tags: ['pins'],
    params: NumberParams,
    body: Type.Object({
      currentPin: Type.String({ minLength: 1, maxLength: 32 }),
      newPin: Type.String({ minLength: 1, maxLength: 32, description: '4–10 digits; not repeated or consecutive digits, the extension, the end of the number or the default PIN' }),
    }, { additionalProperties: false, examples: [{ currentPin: '480213', newPin: '739146' }] }),
    response: { 200: PinView },
  },
  handler: async ({ params, body, ctx }) => setPin(ctx, params.numberId, body.currentPin, body.newPin),
});
