import { defineRoute } from '../../route.ts';
import { depart } from '../../../services/federations.ts';
import { FederationParams, FederationWithImpact } from '../../schemas/federations.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/federations/:federationId/leave',
  policy: { roles: ['operator', 'account_admin'] },
  schema: { summary: 'Leave the federation (effective at once); answers the impact it had', tags: ['federations'], params: FederationParams, response: { 200: FederationWithImpact } },
  handler: async ({ params, ctx }) => depart(ctx, params.federationId, 'leave', null),
});
