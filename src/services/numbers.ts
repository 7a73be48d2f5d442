/**
 * Numbers (spec §3): the operator's inventory (allocate to an account and site, release), the per-site
 * list with its search, details, activation, user assignment and the display name.
 *
 * Every action on a number is allowed only on an active, non-main number (`assertActionable`);
 * activation is the one exception (reserved → active). Object access: admins of the number's site,
 * and — where a route says so — the user the number is assigned to; anyone else gets 404.
 */
import { AppError, invalid, notFound } from '../domain/errors.ts';
import { featureView, type FeatureView } from '../domain/features.ts';
import { assertActionable, transition, type NumberState } from '../domain/numbers.ts';
import { parseNumber } from '../domain/phone.ts';
import { getAccount, getSite } from '../store/repos/accounts.ts';
import { extensionOf } from '../store/repos/extensions.ts';
import {
  featureStateOf, getFeatureRow, getNumberRow, getNumberSummaries, getNumberSummary, insertNumber, listNumbers, lockNumber,
  numberLinks, numberOfUser, numberSortKey, takenNumbers, toNumberSummary, type NumberRow, type NumberStatus, type NumberSummary,
} from '../store/repos/numbers.ts';
import { getUser } from '../store/repos/users.ts';
import { decodeCursor, toPage, type Page } from '../store/pagination.ts';
import { accountOf, adminsSite, asOperator, inAccount, type Actor, type Ctx, type Tx } from './context.ts';

export type { NumberSummary };

/** How an actor reaches a number: as an admin of its site, or as the user it is assigned to. */
export type NumberAccess = 'admin' | 'self';

export function accessTo(actor: Actor, row: Pick<NumberRow, 'site_id' | 'user_id'>): NumberAccess | null {
  if (adminsSite(actor, row.site_id)) return 'admin';
  if (actor.type === 'user' && actor.id !== null && actor.id === row.user_id) return 'self';
  return null;
}

export const numberState = (row: NumberRow): NumberState => ({ e164: row.e164, status: row.status, isMain: row.is_main });

/** `assertActionable` (spec §3) for a stored row. */
export const assertRowActionable = (row: NumberRow): void => assertActionable(numberState(row));

/**
 * Reads (and, for writes, locks) a number of the actor's account that the actor may reach in one of
 * the `allowed` ways. A number the actor cannot see answers 404; one they see (e.g. their own) but
 * may not act on this way answers 403.
 */
export async function reachNumber(tx: Tx, ctx: Ctx, numberId: string, allowed: readonly NumberAccess[], opts: { lock: boolean }): Promise<{ row: NumberRow; access: NumberAccess }> {
  const accountId = accountOf(ctx);
  const row = opts.lock ? await lockNumber(tx.sql, accountId, numberId) : await getNumberRow(tx.sql, accountId, numberId);
  const access = row ? accessTo(ctx.actor, row) : null;
  if (!row || !access) throw notFound('Number');
  if (!allowed.includes(access)) {
    throw new AppError('forbidden', allowed.includes('admin') ? "Only admins of the number's site may do this" : 'Only the user the number is assigned to may do this');
  }
  return { row, access };
}

// ---------------------------------------------------------------------------------------------
// Operator inventory

/**
 * Allocates numbers to an account and site (operator), all `reserved`. The whole request is refused,
 * with nothing inserted, when any number is invalid, listed twice, or already allocated anywhere.
 */
