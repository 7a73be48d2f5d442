import { defineRoute } from '../../route.ts';
import { clearDisplayName } from '../../../services/numbers.ts';
import { NumberParams, NumberSummary } from '../../schemas/numbers.ts';

export default defineRoute({
  method: 'DELETE',
  url: '/v1/numbers/:numberId/display-name',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: { summary: 'Remove the display name of an active number; answers the updated number', tags: ['numbers'], params: NumberParams, response: { 200: NumberSummary } },
  handler: async ({ params, ctx }) => clearDisplayName(ctx, params.numberId),
});
