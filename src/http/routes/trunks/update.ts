import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { updateTrunk } from '../../../services/trunks.ts';
import { Id } from '../../schemas/common.ts';
import { Trunk, TrunkPatch } from '../../schemas/trunks.ts';

export default defineRoute({
  method: 'PATCH',
  url: '/v1/trunks/:trunkId',
  policy: { roles: ['operator'] },
  schema: {
    summary: 'Change a carrier trunk; absent fields stay, username null removes the credentials',
    tags: ['trunks'],
    params: Type.Object({ trunkId: Id }),
    body: TrunkPatch,
    response: { 200: Trunk },
  },
  handler: async ({ params, body, ctx }) => updateTrunk(ctx, params.trunkId, body),
});
