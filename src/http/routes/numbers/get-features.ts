import { defineRoute } from '../../route.ts';
import { getFeatures } from '../../../services/features.ts';
import { Features, NumberParams } from '../../schemas/numbers.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/numbers/:numberId/features',
  policy: { roles: ['operator', 'account_admin', 'site_admin', 'user'], selfOnly: true },
  schema: { summary: "A number's features (admins of its site, or its user); the authorization code shows only whether it is on", tags: ['numbers'], params: NumberParams, response: { 200: Features } },
  handler: async ({ params, ctx }) => getFeatures(ctx, params.numberId),
});
