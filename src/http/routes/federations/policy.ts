import { defineRoute } from '../../route.ts';
import { changePolicy } from '../../../services/federations.ts';
import { Federation, FederationParams, PolicyPatch } from '../../schemas/federations.ts';

export default defineRoute({
  method: 'PATCH',
  url: '/v1/federations/:federationId/policy',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: 'Change the policy: any field before activation (consent starts again); once active only sharing less',
    tags: ['federations'],
    params: FederationParams,
    body: { ...PolicyPatch, examples: [{ extensionDialing: false }] },
    response: { 200: Federation },
  },
  handler: async ({ params, body, ctx }) => changePolicy(ctx, params.federationId, body),
});