export async function allocateNumbers(ctx: Ctx, accountId: string, input: { siteId: string; numbers: string[] }): Promise<{ items: NumberSummary[] }> {
  if (input.numbers.length === 0) throw invalid('numbers', 'List at least one number');
  return asOperator(ctx, accountId, async (tx) => {
    const account = await getAccount(tx.sql, accountId);
    if (!account) throw notFound('Account');
    if (!(await getSite(tx.sql, accountId, input.siteId))) throw new AppError('not_found', 'Site was not found in this account', 'siteId');
    const seen = new Map<string, number>();
    const e164s = input.numbers.map((raw, i) => {
      const e164 = parseNumber(raw, account.country, `numbers[${i}]`).e164;
      const first = seen.get(e164);
      if (first !== undefined) throw invalid(`numbers[${i}]`, `${e164} is listed twice (also as numbers[${first}])`);
      seen.set(e164, i);
      return e164;
    });
    const taken = await takenNumbers(tx.sql, e164s);
    const i = e164s.findIndex((e) => taken.has(e));
    if (i >= 0) throw new AppError('number_taken', `${e164s[i]} is already allocated`, `numbers[${i}]`);
    const ids: string[] = [];
    for (const e164 of e164s) ids.push(await insertNumber(tx.sql, accountId, input.siteId, e164, 'reserved', false));
    const items = await getNumberSummaries(tx.sql, accountId, ids);
    await tx.audit({ action: 'number.allocate', targetType: 'site', targetId: input.siteId, after: items });
    for (const id of ids) tx.emit('number.created', id);
    return { items };
  });
}

/** The account's inventory across its sites (operator), by E.164. */
export async function listAccountNumbers(ctx: Ctx, accountId: string, q: { q?: string; status?: NumberStatus; siteId?: string; limit: number; cursor?: string }): Promise<Page<NumberSummary>> {
  const after = decodeCursor(q.cursor, 1);
  return asOperator(ctx, accountId, async (tx) => {
    if (!(await getAccount(tx.sql, accountId))) throw notFound('Account');
    const rows = await listNumbers(tx.sql, accountId, { q: q.q, status: q.status, siteId: q.siteId, after: (after?.[0] as string | undefined) ?? null, limit: q.limit });
    return toPage(rows, q.limit, numberSortKey, toNumberSummary);
  });
}

/** Releases a reserved, non-main number back to the platform (operator). */
export async function releaseNumber(ctx: Ctx, accountId: string, numberId: string): Promise<void> {
  await asOperator(ctx, accountId, async (tx) => {
    const row = await lockNumber(tx.sql, accountId, numberId);
    if (!row) throw notFound('Number');
    if (row.is_main) throw new AppError('number_is_main', `${row.e164} is the site's main number, which is read-only`);
    if (row.status !== 'reserved') throw new AppError('number_not_reserved', `${row.e164} is ${row.status}; only reserved numbers can be released`, null, { numberStatus: row.status });
    const links = await numberLinks(tx.sql, accountId, numberId);
    if (links.handset || links.portal || row.user_id) {
      const what = links.handset ? `logged into handset ${links.handset.phoneId}` : links.portal ? 'an Office Anywhere portal number' : 'assigned to a user';
      throw new AppError('number_in_use', `${row.e164} is ${what}; undo that before releasing it`);
    }
    const before = await getNumberSummary(tx.sql, accountId, numberId);
    await tx.sql.query(`DELETE FROM numbers WHERE account_id = $1 AND id = $2`, [accountId, numberId]);
    await tx.audit({ action: 'number.release', targetType: 'number', targetId: numberId, before });
    tx.emit('number.deleted', numberId, { siteId: row.site_id });
  });
}

// ---------------------------------------------------------------------------------------------
// Site admin views

/** A row of the site list: admins also see the default PIN while it is in use (spec §3, §5). */
export interface SiteNumber extends NumberSummary {
  defaultPin: string | null;
}

const toSiteNumber = (r: Record<string, unknown>): SiteNumber => ({ ...toNumberSummary(r), defaultPin: r.pin_hash === null ? (r.default_pin as string) : null });

