import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { setDisplayName } from '../../../services/numbers.ts';
import { NumberParams, NumberSummary } from '../../schemas/numbers.ts';

export default defineRoute({
  method: 'PUT',
  url: '/v1/numbers/:numberId/display-name',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: {
    summary: 'Set the two-line display name shown on the handset (overrides the user name in lists, keeps the assignment)',
    tags: ['numbers'],
    params: NumberParams,
    body: Type.Object({
      line1: Type.String({ minLength: 1, maxLength: 40 }),
      line2: Type.Optional(Type.String({ maxLength: 40 })),
    }, { additionalProperties: false, examples: [{ line1: 'Reception', line2: 'Ground floor' }] }),
    response: { 200: NumberSummary },
  },
  handler: async ({ params, body, ctx }) => setDisplayName(ctx, params.numberId, body),
});
