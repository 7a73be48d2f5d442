import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { listCallRecordsFor } from '../../../services/call-records.ts';
import { CallRecordSchema, DirectionSchema } from '../../schemas/call-records.ts';
import { Id, ListQuery, PageOf, PhoneInput, Timestamp } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/call-records',
  policy: { roles: ['operator', 'account_admin', 'site_admin', 'user'] },
  schema: {
    summary: "The call log, newest first: the account's legs (admins), their sites' (site admins), or the user's own",
    description: 'Each account sees only its own legs of a call; the legs of a call that crossed linked or federated accounts share an interactionId. '
      + 'from/to bound the start time ([from, to)); number (E.164 or the national form of the account\'s country) keeps the legs where either party has that number. '
      + 'A user naming another user gets 404.',
    tags: ['call-records'],
    querystring: Type.Object({
      ...ListQuery,
      userId: Type.Optional(Id),
      from: Type.Optional(Timestamp),
      to: Type.Optional(Timestamp),
      direction: Type.Optional(DirectionSchema),
      number: Type.Optional(PhoneInput),
    }),
    response: { 200: PageOf(CallRecordSchema) },
  },
  handler: async ({ query, ctx }) =>
    listCallRecordsFor(ctx, { userId: query.userId, from: query.from, to: query.to, direction: query.direction, number: query.number, limit: query.limit ?? 50, cursor: query.cursor }),
});
