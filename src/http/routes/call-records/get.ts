import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { getCallRecordFor } from '../../../services/call-records.ts';
import { CallRecordSchema } from '../../schemas/call-records.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/call-records/:recordId',
  policy: { roles: ['operator', 'account_admin', 'site_admin', 'user'], selfOnly: true },
  schema: {
    summary: 'One leg of the call log (admins of the account or of its site, or a user who is a party of it)',
    tags: ['call-records'],
    params: Type.Object({ recordId: Id }),
    response: { 200: CallRecordSchema },
  },
  handler: async ({ params, ctx }) => getCallRecordFor(ctx, params.recordId),
});
