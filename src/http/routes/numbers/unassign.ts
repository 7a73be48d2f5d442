import { defineRoute } from '../../route.ts';
import { unassignUser } from '../../../services/numbers.ts';
import { NumberParams, NumberSummary } from '../../schemas/numbers.ts';

export default defineRoute({
  method: 'DELETE',
  url: '/v1/numbers/:numberId/assignment',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: { summary: 'Unassign the user of an active number (the display name stays); answers the updated number', tags: ['numbers'], params: NumberParams, response: { 200: NumberSummary } },
  handler: async ({ params, ctx }) => unassignUser(ctx, params.numberId),
});
