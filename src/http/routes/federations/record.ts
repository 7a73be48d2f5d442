import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { getConsentRecord } from '../../../services/federations.ts';
import { FederationParams } from '../../schemas/federations.ts';
import { Id, Nullable, Timestamp } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/federations/:federationId/record',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: 'Every proposal, consent, refusal and departure: who, when, the exact text (never deletable)',
    tags: ['federations'],
    params: FederationParams,
    response: {
      200: Type.Object({
        items: Type.Array(Type.Object({
          id: Id, accountId: Id, actorType: Type.String(), actorId: Nullable(Id), action: Type.String(), subjectAccountId: Nullable(Id), round: Type.Integer(), text: Type.String(), at: Timestamp,
        })),
      }),
    },
  },
  handler: async ({ params, ctx }) => ({ items: await getConsentRecord(ctx, params.federationId) }),
});
