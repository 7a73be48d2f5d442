import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { assignUser } from '../../../services/numbers.ts';
import { NumberParams, NumberSummary } from '../../schemas/numbers.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'PUT',
  url: '/v1/numbers/:numberId/assignment',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: {
    summary: 'Assign a user of the same account to an active number (a user holds at most one number)',
    tags: ['numbers'],
    params: NumberParams,
    body: Type.Object({ userId: Id }, { additionalProperties: false, examples: [{ userId: '0190c0de-0000-7000-8000-000000000000' }] }),
    response: { 200: NumberSummary },
  },
  handler: async ({ params, body, ctx }) => assignUser(ctx, params.numberId, body.userId),
});
