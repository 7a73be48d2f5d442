import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { listCallRules } from '../../../services/call-rules.ts';
import { CallRule } from '../../schemas/call-rules.ts';
import { ListQuery, PageOf } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/call-rules',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: 'List outbound call rules by name; q matches the name or a prefix (spec §8 Organization Connect)',
    tags: ['call-rules'],
    querystring: Type.Object({ ...ListQuery, q: Type.Optional(Type.String({ maxLength: 100 })) }),
    response: { 200: PageOf(CallRule) },
  },
  handler: async ({ query, ctx }) => listCallRules(ctx, { q: query.q, limit: query.limit ?? 50, cursor: query.cursor }),
});
