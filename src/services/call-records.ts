/**
 * Call records (spec §9: "Every call produces a call record (both parties with display names,
 * direction, route class, times, result, metering class) for the call log and the invoice"; §12).
 *
 * Writing: {@link recordCall} is what the SIP service calls when a call ends, with every leg of the
 * call. Each leg is checked, its parties reduced to what its account may see (routing/callback.ts
 * `partyForAccount`), rated against the live snapshot's rate deck (routing/rating.ts), and written
 * under its own account's tenant transaction; the legs of one call share one interaction id.
 * Call records write NO audit row: they are not a change someone made to the account's
 * configuration but the record of what happened — an audit row per call would only duplicate it.
 * They publish no event either: the live routing snapshot reloads an account's slice on any event
 * of that account, and a call ending changes nothing routing reads.
 *
 * Reading: the call log per account (admins, operators with Tandem-Account), per site (site admins)
 * and per user (a user sees only the legs they are a party of); a leg nobody may see answers 404.
 */
import { AppError, checkTimeRange, invalid, notFound } from '../domain/errors.ts';
import { isUuid, newId } from '../domain/ids.ts';
import { parseNumber } from '../domain/phone.ts';
import { callbackFor, partyForAccount, type Callback } from '../routing/callback.ts';
import { routingFor } from '../routing/live.ts';
import { countryOf, officeAnywhereClass, rateLeg } from '../routing/rating.ts';
import type { Snapshot } from '../routing/snapshot.ts';
import type { MeteringClass, Party, RouteClass } from '../routing/types.ts';
import { decodeCursor, toPage, type Page } from '../store/pagination.ts';
import {
  CALL_DIRECTIONS, CALL_RESULTS, callRecordSortKey, getCallRecord, insertCallRecord, insertCallRecords, listCallRecords, toCallRecord,
  type CallDirection, type CallRecord, type CallResult, type Visibility,
} from '../store/repos/call-records.ts';
import { getAccount } from '../store/repos/accounts.ts';
import { getUser } from '../store/repos/users.ts';
import { accountOf, adminsSite, inAccount, isAdmin, type Ctx, type Services } from './context.ts';

export type { CallDirection, CallRecord, CallResult };

/** One leg of a finished call, as the SIP service reports it. */
export interface CallLegInput {
  /** The account whose leg this is (its call log and invoice). */
  accountId: string;
  direction: CallDirection;
  /**
   * The account's own party of the leg: the caller of an outbound or internal leg, the callee of an
   * inbound one; for an Office Anywhere leg, the user whose alternate phone it is. Null when no user
   * is involved (a call to a main number, a portal).
   */
  userId: string | null;
  /** The site the leg belongs to; by default the user's site, else the site of the account's number in the leg. */
  siteId?: string | null;
  from: Party;
  to: Party;
  /** The outbound decision's route class; null for a leg the engine did not route (an inbound call from the public network). */
  routeClass: RouteClass | null;
  metering: MeteringClass;
  startedAt: Date | string;
  /** When the leg was answered (by a person or by voicemail); null when it never was. */
  answeredAt: Date | string | null;
  endedAt: Date | string;
  result: CallResult;
  /** A leg to or from an alternate phone (spec §7): rated as toll on its public end. */
  officeAnywhereLeg?: boolean;
}

const toDate = (v: Date | string, field: string): Date => {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) throw invalid(field, `${field} is not a time`);
  return d;
};

/**
 * The public end of a leg, which a toll leg is rated on: the callee of an outbound or internal leg,
 * the caller of an inbound one (for an Office Anywhere leg: the alternate phone either way).
 */
const publicEnd = (l: CallLegInput): string | null => (l.direction === 'inbound' ? l.from.number : l.to.number);

/** The account's own party of a leg (whose number may name the leg's site). */
const ownSide = (l: CallLegInput): Party => (l.direction === 'inbound' ? l.to : l.from);

