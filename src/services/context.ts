/**
 * The context every use case runs in: who acts, in which account, for which request, and the
 * transaction helper that writes data and its audit rows together and publishes events after commit.
 */
import type { Config } from '../config/index.ts';
import type { Bus } from '../bus/index.ts';
import type { Database, Sql } from '../store/db.ts';
import { AppError } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { redact } from '../domain/secrets.ts';

export type Role = 'operator' | 'account_admin' | 'site_admin' | 'user';

export interface Actor {
  type: 'operator' | 'user' | 'system';
  id: string | null;
  role: Role;
  /** The account this request acts in; null only for an operator not acting in an account. */
  accountId: string | null;
  /** For a site admin: the sites given to them. */
  siteIds: string[];
}

export interface Services {
  db: Database;
  bus: Bus;
  config: Config;
}

export interface Ctx extends Services {
  actor: Actor;
  requestId: string;
}

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string | null;
  before?: unknown;
  after?: unknown;
}

/** A transaction with the audit log and the outbox of events at hand. */
export interface Tx {
  sql: Sql;
  audit(entry: AuditEntry): Promise<void>;
  emit(type: string, id: string, data?: Record<string, unknown>): void;
}

async function writeAudit(sql: Sql, ctx: Ctx, accountId: string | null, e: AuditEntry): Promise<void> {
  await sql.query(
    `INSERT INTO audit_log (id, account_id, actor_type, actor_id, action, target_type, target_id, before, after, request_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [newId(), accountId, ctx.actor.type, ctx.actor.id, e.action, e.targetType, e.targetId,
     e.before === undefined ? null : JSON.stringify(redact(e.before)), e.after === undefined ? null : JSON.stringify(redact(e.after)), ctx.requestId],
  );
}

async function runTx<T>(ctx: Ctx, accountId: string | null, open: (fn: (sql: Sql) => Promise<T>) => Promise<T>, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const events: { type: string; id: string; data?: Record<string, unknown> }[] = [];
  const result = await open((sql) =>
    fn({ sql, audit: (e) => writeAudit(sql, ctx, accountId, e), emit: (type, id, data) => void events.push({ type, id, ...(data ? { data } : {}) }) }),
  );
  for (const e of events) await ctx.bus.publish({ type: e.type, accountId, id: e.id, ...(e.data ? { data: e.data } : {}) });
  return result;
}

/** The account the actor acts in; refuses an operator who named none. */
export function accountOf(ctx: Ctx): string {
  if (!ctx.actor.accountId) throw new AppError('validation_failed', 'Operators must name the account to act in with the Tandem-Account header', 'Tandem-Account');
  return ctx.actor.accountId;
}

/** A tenant transaction in the actor's account (row-level security on). */
export function inAccount<T>(ctx: Ctx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const accountId = accountOf(ctx);
  return runTx(ctx, accountId, (f) => ctx.db.tenant(accountId, f), fn);
}

/**
 * The explicit operator path: platform-wide work across accounts. Only operators reach it; every
 * mutation on it is audited like any other (`accountId` names the account it touched, if one).
 */
export function asOperator<T>(ctx: Ctx, accountId: string | null, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (ctx.actor.role !== 'operator' && ctx.actor.type !== 'system') throw new AppError('forbidden', 'Only an operator may do this');
  return runTx(ctx, accountId, (f) => ctx.db.operator(f), fn);
}

/** A system actor (CLI, start-up, background jobs). */
export function systemCtx(s: Services, accountId: string | null = null, requestId = `system-${newId()}`): Ctx {
  return { ...s, actor: { type: 'system', id: null, role: 'operator', accountId, siteIds: [] }, requestId };
}

export const isAdmin = (a: Actor): boolean => a.role === 'account_admin' || a.role === 'operator';

/** Whether the actor administers this site (account admins and operators all sites; site admins theirs). */
export const adminsSite = (a: Actor, siteId: string): boolean => isAdmin(a) || (a.role === 'site_admin' && a.siteIds.includes(siteId));
