import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { releaseNumber } from '../../../services/numbers.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'DELETE',
  url: '/v1/accounts/:accountId/numbers/:numberId',
  policy: { roles: ['operator'] },
  schema: {
    summary: 'Release a reserved, non-main number back to the platform',
    tags: ['inventory'],
    params: Type.Object({ accountId: Id, numberId: Id }),
    response: { 204: Type.Null() },
  },
  handler: async ({ params, ctx }) => {
    await releaseNumber(ctx, params.accountId, params.numberId);
    return undefined;
  },
});