/** A site's numbers by E.164; `q` matches a fragment of the number or of "assigned to" (spec §3). Admins only. */
export async function listSiteNumbers(ctx: Ctx, siteId: string, q: { q?: string; status?: NumberStatus; limit: number; cursor?: string }): Promise<Page<SiteNumber>> {
  const after = decodeCursor(q.cursor, 1);
  if (!adminsSite(ctx.actor, siteId)) throw notFound('Site');
  const accountId = accountOf(ctx);
  return inAccount(ctx, async (tx) => {
    if (!(await getSite(tx.sql, accountId, siteId))) throw notFound('Site');
    const rows = await listNumbers(tx.sql, accountId, { siteId, q: q.q, status: q.status, after: (after?.[0] as string | undefined) ?? null, limit: q.limit });
    return toPage(rows, q.limit, numberSortKey, toSiteNumber);
  });
}

export interface PinStateView {
  state: 'default' | 'custom';
  locked: boolean;
  failures: number;
}

export const pinStateOf = (row: NumberRow): PinStateView => ({
  state: row.pin_hash === null ? 'default' : 'custom',
  locked: row.pin_locked,
  failures: Number(row.pin_failures),
});

export interface NumberDetails extends NumberSummary {
  features: FeatureView;
  pin: PinStateView;
  handset: { deviceId: string; phoneId: string } | null;
  officeAnywherePortal: { id: string; name: string } | null;
  user: { id: string; firstName: string; lastName: string; extension: string | null } | null;
  createdAt: string;
  updatedAt: string;
}

