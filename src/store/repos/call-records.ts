/**
 * Call records of an account (migration 008): one row per leg, written once, read by the call log
 * and the invoice. Every query filters `account_id = $1`.
 */
import type { Sql } from '../db.ts';
import type { MeteringClass, Party, RouteClass } from '../../routing/types.ts';

export type CallDirection = 'outbound' | 'inbound' | 'internal';
export type CallResult = 'answered' | 'busy' | 'no_answer' | 'failed' | 'rejected' | 'voicemail' | 'cancelled';
export const CALL_DIRECTIONS: readonly CallDirection[] = ['outbound', 'inbound', 'internal'];
export const CALL_RESULTS: readonly CallResult[] = ['answered', 'busy', 'no_answer', 'failed', 'rejected', 'voicemail', 'cancelled'];

export interface CallRating {
  /** The public number the leg was rated on (E.164), null when nothing was rated. */
  ratedNumber: string | null;
  ratedCountry: string | null;
  billedMinutes: number;
  /** 1/10,000 currency units. */
  cost: number;
  ratePrefix: string | null;
  rateDescription: string | null;
  perMinute: number | null;
  setup: number | null;
  unrated: boolean;
}

export interface CallRecord {
  id: string;
  accountId: string;
  interactionId: string;
  direction: CallDirection;
  userId: string | null;
  siteId: string | null;
  from: Party;
  to: Party;
  routeClass: RouteClass | null;
  meteringClass: MeteringClass;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string;
  durationSeconds: number;
  result: CallResult;
  officeAnywhereLeg: boolean;
  rating: CallRating;
}

type R = Record<string, unknown>;
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const iso = (v: unknown): string => new Date(v as string).toISOString();
const party = (r: R, side: 'from' | 'to'): Party => ({
  accountId: str(r[`${side}_account_id`]), office: str(r[`${side}_office`]), userId: str(r[`${side}_user_id`]),
  name: str(r[`${side}_name`]), extension: str(r[`${side}_extension`]), number: str(r[`${side}_number`]),
});

export const toCallRecord = (r: R): CallRecord => ({
  id: r.id as string,
  accountId: r.account_id as string,
  interactionId: r.interaction_id as string,
  direction: r.direction as CallDirection,
  userId: str(r.user_id),
  siteId: str(r.site_id),
  from: party(r, 'from'),
  to: party(r, 'to'),
  routeClass: (r.route_class as RouteClass | null) ?? null,
  meteringClass: r.metering_class as MeteringClass,
  startedAt: iso(r.started_at),
  answeredAt: r.answered_at === null || r.answered_at === undefined ? null : iso(r.answered_at),
  endedAt: iso(r.ended_at),
  durationSeconds: Number(r.duration_seconds),
  result: r.result as CallResult,
  officeAnywhereLeg: r.is_office_anywhere_leg as boolean,
  rating: {
    ratedNumber: str(r.rated_number), ratedCountry: str(r.rated_country), billedMinutes: Number(r.billed_minutes), cost: Number(r.cost),
    ratePrefix: str(r.rate_prefix), rateDescription: str(r.rate_description),
    perMinute: r.rate_per_minute === null || r.rate_per_minute === undefined ? null : Number(r.rate_per_minute),
    setup: r.rate_setup === null || r.rate_setup === undefined ? null : Number(r.rate_setup),
    unrated: r.unrated as boolean,
  },
});

/** Writes one leg (already validated, shown and rated by the service). */
export async function insertCallRecord(sql: Sql, accountId: string, c: CallRecord): Promise<CallRecord> {
  const p = (x: Party) => [x.accountId, x.office, x.userId, x.name, x.extension, x.number];
  const rows = await sql.query(
    `INSERT INTO call_records (id, account_id, interaction_id, direction, user_id, site_id,
        from_account_id, from_office, from_user_id, from_name, from_extension, from_number,
        to_account_id, to_office, to_user_id, to_name, to_extension, to_number,
        route_class, metering_class, started_at, answered_at, ended_at, duration_seconds, result, is_office_anywhere_leg,
        rated_number, rated_country, billed_minutes, cost, rate_prefix, rate_description, rate_per_minute, rate_setup, unrated)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26,
             $27, $28, $29, $30, $31, $32, $33, $34, $35)
     RETURNING *`,
    [c.id, accountId, c.interactionId, c.direction, c.userId, c.siteId, ...p(c.from), ...p(c.to),
     c.routeClass, c.meteringClass, c.startedAt, c.answeredAt, c.endedAt, c.durationSeconds, c.result, c.officeAnywhereLeg,
     c.rating.ratedNumber, c.rating.ratedCountry, c.rating.billedMinutes, c.rating.cost, c.rating.ratePrefix, c.rating.rateDescription,
     c.rating.perMinute, c.rating.setup, c.rating.unrated]);
  return toCallRecord(rows[0]!);
}

