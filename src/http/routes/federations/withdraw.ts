import { defineRoute } from '../../route.ts';
import { withdraw } from '../../../services/federations.ts';
import { Federation, FederationParams } from '../../schemas/federations.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/federations/:federationId/withdraw',
  policy: { roles: ['operator', 'account_admin'] },
  schema: { summary: 'Withdraw a proposal (proposing account) or a pending addition', tags: ['federations'], params: FederationParams, response: { 200: Federation } },
  handler: async ({ params, ctx }) => withdraw(ctx, params.federationId),
});
