import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { addMember } from '../../../services/federations.ts';
import { Federation, FederationParams } from '../../schemas/federations.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/federations/:federationId/members',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: 'Invite another account; every account, old and new, must consent again',
    tags: ['federations'],
    params: FederationParams,
    body: Type.Object({ sipDomain: Type.String({ minLength: 3, maxLength: 253 }) }, { additionalProperties: false, examples: [{ sipDomain: 'third.example.net' }] }),
    response: { 200: Federation },
  },
  handler: async ({ params, body, ctx }) => addMember(ctx, params.federationId, body.sipDomain),
});