/** The columns of a call record row as {@link insertCallRecords} sends them (json_to_recordset). */
const ROW_COLUMNS = `id uuid, interaction_id uuid, direction text, user_id uuid, site_id uuid,
    from_account_id uuid, from_office text, from_user_id uuid, from_name text, from_extension text, from_number text,
    to_account_id uuid, to_office text, to_user_id uuid, to_name text, to_extension text, to_number text,
    route_class text, metering_class text, started_at timestamptz, answered_at timestamptz, ended_at timestamptz,
    duration_seconds integer, result text, is_office_anywhere_leg boolean,
    rated_number text, rated_country text, billed_minutes integer, cost integer, rate_prefix text, rate_description text,
    rate_per_minute integer, rate_setup integer, unrated boolean`;
const ROW_NAMES = ROW_COLUMNS.replace(/\s+[a-z]+(?=,|$)/g, '').replace(/\s+/g, ' ');

/**
 * Writes many legs of one account (already validated, shown and rated by the service) in one
 * statement: the rows travel as one JSON parameter. What the SIP service's batches use, so a thousand
 * calls a second cost a few statements a second. Returns the number of rows written.
 */
export async function insertCallRecords(sql: Sql, accountId: string, records: readonly CallRecord[]): Promise<number> {
  if (records.length === 0) return 0;
  const rows = records.map((c) => ({
    id: c.id, interaction_id: c.interactionId, direction: c.direction, user_id: c.userId, site_id: c.siteId,
    from_account_id: c.from.accountId, from_office: c.from.office, from_user_id: c.from.userId, from_name: c.from.name, from_extension: c.from.extension, from_number: c.from.number,
    to_account_id: c.to.accountId, to_office: c.to.office, to_user_id: c.to.userId, to_name: c.to.name, to_extension: c.to.extension, to_number: c.to.number,
    route_class: c.routeClass, metering_class: c.meteringClass, started_at: c.startedAt, answered_at: c.answeredAt, ended_at: c.endedAt,
    duration_seconds: c.durationSeconds, result: c.result, is_office_anywhere_leg: c.officeAnywhereLeg,
    rated_number: c.rating.ratedNumber, rated_country: c.rating.ratedCountry, billed_minutes: c.rating.billedMinutes, cost: c.rating.cost,
    rate_prefix: c.rating.ratePrefix, rate_description: c.rating.rateDescription, rate_per_minute: c.rating.perMinute, rate_setup: c.rating.setup,
    unrated: c.rating.unrated,
  }));
  await sql.query(
    `INSERT INTO call_records (account_id, ${ROW_NAMES})
     SELECT $1, ${ROW_NAMES} FROM json_to_recordset($2::json) AS x(${ROW_COLUMNS})`,
    [accountId, JSON.stringify(rows)]);
  return rows.length;
}

/**
 * Which legs of the account a reader sees: every leg (null filters), the legs where `partyUserId`
 * is the account's party (the leg's user, or the callee of an internal leg), and/or — for a site
 * admin — the legs of `siteIds` (recorded at the call, or whose user party is now at one of them)
 * plus their own (`selfId`).
 */
export interface Visibility {
  partyUserId: string | null;
  siteIds: string[] | null;
  selfId: string | null;
}

