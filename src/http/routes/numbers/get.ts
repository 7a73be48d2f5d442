import { defineRoute } from '../../route.ts';
import { getNumberDetails } from '../../../services/numbers.ts';
import { NumberDetails, NumberParams } from '../../schemas/numbers.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/numbers/:numberId',
  policy: { roles: ['operator', 'account_admin', 'site_admin', 'user'], selfOnly: true },
  schema: { summary: 'Everything about a number, read-only (admins of its site, or its user)', tags: ['numbers'], params: NumberParams, response: { 200: NumberDetails } },
  handler: async ({ params, ctx }) => getNumberDetails(ctx, params.numberId),
});
