import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { getConsentText } from '../../../services/federations.ts';
import { FederationParams } from '../../schemas/federations.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/federations/:federationId/consent-text',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: 'The exact acknowledgement this account submits to consent to the current round',
    tags: ['federations'],
    params: FederationParams,
    response: { 200: Type.Object({ text: Type.String(), round: Type.Integer(), consented: Type.Boolean() }) },
  },
  handler: async ({ params, ctx }) => getConsentText(ctx, params.federationId),
});