/** The SQL predicate for a {@link Visibility}, with its parameters numbered from `n`. */
function visible(v: Visibility, n: number): { where: string; params: unknown[] } {
  const isParty = (p: string) => `(r.user_id = ${p}::uuid OR (r.direction = 'internal' AND r.to_user_id = ${p}::uuid))`;
  return {
    where: `($${n}::uuid IS NULL OR ${isParty(`$${n}`)})
       AND ($${n + 1}::uuid[] IS NULL OR r.site_id = ANY($${n + 1}::uuid[])
            OR EXISTS (SELECT 1 FROM users u WHERE u.account_id = r.account_id AND u.site_id = ANY($${n + 1}::uuid[])
                         AND (u.id = r.user_id OR (r.direction = 'internal' AND u.id = r.to_user_id)))
            OR ($${n + 2}::uuid IS NOT NULL AND ${isParty(`$${n + 2}`)}))`,
    params: [v.partyUserId, v.siteIds, v.selfId],
  };
}

export async function getCallRecord(sql: Sql, accountId: string, id: string, v: Visibility): Promise<CallRecord | null> {
  const f = visible(v, 3);
  const r = (await sql.query(`SELECT r.* FROM call_records r WHERE r.account_id = $1 AND r.id = $2 AND ${f.where}`, [accountId, id, ...f.params]))[0];
  return r ? toCallRecord(r) : null;
}

export interface CallRecordFilter {
  from?: string;
  to?: string;
  direction?: CallDirection;
  /** Legs with this E.164 number as either party's number. */
  number?: string;
  /** The last row of the previous page: [startedAt ISO, id]. */
  after?: (string | number)[] | null;
  limit: number;
}

/** Newest first (started_at DESC, id DESC); fetches `limit + 1` rows for the page. */
export async function listCallRecords(sql: Sql, accountId: string, v: Visibility, q: CallRecordFilter): Promise<R[]> {
  const f = visible(v, 2);
  return sql.query(
    `SELECT r.* FROM call_records r
      WHERE r.account_id = $1 AND ${f.where}
        AND ($5::timestamptz IS NULL OR r.started_at >= $5::timestamptz)
        AND ($6::timestamptz IS NULL OR r.started_at < $6::timestamptz)
        AND ($7::text IS NULL OR r.direction = $7)
        AND ($8::timestamptz IS NULL OR (r.started_at, r.id) < ($8::timestamptz, $9::uuid))
        AND ($11::text IS NULL OR r.from_number = $11 OR r.to_number = $11)
      ORDER BY r.started_at DESC, r.id DESC
      LIMIT $10`,
    [accountId, ...f.params, q.from ?? null, q.to ?? null, q.direction ?? null, q.after?.[0] ?? null, q.after?.[1] ?? null, q.limit + 1, q.number ?? null]);
}

export const callRecordSortKey = (r: R): (string | number)[] => [iso(r.started_at), r.id as string];

/** One group of an account's legs in a period, for the invoice. */
export interface UsageGroup {
  meteringClass: MeteringClass;
  officeAnywhereLeg: boolean;
  rateDescription: string | null;
  ratedCountry: string | null;
  unrated: boolean;
  calls: number;
  minutes: number;
  cost: number;
}

/** The account's metered legs started in [from, to), grouped by what the invoice groups by. Legs metered `none` are not usage. */
export async function usageGroups(sql: Sql, accountId: string, from: string, to: string): Promise<UsageGroup[]> {
  const rows = await sql.query(
    `SELECT metering_class, is_office_anywhere_leg, rate_description, rated_country, unrated,
            count(*)::int AS calls, coalesce(sum(billed_minutes), 0)::bigint AS minutes, coalesce(sum(cost), 0)::bigint AS cost
       FROM call_records
      WHERE account_id = $1 AND started_at >= $2::timestamptz AND started_at < $3::timestamptz AND metering_class <> 'none'
      GROUP BY metering_class, is_office_anywhere_leg, rate_description, rated_country, unrated`,
    [accountId, from, to]);
  return rows.map((r) => ({
    meteringClass: r.metering_class as MeteringClass, officeAnywhereLeg: r.is_office_anywhere_leg as boolean,
    rateDescription: str(r.rate_description), ratedCountry: str(r.rated_country), unrated: r.unrated as boolean,
    calls: Number(r.calls), minutes: Number(r.minutes), cost: Number(r.cost),
  }));
}
