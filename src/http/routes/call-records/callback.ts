import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { callbackForRecord } from '../../../services/call-records.ts';
import { CallbackSchema } from '../../schemas/call-records.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/call-records/:recordId/callback',
  policy: { roles: ['operator', 'account_admin', 'site_admin', 'user'], selfOnly: true },
  schema: {
    summary: 'What to dial to call the other party of a leg back: an extension, an Organization Connect prefix + extension, <main number>*<extension>, or the number',
    description: "Computed for the caller now (their call rule's prefixes, the current federations), so the string routes back to the same party (spec §8).",
    tags: ['call-records'],
    params: Type.Object({ recordId: Id }),
    response: { 200: CallbackSchema },
  },
  handler: async ({ params, ctx }) => callbackForRecord(ctx, params.recordId),
});
