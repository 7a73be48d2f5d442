import { defineRoute } from '../../route.ts';
import { updateFeatures } from '../../../services/features.ts';
import { Features, FeaturesPatch, NumberParams } from '../../schemas/numbers.ts';

export default defineRoute({
  method: 'PATCH',
  url: '/v1/numbers/:numberId/features',
  policy: { roles: ['operator', 'account_admin', 'site_admin', 'user'], selfOnly: true },
  schema: {
    summary: 'Change features of an active number (admins of its site, or its user)',
    description:
      'Forwards take a destination (E.164 or national form) or null to turn off. Rules on the merged result: forward on busy and call waiting ' +
      'exclude each other; no forwarding while an authorization code is on; destinations must be valid and allowed for the account; ' +
      'the CLI number must be an active number of the same account and site. The authorization code is write-only.',
    tags: ['numbers'],
    params: NumberParams,
    body: FeaturesPatch,
    response: { 200: Features },
  },
  handler: async ({ params, body, ctx }) => updateFeatures(ctx, params.numberId, body),
});
