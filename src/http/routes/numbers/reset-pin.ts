import { defineRoute } from '../../route.ts';
import { resetPin } from '../../../services/pins.ts';
import { NumberParams, PinView } from '../../schemas/numbers.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/numbers/:numberId/pin/reset',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: { summary: 'Restore the default PIN: removes the custom PIN, unlocks, clears failures (the user must choose a custom PIN again)', tags: ['pins'], params: NumberParams, response: { 200: PinView } },
  handler: async ({ params, ctx }) => resetPin(ctx, params.numberId),
});
