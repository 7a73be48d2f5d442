import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { listTrunks } from '../../../services/trunks.ts';
import { ListQuery, PageOf } from '../../schemas/common.ts';
import { Trunk } from '../../schemas/trunks.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/trunks',
  policy: { roles: ['operator'] },
  schema: {
    summary: 'List carrier trunks in the order outbound calls try them (priority, lower first, then name)',
    tags: ['trunks'],
    querystring: Type.Object({ ...ListQuery, q: Type.Optional(Type.String({ maxLength: 100, description: 'part of the name or host' })) }),
    response: { 200: PageOf(Trunk) },
  },
  handler: async ({ query, ctx }) => listTrunks(ctx, { limit: query.limit ?? 50, cursor: query.cursor, q: query.q }),
});
