/** Numbers (DIDs) of an account. */
import type { Sql } from '../db.ts';
import { newId } from '../../domain/ids.ts';
import { generateDefaultPin } from '../../domain/pin.ts';
import type { NumberStatus } from '../../domain/numbers.ts';
import { likePattern } from '../pagination.ts';
import type { FeatureState } from '../../domain/features.ts';

export type { NumberStatus };

/** The raw row of a number, as stored. */
export interface NumberRow {
  [k: string]: unknown;
  id: string;
  account_id: string;
  site_id: string;
  e164: string;
  status: NumberStatus;
  is_main: boolean;
  pending_action: string | null;
  pending_since: string | null;
  user_id: string | null;
  display_line1: string | null;
  display_line2: string | null;
  default_pin: string;
  pin_hash: string | null;
  pin_failures: number;
  pin_locked: boolean;
}

/** Reads a number and locks its row for the rest of the transaction; null when not in the account. */
export async function lockNumber(sql: Sql, accountId: string, numberId: string): Promise<NumberRow | null> {
  return (await sql.query<NumberRow>(`SELECT * FROM numbers WHERE account_id = $1 AND id = $2 FOR UPDATE`, [accountId, numberId]))[0] ?? null;
}

/** Inserts a number with a fresh default PIN and default features. */
export async function insertNumber(sql: Sql, accountId: string, siteId: string, e164: string, status: NumberStatus, isMain: boolean): Promise<string> {
  const id = newId();
  await sql.query(
    `INSERT INTO numbers (id, account_id, site_id, e164, status, is_main, default_pin) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, accountId, siteId, e164, status, isMain, generateDefaultPin()],
  );
  await sql.query(`INSERT INTO number_features (number_id, account_id) VALUES ($1, $2)`, [id, accountId]);
  return id;
}

export async function numberTaken(sql: Sql, e164: string): Promise<boolean> {
  const r = await sql.query<{ taken: boolean }>(`SELECT tandem_number_taken($1) AS taken`, [e164]);
  return r[0]?.taken === true;
}

// ---------------------------------------------------------------------------------------------
// Views of numbers for the admin lists and details (spec §3).

/** The two-line label shown on the handset (spec §3 "Display name"). */
export interface DisplayName {
  line1: string;
  line2: string;
}

/** A number as the lists show it (spec §3). */
export interface NumberSummary {
  id: string;
  e164: string;
  siteId: string;
  status: NumberStatus;
  isMain: boolean;
  /** `Main number`, the display name, the assigned user's name, or `Unassigned` (see ASSIGNED_TO). */
  assignedTo: string;
  userId: string | null;
  displayName: DisplayName | null;
  /** The Phone ID of the handset the number is logged into. */
  phoneId: string | null;
  /** The extension reaching this number: its user's, or its Office Anywhere portal's. */
  extension: string | null;
}

/**
 * The "assigned to" text of spec §3 as ONE SQL expression, used both for the output and for the
 * search filter, so what the list shows and what `q` matches can never disagree:
 * `Main number` for the site's main number; else the display name (line 1 and line 2 joined by a
 * space) — a display name overrides the user's name; else the assigned user's name; else `Unassigned`.
 * Needs `n` (numbers) and `u` (the assigned user, LEFT JOIN) in scope.
 */
export const ASSIGNED_TO = `CASE
    WHEN n.is_main THEN 'Main number'
    WHEN nullif(btrim(concat_ws(' ', n.display_line1, n.display_line2)), '') IS NOT NULL
      THEN btrim(concat_ws(' ', n.display_line1, n.display_line2))
    WHEN u.id IS NOT NULL THEN u.first_name || ' ' || u.last_name
    ELSE 'Unassigned' END`;

/** Numbers with their assigned user and handset; callers add `WHERE n.account_id = $1 …`. */
const SUMMARY_FROM = `
    FROM numbers n
    LEFT JOIN users u ON u.account_id = n.account_id AND u.id = n.user_id
    LEFT JOIN devices d ON d.account_id = n.account_id AND d.number_id = n.id`;

/** The extension of the number's user, else of the Office Anywhere portal it is the number of. */
const EXTENSION = `(SELECT e.extension FROM extensions e
     WHERE e.account_id = n.account_id AND (
       (e.target_type = 'user' AND e.target_id = n.user_id)
       OR (e.target_type = 'oa_portal' AND e.target_id = (SELECT p.id FROM oa_portals p WHERE p.account_id = n.account_id AND p.number_id = n.id)))
     ORDER BY e.target_type DESC LIMIT 1)`;

const SUMMARY_SELECT = `SELECT n.*, ${ASSIGNED_TO} AS assigned_to, d.id AS device_id, d.phone_id, ${EXTENSION} AS extension ${SUMMARY_FROM}`;

export const toNumberSummary = (r: Record<string, unknown>): NumberSummary => ({
  id: r.id as string,
  e164: r.e164 as string,
  siteId: r.site_id as string,
  status: r.status as NumberStatus,
  isMain: r.is_main as boolean,
  assignedTo: r.assigned_to as string,
  userId: (r.user_id as string | null) ?? null,
  displayName: r.display_line1 === null || r.display_line1 === undefined ? null : { line1: r.display_line1 as string, line2: (r.display_line2 as string | null) ?? '' },
  phoneId: (r.phone_id as string | null) ?? null,
  extension: (r.extension as string | null) ?? null,
});

export async function getNumberSummary(sql: Sql, accountId: string, numberId: string): Promise<NumberSummary | null> {
  const r = (await sql.query(`${SUMMARY_SELECT} WHERE n.account_id = $1 AND n.id = $2`, [accountId, numberId]))[0];
  return r ? toNumberSummary(r) : null;
}

export interface NumberListFilter {
  siteId?: string | null;
  status?: NumberStatus | null;
  q?: string | null;
  /** The e164 of the last row of the previous page. */
  after?: string | null;
  limit: number;
}

/**
 * Numbers ordered by E.164 (unique, so it is the whole keyset). `q` matches, case-insensitively, a
 * fragment of the number (as typed, or with spaces and separators removed) or of the "assigned to" text.
 */
export async function listNumbers(sql: Sql, accountId: string, f: NumberListFilter): Promise<Record<string, unknown>[]> {
  const params: unknown[] = [accountId];
  const where = ['n.account_id = $1'];
  const add = (v: unknown): string => `$${params.push(v)}`;
  if (f.siteId) where.push(`n.site_id = ${add(f.siteId)}`);
  if (f.status) where.push(`n.status = ${add(f.status)}`);
  if (f.q) {
    const p = add(likePattern(f.q));
    const compact = f.q.replace(/[\s\-().\/]/g, '');
    const c = compact !== f.q && compact !== '' ? ` OR n.e164 ILIKE ${add(likePattern(compact))}` : '';
    where.push(`(n.e164 ILIKE ${p}${c} OR ${ASSIGNED_TO} ILIKE ${p})`);
  }
  if (f.after) where.push(`n.e164 > ${add(f.after)}`);
  const limit = add(f.limit + 1);
  return sql.query(`${SUMMARY_SELECT} WHERE ${where.join(' AND ')} ORDER BY n.e164 LIMIT ${limit}`, params);
}

export const numberSortKey = (r: Record<string, unknown>): string[] => [r.e164 as string];

/** Features as stored (the authorization code only as a hash, which never leaves the service). */
export interface FeatureRow {
  [k: string]: unknown;
  number_id: string;
  forward_always: string | null;
  forward_busy: string | null;
  forward_no_answer: string | null;
  no_answer_ring_seconds: number;
  voicemail: boolean;
  voicemail_to_email: string | null;
  hide_caller_id: boolean;
  call_waiting: boolean;
  do_not_disturb: boolean;
  cli_number: string | null;
  auth_code_hash: string | null;
}

export async function getFeatureRow(sql: Sql, accountId: string, numberId: string): Promise<FeatureRow | null> {
  return (await sql.query<FeatureRow>(`SELECT * FROM number_features WHERE account_id = $1 AND number_id = $2`, [accountId, numberId]))[0] ?? null;
}

/** Writes every feature column; `authCodeHash` undefined keeps the stored hash. */
export async function updateFeatureRow(sql: Sql, accountId: string, numberId: string, f: Omit<FeatureRow, 'number_id' | 'auth_code_hash'>, authCodeHash: string | null | undefined): Promise<void> {
  await sql.query(
    `UPDATE number_features SET forward_always = $3, forward_busy = $4, forward_no_answer = $5, no_answer_ring_seconds = $6, voicemail = $7,
            voicemail_to_email = $8, hide_caller_id = $9, call_waiting = $10, do_not_disturb = $11, cli_number = $12,
            auth_code_hash = CASE WHEN $13::boolean THEN auth_code_hash ELSE $14 END
      WHERE account_id = $1 AND number_id = $2`,
    [accountId, numberId, f.forward_always, f.forward_busy, f.forward_no_answer, f.no_answer_ring_seconds, f.voicemail,
     f.voicemail_to_email, f.hide_caller_id, f.call_waiting, f.do_not_disturb, f.cli_number, authCodeHash === undefined, authCodeHash ?? null]);
  await sql.query(`UPDATE numbers SET updated_at = now() WHERE account_id = $1 AND id = $2`, [accountId, numberId]);
}

/** A number of the account by its E.164 (null when the account has no such number). */
export async function findNumberByE164(sql: Sql, accountId: string, e164: string): Promise<{ id: string; siteId: string; status: NumberStatus } | null> {
  const r = (await sql.query<{ id: string; site_id: string; status: NumberStatus }>(
    `SELECT id, site_id, status FROM numbers WHERE account_id = $1 AND e164 = $2`, [accountId, e164]))[0];
  return r ? { id: r.id, siteId: r.site_id, status: r.status } : null;
}

/** The number a user holds, if any. */
export async function numberOfUser(sql: Sql, accountId: string, userId: string): Promise<{ id: string; e164: string } | null> {
  return (await sql.query<{ id: string; e164: string }>(`SELECT id, e164 FROM numbers WHERE account_id = $1 AND user_id = $2`, [accountId, userId]))[0] ?? null;
}

/** The stored features of a number in the domain's terms (the authorization code only as "set"). */
export const featureStateOf = (r: FeatureRow): FeatureState => ({
  forwardAlways: r.forward_always,
  forwardBusy: r.forward_busy,
  forwardNoAnswer: r.forward_no_answer,
  noAnswerRingSeconds: Number(r.no_answer_ring_seconds),
  voicemail: r.voicemail,
  voicemailToEmail: r.voicemail_to_email,
  hideCallerId: r.hide_caller_id,
  callWaiting: r.call_waiting,
  doNotDisturb: r.do_not_disturb,
  cliNumber: r.cli_number,
  authCodeEnabled: r.auth_code_hash !== null,
});

/** The columns of a feature state, for {@link updateFeatureRow}. */
export const featureColumnsOf = (f: FeatureState): Omit<FeatureRow, 'number_id' | 'auth_code_hash'> => ({
  forward_always: f.forwardAlways,
  forward_busy: f.forwardBusy,
  forward_no_answer: f.forwardNoAnswer,
  no_answer_ring_seconds: f.noAnswerRingSeconds,
  voicemail: f.voicemail,
  voicemail_to_email: f.voicemailToEmail,
  hide_caller_id: f.hideCallerId,
  call_waiting: f.callWaiting,
  do_not_disturb: f.doNotDisturb,
  cli_number: f.cliNumber,
});

/** Reads a number without locking it; null when not in the account. */
export async function getNumberRow(sql: Sql, accountId: string, numberId: string): Promise<NumberRow | null> {
  return (await sql.query<NumberRow>(`SELECT * FROM numbers WHERE account_id = $1 AND id = $2`, [accountId, numberId]))[0] ?? null;
}

/** Summaries of the given numbers of the account, in the order of `ids`. */
export async function getNumberSummaries(sql: Sql, accountId: string, ids: readonly string[]): Promise<NumberSummary[]> {
  const rows = await sql.query(`${SUMMARY_SELECT} WHERE n.account_id = $1 AND n.id = ANY($2::uuid[])`, [accountId, ids]);
  const byId = new Map(rows.map((r) => [r.id as string, toNumberSummary(r)]));
  return ids.map((id) => byId.get(id)).filter((s): s is NumberSummary => s !== undefined);
}

/** Which of these E.164 numbers are allocated anywhere (answers yes/no per number, names no account). */
export async function takenNumbers(sql: Sql, e164s: readonly string[]): Promise<Set<string>> {
  const rows = await sql.query<{ e164: string }>(`SELECT e AS e164 FROM unnest($1::text[]) AS e WHERE tandem_number_taken(e)`, [e164s]);
  return new Set(rows.map((r) => r.e164));
}

/** What else refers to a number: the handset it is logged into, its Office Anywhere portal. */
export async function numberLinks(sql: Sql, accountId: string, numberId: string): Promise<{
  handset: { deviceId: string; phoneId: string } | null;
  portal: { id: string; name: string } | null;
}> {
  const d = (await sql.query<{ id: string; phone_id: string }>(`SELECT id, phone_id FROM devices WHERE account_id = $1 AND number_id = $2`, [accountId, numberId]))[0];
  const p = (await sql.query<{ id: string; name: string }>(`SELECT id, name FROM oa_portals WHERE account_id = $1 AND number_id = $2`, [accountId, numberId]))[0];
  return { handset: d ? { deviceId: d.id, phoneId: d.phone_id } : null, portal: p ? { id: p.id, name: p.name } : null };
}
