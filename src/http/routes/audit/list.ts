import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { listAudit } from '../../../services/audit.ts';
import { Id, ListQuery, Nullable, PageOf, Timestamp } from '../../schemas/common.ts';

const AuditRow = Type.Object({
  id: Id, accountId: Nullable(Id), actorType: Type.String(), actorId: Nullable(Id), action: Type.String(), targetType: Type.String(),
  targetId: Nullable(Type.String()), before: Type.Unknown(), after: Type.Unknown(), requestId: Nullable(Type.String()), at: Timestamp,
});

export default defineRoute({
  method: 'GET',
  url: '/v1/audit',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: "The account's audit log, newest first (secrets redacted)",
    description: 'Filters combine: action, target id, request id (every change of one API request), actorId (the user or operator who acted), '
      + 'and from/to bounding the time of the change ([from, to)).',
    tags: ['audit'],
    querystring: Type.Object({
      ...ListQuery,
      action: Type.Optional(Type.String({ maxLength: 100 })),
      targetId: Type.Optional(Type.String({ maxLength: 100 })),
      requestId: Type.Optional(Type.String({ maxLength: 100 })),
      actorId: Type.Optional(Id),
      from: Type.Optional(Timestamp),
      to: Type.Optional(Timestamp),
    }),
    response: { 200: PageOf(AuditRow) },
  },
  handler: async ({ query, ctx }) => listAudit(ctx, {
    limit: query.limit ?? 50, cursor: query.cursor, action: query.action, targetId: query.targetId, requestId: query.requestId,
    actorId: query.actorId, from: query.from, to: query.to,
  }),
});