/** Everything about a number, read-only (spec §3 "Details"): admins of its site and its user. */
export async function getNumberDetails(ctx: Ctx, numberId: string): Promise<NumberDetails> {
  const accountId = accountOf(ctx);
  return inAccount(ctx, async (tx) => {
    const { row } = await reachNumber(tx, ctx, numberId, ['admin', 'self'], { lock: false });
    const summary = (await getNumberSummary(tx.sql, accountId, numberId))!;
    const features = await getFeatureRow(tx.sql, accountId, numberId);
    if (!features) throw notFound('Number');
    const links = await numberLinks(tx.sql, accountId, numberId);
    const user = row.user_id ? await getUser(tx.sql, accountId, row.user_id) : null;
    return {
      ...summary,
      features: featureView(featureStateOf(features)),
      pin: pinStateOf(row),
      handset: links.handset,
      officeAnywherePortal: links.portal,
      user: user ? { id: user.id, firstName: user.firstName, lastName: user.lastName, extension: user.extension } : null,
      createdAt: new Date(row.created_at as string).toISOString(),
      updatedAt: new Date(row.updated_at as string).toISOString(),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Actions (admins of the number's site)

/**
 * Runs one admin action on a number: lock, access, the guard, the change, one audit row with the
 * summary before and after, and a `number.updated` event.
 */
async function numberAction(ctx: Ctx, numberId: string, action: string, guard: (row: NumberRow) => void, change: (tx: Tx, row: NumberRow, accountId: string) => Promise<void>): Promise<NumberSummary> {
  const accountId = accountOf(ctx);
  return inAccount(ctx, async (tx) => {
    const { row } = await reachNumber(tx, ctx, numberId, ['admin'], { lock: true });
    guard(row);
    const before = (await getNumberSummary(tx.sql, accountId, numberId))!;
    await change(tx, row, accountId);
    await tx.sql.query(`UPDATE numbers SET updated_at = now() WHERE account_id = $1 AND id = $2`, [accountId, numberId]);
    const after = (await getNumberSummary(tx.sql, accountId, numberId))!;
    await tx.audit({ action, targetType: 'number', targetId: numberId, before, after });
    tx.emit('number.updated', numberId);
    return after;
  });
}

/** Activates a reserved number (reserved → active); the main number and non-reserved numbers are refused. */
export async function activateNumber(ctx: Ctx, numberId: string): Promise<NumberSummary> {
  return numberAction(ctx, numberId, 'number.activate', (row) => {
    if (row.is_main) throw new AppError('number_is_main', `${row.e164} is the site's main number, which is read-only`);
    if (row.status !== 'reserved') throw new AppError('number_not_reserved', `${row.e164} is ${row.status}; only reserved numbers can be activated`, null, { numberStatus: row.status });
  }, async (tx, row, accountId) => {
    const to = transition(row.status, 'active');
    await tx.sql.query(`UPDATE numbers SET status = $3 WHERE account_id = $1 AND id = $2`, [accountId, row.id, to]);
  });
}

/**
 * Assigns a user of the same account (spec §3); a user holds at most one number. The display name
 * is left as it is. Re-assigning replaces the previous user.
 */
export async function assignUser(ctx: Ctx, numberId: string, userId: string): Promise<NumberSummary> {
  return numberAction(ctx, numberId, 'number.assign', (row) => assertRowActionable(row), async (tx, row, accountId) => {
    // Looked up in the number's account only: a foreign user is as unknown as a missing one.
    const user = await getUser(tx.sql, accountId, userId);
    if (!user) throw new AppError('not_found', 'User was not found in this account', 'userId');
    const { portal } = await numberLinks(tx.sql, accountId, row.id);
    if (portal) throw new AppError('portal_number_in_use', `${row.e164} is the Office Anywhere portal number "${portal.name}"; delete the portal before assigning the number to a user`);
    const held = await numberOfUser(tx.sql, accountId, userId);
    if (held && held.id !== row.id) {
      throw new AppError('user_has_number', `${user.firstName} ${user.lastName} already has the number ${held.e164}; unassign it first`, 'userId', { number: held.e164, numberId: held.id });
    }
    await tx.sql.query(`UPDATE numbers SET user_id = $3 WHERE account_id = $1 AND id = $2`, [accountId, row.id, userId]);
  });
}

/** Removes the assigned user (the display name stays). */
export async function unassignUser(ctx: Ctx, numberId: string): Promise<NumberSummary> {
  return numberAction(ctx, numberId, 'number.unassign', (row) => {
    assertRowActionable(row);
    if (row.user_id === null) throw new AppError('number_has_no_user', `${row.e164} has no user assigned`);
  }, async (tx, row, accountId) => {
    await tx.sql.query(`UPDATE numbers SET user_id = NULL WHERE account_id = $1 AND id = $2`, [accountId, row.id]);
  });
}

export const DISPLAY_LINE_MAX = 40;

/** Sets the two-line display name shown on the handset; it overrides the user's name in the list. */
export async function setDisplayName(ctx: Ctx, numberId: string, input: { line1: string; line2?: string }): Promise<NumberSummary> {
  const line1 = input.line1.trim();
  const line2 = (input.line2 ?? '').trim();
  return numberAction(ctx, numberId, 'number.display_name.set', (row) => {
    assertRowActionable(row);
    if (line1.length === 0) throw invalid('line1', 'Line 1 of the display name cannot be empty');
    if (line1.length > DISPLAY_LINE_MAX) throw invalid('line1', `Line 1 of the display name has at most ${DISPLAY_LINE_MAX} characters`);
    if (line2.length > DISPLAY_LINE_MAX) throw invalid('line2', `Line 2 of the display name has at most ${DISPLAY_LINE_MAX} characters`);
  }, async (tx, row, accountId) => {
    await tx.sql.query(`UPDATE numbers SET display_line1 = $3, display_line2 = $4 WHERE account_id = $1 AND id = $2`, [accountId, row.id, line1, line2]);
  });
}

/** Removes the display name (the list shows the user's name again, or `Unassigned`). */
export async function clearDisplayName(ctx: Ctx, numberId: string): Promise<NumberSummary> {
  return numberAction(ctx, numberId, 'number.display_name.clear', (row) => assertRowActionable(row), async (tx, row, accountId) => {
    await tx.sql.query(`UPDATE numbers SET display_line1 = NULL, display_line2 = NULL WHERE account_id = $1 AND id = $2`, [accountId, row.id]);
  });
}

/** The extension of the user a number is assigned to (for the weak-PIN rule), or null. */
export async function assignedExtension(tx: Tx, accountId: string, row: NumberRow): Promise<string | null> {
  return row.user_id ? extensionOf(tx.sql, accountId, 'user', row.user_id) : null;
}
