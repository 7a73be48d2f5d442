import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { deleteTrunk } from '../../../services/trunks.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'DELETE',
  url: '/v1/trunks/:trunkId',
  policy: { roles: ['operator'] },
  schema: { summary: 'Remove a carrier trunk', tags: ['trunks'], params: Type.Object({ trunkId: Id }), response: { 204: Type.Null() } },
  handler: async ({ params, ctx }) => {
    await deleteTrunk(ctx, params.trunkId);
    return undefined;
  },
});
