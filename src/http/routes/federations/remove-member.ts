import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { depart } from '../../../services/federations.ts';
import { FederationWithImpact } from '../../schemas/federations.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'DELETE',
  url: '/v1/federations/:federationId/members/:accountId',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: 'Remove another member account (effective at once); answers the impact it had',
    tags: ['federations'],
    params: Type.Object({ federationId: Id, accountId: Id }),
    response: { 200: FederationWithImpact },
  },
  handler: async ({ params, ctx }) => depart(ctx, params.federationId, 'remove', params.accountId),
});
