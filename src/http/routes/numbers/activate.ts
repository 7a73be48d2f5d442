import { defineRoute } from '../../route.ts';
import { activateNumber } from '../../../services/numbers.ts';
import { NumberParams, NumberSummary } from '../../schemas/numbers.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/numbers/:numberId/activate',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: { summary: 'Activate a reserved number (not the main number)', tags: ['numbers'], params: NumberParams, response: { 200: NumberSummary } },
  handler: async ({ params, ctx }) => activateNumber(ctx, params.numberId),
});
