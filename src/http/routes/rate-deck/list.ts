import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { listRateDeck } from '../../../services/rating.ts';
import { RateDeckRowSchema } from '../../schemas/call-records.ts';
import { ListQuery, PageOf } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/rate-deck',
  policy: { roles: ['operator'] },
  schema: {
    summary: 'The rate deck by prefix; prefix narrows to the rows starting with those digits',
    tags: ['rate-deck'],
    querystring: Type.Object({ ...ListQuery, prefix: Type.Optional(Type.String({ pattern: '^\\+?[0-9]{1,15}$' })) }),
    response: { 200: PageOf(RateDeckRowSchema) },
  },
  handler: async ({ query, ctx }) => listRateDeck(ctx, { prefix: query.prefix, limit: query.limit ?? 50, cursor: query.cursor }),
});