/** Checks, shows and rates one leg; throws naming `legs[i].<field>` for a leg the SIP service got wrong. */
function prepareLeg(snap: Snapshot, l: CallLegInput, interactionId: string, i: number): CallRecord {
  const f = (name: string) => `legs[${i}].${name}`;
  const account = snap.accounts.get(l.accountId);
  if (!account) throw new AppError('not_found', `Account ${l.accountId} is not known to the routing snapshot`, f('accountId'));
  if (!CALL_DIRECTIONS.includes(l.direction)) throw invalid(f('direction'), `"${l.direction}" is not a direction; use one of ${CALL_DIRECTIONS.join(', ')}`);
  if (!CALL_RESULTS.includes(l.result)) throw invalid(f('result'), `"${l.result}" is not a call result; use one of ${CALL_RESULTS.join(', ')}`);
  if (l.direction === 'internal' && (l.from.accountId !== l.accountId || l.to.accountId !== l.accountId)) {
    throw invalid(f('direction'), 'An internal leg has both parties in the leg\'s own account');
  }
  const started = toDate(l.startedAt, f('startedAt'));
  const ended = toDate(l.endedAt, f('endedAt'));
  const answered = l.answeredAt === null ? null : toDate(l.answeredAt, f('answeredAt'));
  if (ended < started) throw invalid(f('endedAt'), 'A leg cannot end before it started');
  if (answered && (answered < started || answered > ended)) throw invalid(f('answeredAt'), 'A leg is answered between its start and its end');
  if ((l.result === 'answered' || l.result === 'voicemail') !== (answered !== null)) {
    throw invalid(f('answeredAt'), answered ? `A leg with the result "${l.result}" was never answered, so it has no answer time` : `A leg with the result "${l.result}" has an answer time`);
  }
  const durationSeconds = answered ? Math.round((ended.getTime() - answered.getTime()) / 1000) : 0;
  const oa = l.officeAnywhereLeg ?? false;
  const metering = oa ? officeAnywhereClass(l.metering, publicEnd(l), account.country) : l.metering;
  const rated = rateLeg(snap.rates, { metering, destinationE164: publicEnd(l), durationSeconds, officeAnywhereLeg: oa });
  const ratedNumber = rated.ratePrefix !== null || rated.unrated ? publicEnd(l) : null;
  const ownNumber = ownSide(l).number;
  const n = ownNumber ? snap.numbers.get(ownNumber) : undefined;
  const siteId = l.siteId ?? (l.userId ? account.users.get(l.userId)?.siteId : undefined) ?? (n && n.accountId === account.id ? n.siteId : null);
  return {
    id: newId(), accountId: account.id, interactionId, direction: l.direction, userId: l.userId, siteId: siteId ?? null,
    from: partyForAccount(snap, account.id, l.from), to: partyForAccount(snap, account.id, l.to),
    routeClass: l.routeClass, meteringClass: metering,
    startedAt: started.toISOString(), answeredAt: answered?.toISOString() ?? null, endedAt: ended.toISOString(), durationSeconds, result: l.result,
    officeAnywhereLeg: oa,
    rating: {
      ratedNumber, ratedCountry: ratedNumber ? countryOf(ratedNumber) : null, billedMinutes: rated.billedMinutes, cost: rated.cost,
      ratePrefix: rated.ratePrefix, rateDescription: rated.description, perMinute: rated.perMinute, setup: rated.setup, unrated: rated.unrated,
    },
  };
}

/**
 * Records a finished call: every leg, rated, each account's legs in one tenant transaction of that
 * account, all legs sharing one interaction id (given, or new). Every leg is checked before anything
 * is written, so a wrong leg writes nothing. Returns the records in the order of `legs`.
 */
export async function recordCall(services: Services, legs: CallLegInput[], opts: { interactionId?: string } = {}): Promise<CallRecord[]> {
  if (legs.length === 0) return [];
  if (opts.interactionId !== undefined && !isUuid(opts.interactionId)) throw invalid('interactionId', 'An interaction id is a UUID');
  const snap = await routingFor(services).snapshot();
  const interactionId = opts.interactionId ?? newId();
  const prepared = legs.map((l, i) => prepareLeg(snap, l, interactionId, i));
  const written = await writeRecords(services, prepared);
  return prepared.map((r) => written.get(r.id)!);
}

/**
 * Records many finished calls at once (the SIP service's batch: one tenant transaction per account
 * for all of them). A call with a wrong leg is left out whole and returned in `refused` with the
 * reason; the others are written.
 */
