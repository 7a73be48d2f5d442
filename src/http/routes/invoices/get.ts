import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { getInvoice } from '../../../services/invoices.ts';
import { InvoiceSchema } from '../../schemas/call-records.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/invoices/:month',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: "The account's invoice for a month (YYYY-MM, UTC): usage by metering class and destination, totals, on-net (free) and unrated legs",
    description: 'Money is in 1/10,000 currency units (currencyUnitScale); minutes are billed per started minute.',
    tags: ['invoices'],
    params: Type.Object({ month: Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM', examples: ['2025-06'] }) }),
    response: { 200: InvoiceSchema },
  },
  handler: async ({ params, ctx }) => getInvoice(ctx, params.month),
});
