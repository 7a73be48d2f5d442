import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { consent } from '../../../services/federations.ts';
import { Federation, FederationParams } from '../../schemas/federations.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/federations/:federationId/consent',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: "Consent for this account (the exact text from …/consent-text); the last consent activates the round",
    tags: ['federations'],
    params: FederationParams,
    body: Type.Object({ text: Type.String({ minLength: 1, maxLength: 5000 }) }, { additionalProperties: false, examples: [{ text: 'On behalf of …, I consent to federation …' }] }),
    response: { 200: Federation },
  },
  handler: async ({ params, body, ctx }) => consent(ctx, params.federationId, body.text),
});