export async function recordCalls(services: Services, calls: { legs: CallLegInput[]; interactionId: string }[]): Promise<{ written: number; refused: { interactionId: string; reason: string }[] }> {
  const snap = await routingFor(services).snapshot();
  const prepared: CallRecord[] = [];
  const refused: { interactionId: string; reason: string }[] = [];
  for (const c of calls) {
    try {
      prepared.push(...c.legs.map((l, i) => prepareLeg(snap, l, c.interactionId, i)));
    } catch (e) {
      refused.push({ interactionId: c.interactionId, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  await writeRecordBatch(services, prepared);
  return { written: prepared.length, refused };
}

/** Records grouped by account: each account's are written in a tenant transaction of its own. */
function groupByAccount(records: CallRecord[]): Map<string, CallRecord[]> {
  const byAccount = new Map<string, CallRecord[]>();
  for (const r of records) {
    const list = byAccount.get(r.accountId);
    if (list) list.push(r);
    else byAccount.set(r.accountId, [r]);
  }
  return byAccount;
}

/** Rows per INSERT of a batch: bounds how long one statement holds the (embedded) database. */
const BATCH_ROWS = 500;

/**
 * Writes prepared records, each account's in one tenant transaction of that account, with one
 * statement per {@link BATCH_ROWS} rows (store/repos/call-records.ts `insertCallRecords`).
 */
async function writeRecordBatch(services: Services, records: CallRecord[]): Promise<void> {
  for (const [accountId, list] of groupByAccount(records)) {
    await services.db.tenant(accountId, async (sql) => {
      for (let i = 0; i < list.length; i += BATCH_ROWS) await insertCallRecords(sql, accountId, list.slice(i, i + BATCH_ROWS));
    });
  }
}

/** Writes prepared records, each account's in one tenant transaction of that account; answers them as stored, by id. */
async function writeRecords(services: Services, records: CallRecord[]): Promise<Map<string, CallRecord>> {
  const out = new Map<string, CallRecord>();
  for (const [accountId, list] of groupByAccount(records)) {
    await services.db.tenant(accountId, async (sql) => {
      for (const r of list) out.set(r.id, await insertCallRecord(sql, accountId, r));
    });
  }
  return out;
}

/**
 * What the actor may see of the account's legs, for an optional `userId` filter. A user sees only
 * the legs they are a party of (naming another user is 404); a site admin the legs of their sites
 * and their own (naming a user outside their sites is 404); admins and operators every leg.
 */
async function visibilityFor(ctx: Ctx, userId: string | undefined): Promise<Visibility> {
  const a = ctx.actor;
  if (a.role === 'user') {
    if (userId !== undefined && userId !== a.id) throw notFound('User');
    return { partyUserId: a.id, siteIds: null, selfId: null };
  }
  if (userId !== undefined) {
    const u = await inAccount(ctx, (tx) => getUser(tx.sql, accountOf(ctx), userId));
    if (!u || !(adminsSite(a, u.siteId) || a.id === u.id)) throw notFound('User');
    return { partyUserId: u.id, siteIds: null, selfId: null };
  }
  return isAdmin(a) ? { partyUserId: null, siteIds: null, selfId: null } : { partyUserId: null, siteIds: a.siteIds, selfId: a.id };
}

export interface CallLogQuery {
  userId?: string;
  from?: string;
  to?: string;
  direction?: CallDirection;
  /** A phone number as typed (E.164 or national form of the account's country): legs with it as either party's number. */
  number?: string;
  limit: number;
  cursor?: string;
}

/** The call log, newest first (see {@link visibilityFor} for who sees what). */
export async function listCallRecordsFor(ctx: Ctx, q: CallLogQuery): Promise<Page<CallRecord>> {
  const after = decodeCursor(q.cursor, 2);
  checkTimeRange(q.from, q.to);
  const v = await visibilityFor(ctx, q.userId);
  const accountId = accountOf(ctx);
  const rows = await inAccount(ctx, async (tx) => {
    const number = q.number === undefined ? undefined : parseNumber(q.number, (await getAccount(tx.sql, accountId))!.country, 'number').e164;
    return listCallRecords(tx.sql, accountId, v, { from: q.from, to: q.to, direction: q.direction, number, after, limit: q.limit });
  });
  return toPage(rows, q.limit, callRecordSortKey, toCallRecord);
}

export async function getCallRecordFor(ctx: Ctx, recordId: string): Promise<CallRecord> {
  const v = await visibilityFor(ctx, undefined);
  const r = await inAccount(ctx, (tx) => getCallRecord(tx.sql, accountOf(ctx), recordId, v));
  if (!r) throw notFound('Call record');
  return r;
}

/**
 * The other party of a leg for the viewer: the one they are not; for an admin reading someone's leg,
 * the far end (the caller of an inbound leg, the callee otherwise). For an Office Anywhere leg, the
 * far end is the party that is not the alternate phone.
 */
export function otherParty(r: CallRecord, viewerUserId: string | null): Party {
  if (r.officeAnywhereLeg) return r.direction === 'inbound' ? r.to : r.from;
  if (viewerUserId && r.to.accountId === r.accountId && r.to.userId === viewerUserId) return r.from;
  if (viewerUserId && r.from.accountId === r.accountId && r.from.userId === viewerUserId) return r.to;
  return r.direction === 'inbound' ? r.from : r.to;
}

export interface CallbackAnswer {
  dial: string;
  via: Callback['via'];
  explanation: string;
  party: Party;
}

/** What the viewer dials to reach the other party of a leg again (routing/callback.ts). */
export async function callbackForRecord(ctx: Ctx, recordId: string): Promise<CallbackAnswer> {
  const r = await getCallRecordFor(ctx, recordId);
  const viewerUserId = ctx.actor.type === 'user' ? ctx.actor.id : null;
  const party = otherParty(r, viewerUserId);
  const snap = await routingFor(ctx).snapshot();
  const cb = callbackFor(snap, { accountId: r.accountId, userId: viewerUserId }, party);
  if (!cb) {
    const why = party.accountId === null && !party.number ? 'the other party withheld their number' : 'the other party is no longer reachable from this account';
    throw new AppError('callback_unavailable', `This call cannot be called back: ${why}`);
  }
  return { dial: cb.dial, via: cb.via, explanation: cb.why, party };
}
