import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { collisions } from '../../../services/federations.ts';
import { FederationParams } from '../../schemas/federations.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/federations/:federationId/collisions',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: 'Extensions used in more than one member account (extension, accounts, what each points at)',
    tags: ['federations'],
    params: FederationParams,
    response: {
      200: Type.Object({
        items: Type.Array(Type.Object({
          extension: Type.String(),
          accounts: Type.Array(Type.Object({ accountId: Id, name: Type.String(), targets: Type.Array(Type.Object({ type: Type.String(), id: Id, label: Type.String() })) })),
        })),
      }),
    },
  },
  handler: async ({ params, ctx }) => ({ items: await collisions(ctx, params.federationId) }),
});
