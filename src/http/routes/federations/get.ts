import { defineRoute } from '../../route.ts';
import { getFederationView } from '../../../services/federations.ts';
import { Federation, FederationParams } from '../../schemas/federations.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/federations/:federationId',
  policy: { roles: ['operator', 'account_admin'] },
  schema: { summary: 'A federation with its policy and members', tags: ['federations'], params: FederationParams, response: { 200: Federation } },
  handler: async ({ params, ctx }) => getFederationView(ctx, params.federationId),
});
