/** Reading the audit log: account admins read their account's rows, newest first. */
import { checkTimeRange } from '../domain/errors.ts';
import { decodeCursor, toPage, type Page } from '../store/pagination.ts';
import { accountOf, inAccount, type Ctx } from './context.ts';

export interface AuditRow {
  id: string;
  accountId: string | null;
  actorType: string;
  actorId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  before: unknown;
  after: unknown;
  requestId: string | null;
  at: string;
}

const toRow = (r: Record<string, unknown>): AuditRow => ({
  id: r.id as string, accountId: (r.account_id as string | null) ?? null, actorType: r.actor_type as string, actorId: (r.actor_id as string | null) ?? null,
  action: r.action as string, targetType: r.target_type as string, targetId: (r.target_id as string | null) ?? null,
  before: r.before ?? null, after: r.after ?? null, requestId: (r.request_id as string | null) ?? null, at: new Date(r.at as string).toISOString(),
});

export interface AuditQuery {
  limit: number;
  cursor?: string;
  action?: string;
  targetId?: string;
  requestId?: string;
  /** The user (or operator) who acted. */
  actorId?: string;
  /** [from, to) bounds of the time of the change. */
  from?: string;
  to?: string;
}

export async function listAudit(ctx: Ctx, q: AuditQuery): Promise<Page<AuditRow>> {
  const after = decodeCursor(q.cursor, 1);
  checkTimeRange(q.from, q.to);
  const accountId = accountOf(ctx);
  const rows = await inAccount(ctx, (tx) =>
    tx.sql.query(
      `SELECT * FROM audit_log WHERE account_id = $1 AND ($2::text IS NULL OR action = $2) AND ($3::text IS NULL OR target_id = $3)
          AND ($4::text IS NULL OR request_id = $4) AND ($5::uuid IS NULL OR id < $5::uuid)
          AND ($7::uuid IS NULL OR actor_id = $7::uuid)
          AND ($8::timestamptz IS NULL OR at >= $8::timestamptz) AND ($9::timestamptz IS NULL OR at < $9::timestamptz)
        ORDER BY id DESC LIMIT $6`,
      [accountId, q.action ?? null, q.targetId ?? null, q.requestId ?? null, after?.[0] ?? null, q.limit + 1, q.actorId ?? null, q.from ?? null, q.to ?? null]));
  return toPage(rows, q.limit, (r) => [r.id as string], toRow);
}
