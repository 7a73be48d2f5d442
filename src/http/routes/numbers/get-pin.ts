import { defineRoute } from '../../route.ts';
import { getPin } from '../../../services/pins.ts';
import { NumberParams, PinView } from '../../schemas/numbers.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/numbers/:numberId/pin',
  policy: { roles: ['operator', 'account_admin', 'site_admin', 'user'], selfOnly: true },
  schema: { summary: "A number's PIN state; admins also see the default PIN while it is in use (a custom PIN is never shown)", tags: ['pins'], params: NumberParams, response: { 200: PinView } },
  handler: async ({ params, ctx }) => getPin(ctx, params.numberId),
});
