import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { myGrants } from '../../../services/grants.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/federation-grants',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: 'What this account is granted on each other account now (the union over the active federations both are active members of)',
    tags: ['federations'],
    response: {
      200: Type.Object({
        items: Type.Array(Type.Object({
          accountId: Id, accountName: Type.String(), directory: Type.Boolean(), extensionDialing: Type.Boolean(), metered: Type.Boolean(), showExtension: Type.Boolean(),
          sharePresence: Type.Boolean(), shareProfileImage: Type.Boolean(), pager: Type.Boolean(), chat: Type.Boolean(),
          federations: Type.Array(Type.Object({ id: Id, name: Type.String() })),
        })),
      }),
    },
  },
  handler: async ({ ctx }) => ({ items: [...(await myGrants(ctx)).values()].sort((a, b) => a.accountName.localeCompare(b.accountName)) }),
});
