import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { getTrunk } from '../../../services/trunks.ts';
import { Id } from '../../schemas/common.ts';
import { Trunk } from '../../schemas/trunks.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/trunks/:trunkId',
  policy: { roles: ['operator'] },
  schema: { summary: 'Get a carrier trunk (without its password)', tags: ['trunks'], params: Type.Object({ trunkId: Id }), response: { 200: Trunk } },
  handler: async ({ params, ctx }) => getTrunk(ctx, params.trunkId),
});
