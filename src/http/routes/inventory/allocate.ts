import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { allocateNumbers } from '../../../services/numbers.ts';
import { NumberSummary } from '../../schemas/numbers.ts';
import { Id, PhoneInput } from '../../schemas/common.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/accounts/:accountId/numbers',
  policy: { roles: ['operator'] },
  schema: {
    summary: 'Allocate numbers to an account and site (all reserved); refused whole if any number is invalid or taken',
    tags: ['inventory'],
    params: Type.Object({ accountId: Id }),
    body: Type.Object({
      siteId: Id,
      numbers: Type.Array(PhoneInput, { minItems: 1, maxItems: 1000, description: "E.164 or the national form of the account's country" }),
    }, { additionalProperties: false, examples: [{ siteId: '0190c0de-0000-7000-8000-000000000000', numbers: ['+4930901820', '030 9018 2100'] }] }),
    response: { 201: Type.Object({ items: Type.Array(NumberSummary) }) },
  },
  handler: async ({ params, body, ctx }) => allocateNumbers(ctx, params.accountId, body),
});
