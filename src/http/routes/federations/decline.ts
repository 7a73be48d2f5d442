import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { decline } from '../../../services/federations.ts';
import { Federation, FederationParams } from '../../schemas/federations.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/federations/:federationId/decline',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: 'Decline the current round (a proposal ends; a pending addition is cancelled)',
    tags: ['federations'],
    params: FederationParams,
    body: Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false, examples: [{ reason: 'Not now' }] }),
    response: { 200: Federation },
  },
  handler: async ({ params, body, ctx }) => decline(ctx, params.federationId, body.reason),
});
