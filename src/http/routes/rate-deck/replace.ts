import { defineRoute } from '../../route.ts';
import { importRateDeck } from '../../../services/rating.ts';
import { RateDeckImportBody, RateDeckImportResult } from '../../schemas/call-records.ts';

export default defineRoute({
  method: 'PUT',
  url: '/v1/rate-deck',
  policy: { roles: ['operator'] },
  schema: {
    summary: 'Replace the whole rate deck from a CSV file (prefix,description,per_minute,setup); a file with any bad row is refused whole',
    description: 'Prices are decimals of currency units with at most four decimals, stored in 1/10,000 units. The refusal names the first bad row '
      + '(row, line, column) and lists every bad row in `problems`; nothing changes. Calls are rated with the new deck from the next call on.',
    tags: ['rate-deck'],
    body: RateDeckImportBody,
    response: { 200: RateDeckImportResult },
  },
  handler: async ({ body, ctx }) => importRateDeck(ctx, body.csv),
});
