/**
 * The back-to-back user agent (issue 5 "B2BUA"): it terminates every call's first leg (the A leg,
 * from a device or a carrier), asks the routing engine what to do (routing/outbound.ts decides a
 * device's call, routing/inbound.ts plans a call to a number or extension) and executes the answer
 * with new legs of its own (B legs, to devices' registered contacts and through carrier trunks).
 *
 * Executing a plan (spec §9):
 * - every endpoint of the plan rings in parallel: each registered contact of the handset, each
 *   alternate phone through the carrier trunk; the first 2xx wins and the others are cancelled
 *   (RFC 3261 §9.1 CANCEL with `Reason: SIP;cause=200;text="Call completed elsewhere"`, RFC 3326);
 *   a second 2xx that crosses the CANCEL is ACKed and hung up (§13.2.2.4);
 * - the ring timer (the plan's ring time) cancels every leg and takes the no-answer branch;
 * - busy: a leg answering 486/600, or the target already in a call while its call waiting is off,
 *   takes the busy branch; nothing reachable (no registration, every leg failing otherwise) takes
 *   the unreachable branch (where that branch ends the call and every leg refused the offered media
 *   with 488/606, the caller gets 488); every leg asking for a longer session interval (422) is no
 *   branch: the caller gets the 422 with the largest Min-SE (RFC 4028 §6);
 * - a branch forwards (a Tandem number is planned again, with the hop count; anything else goes to
 *   the carrier — the engine already checked the permission), ends busy (486), ends (480), or would
 *   go to voicemail, which does not exist yet: 480 with a Reason saying so, never a fake success.
 * Caller ID is rewritten per the plan (b2bua/identity.ts); SDP is passed through unchanged in both
 * directions; in-dialog requests (re-INVITE, UPDATE, INFO, BYE, …) are relayed to the other leg and
 * their answers back (a carrier trunk's challenge to one is answered with the trunk's credentials,
 * `sendInDialog`). Every refusal carries a Reason header (RFC 3326) with the engine's sentence.
 * When a call ends its call records are queued (b2bua/records.ts).
 */
import type { Logger } from 'pino';
import { buildDigestAuthorization, parseDigestChallenge } from '../../domain/digest.ts';
import { newId } from '../../domain/ids.ts';
import { planInbound } from '../../routing/inbound.ts';
import { decideOutbound } from '../../routing/outbound.ts';
import type { NumberSnap, Snapshot } from '../../routing/snapshot.ts';
import type { CallerIdShown, CallPlan, Endpoint as PlanEndpoint, Fallback, MeteringClass, OutboundDecision, Party, RouteClass } from '../../routing/types.ts';
import type { CallLegInput, CallResult } from '../../services/call-records.ts';
import type { SipAuthenticator } from '../auth/authenticator.ts';
import { Dialog } from '../dialog/dialog.ts';
import { createRequest, newCallId } from '../message/build.ts';
import { formatNameAddr, quote } from '../message/headers-parse.ts';
import type { Endpoint, NameAddr, SipRequest, SipResponse, SipUri } from '../message/types.ts';
import { isSipUri, parseUri, unescapedUser } from '../message/uri.ts';
import type { SipDirectory } from '../registrar/directory.ts';
import type { LocationService } from '../registrar/location.ts';
import type { Clock, TimerHandle } from '../transaction/clock.ts';
import type { InviteClientTransaction } from '../transaction/client.ts';
import type { TransactionLayer } from '../transaction/layer.ts';
import type { InviteServerTransaction, ServerTransaction } from '../transaction/server.ts';
import type { ClientTransactionHandler } from '../transaction/types.ts';
import { identityFor } from './identity.ts';
import type { CallRecorder } from './records.ts';
import { shouldFailover, TrunkSet, type Trunk } from './trunks.ts';

export interface B2buaDeps {
  tl: TransactionLayer;
  /** Our address per transport (Contact of our legs). */
  sentBy(protocol: Endpoint['transport']): { host: string; port: number };
  snapshot(): Snapshot;
  directory: SipDirectory;
  location: LocationService;
  auth: SipAuthenticator;
  trunks(): TrunkSet;
  records: CallRecorder;
  clock: Clock;
  log: Logger;
  metrics: { callStarted(): void; callEnded(status: number): void };
}

type LegTarget = { kind: 'device'; deviceId: string; contact: string; endpoint: PlanEndpoint } | { kind: 'trunk'; e164: string; trunkIndex: number; endpoint: PlanEndpoint | null };

/** One B leg: an INVITE we sent, its transaction, and its dialog once the callee answered. */
interface Leg {
  call: Call;
  target: LegTarget;
  invite: SipRequest;
  dest: Endpoint;
  tx: InviteClientTransaction | null;
  dialog: Dialog | null;
  /** Final status received (0 = none yet). */
  status: number;
  authTried: boolean;
  /** The Min-SE of the leg's 422 (RFC 4028 §6), if it answered one. */
  minSe: number | null;
}

/** The caller side of a call as the records and the engine need it. */
interface CallerInfo {
  accountId: string | null;
  userId: string | null;
  party: Party;
  /** The caller's own number (busy tracking), if any. */
  number: string | null;
}

type Stage = 'routing' | 'ringing' | 'answered' | 'ended';
/** The rules of routing/inbound.ts that make a plan skip ringing (their sentence is the caller's Reason). */
const IMMEDIATE_RULES = new Set(['dnd', 'forward_always', 'oa_portal']);
/** Why a branch of the plan is taken. */
type Branch = 'immediate' | 'busy' | 'no answer' | 'unreachable' | 'declined';
/** The Diversion reason (RFC 5806 §4) of a forward taken on each branch. */
const DIVERSION_REASON: Record<Branch, string> = { immediate: 'unconditional', busy: 'user-busy', 'no answer': 'no-answer', unreachable: 'unavailable', declined: 'deflection' };
type Stages = { onBusy: Fallback; onNoAnswer: Fallback; onUnreachable: Fallback };
/** A call to the public network: the carrier's answer is final. */
const PUBLIC_STAGES: Stages = { onBusy: { action: 'busy' }, onNoAnswer: { action: 'end' }, onUnreachable: { action: 'end' } };

interface Call {
  id: string;
  stage: Stage;
  a: InviteServerTransaction;
  aInvite: SipRequest;
  aSource: Endpoint;
  aDialog: Dialog | null;
  /** The carrier trunk the call came from (A is a trunk), else null. */
  aTrunk: Trunk | null;
  legs: Leg[];
  winner: Leg | null;
  ringTimer: TimerHandle | null;
  /** Waiting for A's ACK of our 2xx before the B leg is ACKed. */
  ackTimer: TimerHandle | null;
  caller: CallerInfo;
  /** Outbound decision (device calls) — route class and metering of the records. */
  routeClass: RouteClass | null;
  metering: MeteringClass;
  callee: Party | null;
  /** The Tandem number being rung (busy tracking, forward chains). */
  targetNumber: string | null;
  forwardedFrom: string[];
  /** RFC 5806 reason of each forward, parallel to forwardedFrom. */
  diversionReasons: string[];
  callerId: CallerIdShown | null;
  plan: Extract<CallPlan, { ok: true }> | null;
  /** The branches of the ringing stage now under way. */
  stages: Stages;
  startedAt: number;
  answeredAt: number | null;
  /** Our tag towards A. */
  aTag: string;
  log: Logger;
}

/** For requests whose answer changes nothing (a BYE of a call that is over). */
const IGNORE_ANSWER: ClientTransactionHandler = { onResponse: () => undefined, onTimeout: () => undefined, onTransportError: () => undefined };

const reasonHeader = (status: number, text: string): [string, string] => ['Reason', `SIP;cause=${status};text=${quote(text.slice(0, 300))}`];

/**
 * The Authorization (to a 401) or Proxy-Authorization (to a 407) answering the response's digest
 * challenge with a carrier trunk's credentials (RFC 3261 §22.2), or null when it carries none we can
 * answer (no challenge, or an algorithm we do not have).
 */
function authorizationFor(res: SipResponse, req: SipRequest, creds: { username: string; password: string }): [string, string] | null {
  const challenge = parseDigestChallenge(res.headers.get(res.status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate'));
  if (!challenge) return null;
  try {
    const value = buildDigestAuthorization(challenge, { method: req.method, uri: req.rawUri, username: creds.username, password: creds.password });
    return [res.status === 401 ? 'Authorization' : 'Proxy-Authorization', value];
  } catch {
    return null; // an algorithm we do not have
  }
}

/**
 * The option tags (RFC 3261 §20.37) of a Supported that survive the B2BUA, for the other leg: `timer`
 * (RFC 4028), whose Session-Expires Tandem carries both ways and whose refreshes it relays. Not
 * `100rel` (RFC 3262): Tandem sends no PRACK, and a callee whose reliable 18x went unacknowledged
 * would end the call after 64·T1 (RFC 3262 §3); nor the tags of features it does not relay.
 */
const RELAYED_OPTION_TAGS = new Set(['timer']);
const optionTags = (values: string[]): string[] => values.flatMap((v) => v.split(',')).map((t) => t.trim().toLowerCase()).filter(Boolean);

/** The Supported header for the other leg's copy of `req` (RELAYED_OPTION_TAGS), or none. */
function relayedSupported(req: SipRequest): [string, string][] {
  const tags = [...new Set(optionTags(req.headers.getAll('Supported')).filter((t) => RELAYED_OPTION_TAGS.has(t)))];
  return tags.length > 0 ? [['Supported', tags.join(', ')]] : [];
}

/**
 * The session-timer headers (RFC 4028 §9) of a 2xx to an INVITE or UPDATE, for the 2xx to the other
 * leg: the interval and refresher the answerer chose, and `Require: timer` when it required it. So
 * the refresher it named refreshes the session end to end (Tandem relays the refreshes) instead of
 * the session expiring mid-call because the side that should refresh never heard of it.
 */
function sessionTimerHeaders(res: SipResponse): [string, string][] {
  const out: [string, string][] = [];
  const se = res.headers.get('Session-Expires');
  if (se !== undefined) out.push(['Session-Expires', se]);
  if (optionTags(res.headers.getAll('Require')).includes('timer')) out.push(['Require', 'timer']);
  return out;
}

/** The dialled string of a Request-URI: the user part of a sip/sips URI (unescaped), or a tel: number. */
export function dialledOf(uri: SipRequest['uri']): string | null {
  if (isSipUri(uri)) return unescapedUser(uri);
  return uri.scheme === 'tel' ? uri.value.split(';')[0]! : null;
}

export class B2bua {
  /** Calls by A's Call-ID + our tag towards A, and by each B leg's Call-ID: in-dialog look-ups. */
  private readonly byDialog = new Map<string, { call: Call; side: 'a' | Leg }>();
  /** Dialogs where we relayed an offer (re-INVITE, UPDATE with SDP) that has no final answer yet. */
  private readonly offering = new WeakSet<Dialog>();
  /** Dialogs whose peer's re-INVITE we relayed and have not answered finally yet. */
  private readonly answering = new WeakSet<Dialog>();
  private readonly byATx = new Map<InviteServerTransaction, Call>();
  /**
   * Our 2xx responses to INVITEs still waiting for their ACK (`retransmit2xx`), by Call-ID|To tag|CSeq,
   * each with what to do with that ACK (null: it never came).
   */
  private readonly unacked = new Map<string, (ack: SipRequest | null) => void>();
  /** Calls per Tandem number now (busy when call waiting is off). */
  private readonly busy = new Map<string, number>();
  private readonly legHandler: ClientTransactionHandler;

  constructor(private readonly d: B2buaDeps) {
    // `tx.context` is the leg, or null for a leg of a call that has ended (`end`): nothing to do then.
    this.legHandler = {
      onResponse: (res, tx) => void (tx.context && this.onLegResponse(tx.context as Leg, res)),
      onTimeout: (tx) => void (tx.context && this.onLegFinal(tx.context as Leg, 408)),
      onTransportError: (tx) => void (tx.context && this.onLegFinal(tx.context as Leg, 503)),
    };
  }

  /** Calls in progress (metrics). */
  get activeCalls(): number {
    return this.byATx.size;
  }

  // ------------------------------------------------------------------------------------------------
  // A leg: a new INVITE

  /** An initial INVITE (no To tag). `trunk` is set when it came from a trusted carrier address. */
  invite(tx: InviteServerTransaction, trunk: Trunk | null): void {
    const req = tx.request;
    if (req.maxForwards !== null && req.maxForwards <= 0) {
      tx.reply(483, 'Too Many Hops');
      return;
    }
    const dialled = dialledOf(req.uri);
    let caller: CallerInfo;
    let decision: OutboundDecision | null = null;
    const snap = this.d.snapshot();
    if (trunk) {
      const from = dialledOf(req.from.uri);
      const e164 = from && /^\+?[0-9]{3,15}$/.test(from) ? (from.startsWith('+') ? from : `+${from}`) : null;
      caller = { accountId: null, userId: null, number: null, party: { accountId: null, office: null, userId: null, name: req.from.displayName, extension: null, number: e164 } };
    } else {
      // RFC 3261 §22.3, issue 5: every INVITE from anything but a trusted trunk authenticates.
      const auth = this.d.auth.authenticate(req, tx.source.address);
      if (!auth.ok) {
        if (auth.drop) tx.terminate();
        else tx.reply(auth.status, auth.reason, { headers: auth.headers });
        return;
      }
      const number = auth.device.numberE164 ? snap.numbers.get(auth.device.numberE164) : undefined;
      const userId = number && number.accountId === auth.account.id ? number.userId : null;
      const account = snap.accounts.get(auth.account.id);
      const user = userId ? account?.users.get(userId) : undefined;
      caller = {
        accountId: auth.account.id, userId, number: number?.e164 ?? null,
        party: { accountId: auth.account.id, office: account?.name ?? null, userId, name: user ? `${user.firstName} ${user.lastName}`.trim() : (number?.displayName?.line1 ?? null), extension: user?.extension ?? null, number: number?.e164 ?? null },
      };
      decision = decideOutbound(snap, { accountId: auth.account.id, userId, fromNumber: userId ? null : (number?.e164 ?? null), dialled: dialled ?? '', at: new Date() });
    }

    const call: Call = {
      id: newId(), stage: 'routing', a: tx, aInvite: req, aSource: tx.source, aDialog: null, aTrunk: trunk, legs: [], winner: null, ringTimer: null, ackTimer: null,
      caller, routeClass: null, metering: 'none', callee: null, targetNumber: null, forwardedFrom: [], diversionReasons: [], callerId: null, plan: null, stages: PUBLIC_STAGES,
      startedAt: Date.now(), answeredAt: null, aTag: tx.toTag, log: this.d.log.child({ callId: req.callId }),
    };
    this.byATx.set(tx, call);
    this.byDialog.set(`${req.callId}|${call.aTag}`, { call, side: 'a' });
    if (caller.number) this.busyAdd(caller.number, 1);
    this.d.metrics.callStarted();
    call.log.info({ from: req.headers.get('From'), to: dialled, trunk: trunk?.name ?? null }, 'INVITE');

    if (trunk) {
      // A call from the carrier to a DID (issue 5): routed like any inbound call.
      const did = dialled && /^\+?[0-9]{3,15}$/.test(dialled) ? (dialled.startsWith('+') ? dialled : `+${dialled}`) : null;
      const n = did ? snap.numbers.get(did) : undefined;
      if (!n) return this.fail(call, 404, `${dialled ?? 'The Request-URI'} is not a number of Tandem`);
      call.metering = 'none';
      return this.runPlan(call, planInbound(snap, { target: n.e164, accountId: n.accountId, caller: { e164: caller.party.number }, at: new Date() }), n);
    }

    const dec = decision!;
    if (!dec.ok) return this.fail(call, dec.sipStatus, dec.reason);
    call.routeClass = dec.routeClass;
    call.metering = dec.metering;
    call.callee = dec.callee;
    call.callerId = dec.callerId;
    if (dec.authCodeRequired) return this.fail(call, 403, 'An authorization code is required for this call; entering it over SIP is not supported yet');
    const dest = dec.destination;
    switch (dest.kind) {
      case 'user':
      case 'number': {
        const target = dest.numberE164;
        if (!target) return this.fail(call, 480, `${dec.callee.name ?? 'The callee'} has no number to ring`);
        const n = snap.numbers.get(target);
        const plan = planInbound(snap, { target, accountId: dest.accountId, caller: { accountId: caller.accountId!, userId: caller.userId }, at: new Date() });
        return this.runPlan(call, plan, n ?? null);
      }
      case 'public':
      case 'emergency': {
        const e164 = dest.kind === 'public' ? dest.e164 : dest.number;
        return this.ringTargets(call, [{ kind: 'trunk', e164, trunkIndex: 0, endpoint: null }], 0, PUBLIC_STAGES);
      }
      case 'oa_portal':
        return this.fail(call, 480, 'The Office Anywhere portal service does not take calls over SIP yet');
      case 'voicemail_pilot':
        return this.fail(call, 480, 'Voicemail does not exist yet');
      case 'ring_group':
        return this.fail(call, 480, 'Ring groups do not exist yet');
      case 'feature_code':
        return this.fail(call, 480, `The feature code ${dest.code} is not carried out over SIP yet; use the portal`);
    }
  }

  /** Executes a call plan of the engine (module header). */
  private runPlan(call: Call, plan: CallPlan, number: NumberSnap | null): void {
    if (!plan.ok) return this.fail(call, plan.sipStatus, plan.reason);
    call.plan = plan;
    call.callee ??= plan.target;
    call.callerId = plan.callerId;
    if (number) call.targetNumber = number.e164;
    if (plan.immediate) {
      // The engine's own sentence for why nothing rings (do-not-disturb, forward always, …).
      const why = plan.explanation.find((st) => (st.matched && IMMEDIATE_RULES.has(st.rule)) || (st.rule === 'ring' && !st.matched))?.why;
      return this.fallback(call, plan.immediate, 'immediate', undefined, why);
    }
    // Busy: the number is already in a call and call waiting is off (spec §4).
    if (number && (this.busy.get(number.e164) ?? 0) > 0 && plan.onBusy.action !== 'call_waiting') {
      call.log.info({ number: number.e164 }, 'target busy (in a call, call waiting off)');
      return this.fallback(call, plan.onBusy, 'busy');
    }
    const targets: LegTarget[] = [];
    for (const e of plan.ring) {
      if (e.kind === 'handset') {
        // Every registered contact of the handset rings (RFC 3261 §16.6: parallel forking).
        for (const b of this.d.location.bindings(e.deviceId)) targets.push({ kind: 'device', deviceId: e.deviceId, contact: b.contact, endpoint: e });
      } else {
        targets.push({ kind: 'trunk', e164: e.e164, trunkIndex: 0, endpoint: e });
      }
    }
    this.ringTargets(call, targets, plan.ringSeconds, plan);
  }

  /** Rings every target in parallel for `ringSeconds` (0 = until the callee's side gives up). */
  private ringTargets(call: Call, targets: LegTarget[], ringSeconds: number, stages: Stages): void {
    if (call.stage === 'ended') return;
    if (call.targetNumber) this.busyAdd(call.targetNumber, 1);
    call.stage = 'ringing';
    call.legs = [];
    for (const t of targets) this.startLeg(call, t);
    if (call.legs.length === 0) {
      if (call.targetNumber) this.busyAdd(call.targetNumber, -1);
      return this.fallback(call, stages.onUnreachable, 'unreachable');
    }
    call.stages = stages;
    if (ringSeconds > 0) {
      call.ringTimer = this.d.clock.setTimeout((c: Call) => this.onRingTimeout(c), ringSeconds * 1000, call);
    }
  }

  /** The plan's ring time is over: every leg is cancelled and the no-answer branch taken. */
  private onRingTimeout(call: Call): void {
    call.ringTimer = null;
    if (call.stage !== 'ringing') return;
    call.log.info({}, 'no answer');
    this.cancelLegs(call, null, 'No answer');
    this.afterRinging(call, call.stages.onNoAnswer, 'no answer');
  }

  /** Our 2xx to A was never ACKed (64·T1): the call is torn down (RFC 3261 §13.3.1.4). */
  private onAckTimeout(call: Call): void {
    call.ackTimer = null;
    if (call.stage !== 'answered' || !call.winner) return;
    call.log.warn({}, 'no ACK from the caller');
    this.ackLeg(call.winner, Buffer.alloc(0), null);
    this.byeLeg(call.winner, 'No ACK from the caller');
    this.end(call, 'failed', 408);
  }

  /** Builds and sends one B leg's INVITE; false when the target cannot be reached at all. */
  private startLeg(call: Call, target: LegTarget): boolean {
    const a = call.aInvite;
    let dest: Endpoint;
    let ruri: SipUri;
    let to: NameAddr;
    let towards: 'device' | 'trunk';
    const snap = this.d.snapshot();
    if (target.kind === 'device') {
      const b = this.d.location.bindings(target.deviceId).find((x) => x.contact === target.contact);
      const dev = this.d.directory.deviceById(target.deviceId);
      if (!b || !dev) return false;
      const u = parseUri(b.contact);
      if (!isSipUri(u)) return false;
      ruri = u;
      dest = b.source;
      const domain = this.d.directory.account(dev.accountId)?.domain ?? u.host;
      to = { displayName: null, uri: { ...u, user: dev.username, host: domain, port: null, params: new Map(), headers: new Map() }, params: new Map() };
      towards = 'device';
    } else {
      const trunk = this.d.trunks().outbound[target.trunkIndex];
      if (!trunk) return false;
      dest = TrunkSet.endpoint(trunk);
      ruri = { scheme: 'sip', user: target.e164, password: null, host: trunk.host, port: trunk.port, params: new Map([['user', 'phone']]), headers: new Map() };
      to = { displayName: null, uri: ruri, params: new Map() };
      towards = 'trunk';
    }
    const domain = call.caller.accountId ? (this.d.directory.account(call.caller.accountId)?.domain ?? 'tandem.invalid') : (snap.accounts.get(call.callee?.accountId ?? '')?.sipDomain ?? 'tandem.invalid');
    const cid = call.callerId ?? { anonymous: call.caller.party.number === null, number: call.caller.party.number, name: call.caller.party.name, extension: null, office: null, source: 'public' };
    const id = identityFor(cid, domain, towards);
    const headers: [string, string][] = [...id.headers];
    // RFC 5806: the numbers the call was forwarded from, the most recent first.
    for (let i = call.forwardedFrom.length - 1; i >= 0; i--) headers.push(['Diversion', `<sip:${call.forwardedFrom[i]}@${domain}>;reason=${call.diversionReasons[i]}`]);
    for (const h of ['Allow', 'Session-Expires', 'Min-SE']) {
      const v = a.headers.get(h);
      if (v !== undefined) headers.push([h, v]);
    }
    headers.push(...relayedSupported(a));
    const contentType = a.headers.get('Content-Type');
    const invite = createRequest({
      method: 'INVITE', uri: ruri, from: id.from, to, callId: newCallId(), cseq: 1,
      contact: this.contact(dest.transport), maxForwards: Math.max(0, (a.maxForwards ?? 70) - 1), headers,
      ...(a.body.length > 0 ? { body: a.body, contentType: contentType ?? 'application/sdp' } : {}),
    });
    const leg: Leg = { call, target, invite, dest, tx: null, dialog: null, status: 0, authTried: false, minSe: null };
    call.legs.push(leg);
    this.byDialog.set(`${invite.callId}|${invite.from.params.get('tag')}`, { call, side: leg });
    this.sendLegInvite(leg);
    return true;
  }

  private sendLegInvite(leg: Leg): void {
    try {
      leg.tx = this.d.tl.request(leg.invite, leg.dest, this.legHandler, leg) as InviteClientTransaction;
    } catch (e) {
      leg.call.log.warn({ err: String(e) }, 'leg INVITE could not be sent');
      queueMicrotask(() => this.onLegFinal(leg, 503));
    }
  }

  private contact(transport: Endpoint['transport']): NameAddr {
    const s = this.d.sentBy(transport);
    const params = new Map<string, string | null>();
    if (transport !== 'UDP') params.set('transport', transport.toLowerCase());
    return { displayName: null, uri: { scheme: 'sip', user: 'tandem', password: null, host: s.host, port: s.port, params, headers: new Map() }, params: new Map() };
  }

  // ------------------------------------------------------------------------------------------------
  // B legs: responses

  private onLegResponse(leg: Leg, res: SipResponse): void {
    const call = leg.call;
    if (res.status < 200) {
      if (res.status === 100 || call.stage !== 'ringing' || call.winner) return;
      // Ringing or early media towards A, with the callee's SDP if any (passed through).
      const ct = res.headers.get('Content-Type');
      call.a.reply(res.status === 183 ? 183 : 180, undefined, { toTag: call.aTag, ...(res.body.length > 0 ? { body: res.body, contentType: ct ?? 'application/sdp' } : {}) });
      return;
    }
    if (res.status < 300) return this.onLegAnswered(leg, res);
    // 401/407 from a carrier with credentials: answer the challenge once (RFC 3261 §22.2).
    if ((res.status === 401 || res.status === 407) && leg.target.kind === 'trunk' && !leg.authTried) {
      const trunk = this.d.trunks().outbound[leg.target.trunkIndex];
      const auth = trunk?.username && trunk.password ? authorizationFor(res, leg.invite, { username: trunk.username, password: trunk.password }) : null;
      if (auth && call.stage === 'ringing') {
        leg.authTried = true;
        const h = leg.invite.headers.clone();
        h.delete('Via');
        h.set(auth[0], auth[1]);
        h.set('CSeq', `${leg.invite.cseq.seq + 1} INVITE`);
        leg.invite = { ...leg.invite, headers: h, via: [], cseq: { seq: leg.invite.cseq.seq + 1, method: 'INVITE' } };
        this.sendLegInvite(leg);
        return;
      }
    }
    if (res.status === 422) leg.minSe = Number.parseInt(res.headers.get('Min-SE') ?? '', 10) || null;
    this.onLegFinal(leg, res.status);
  }

  private onLegAnswered(leg: Leg, res: SipResponse): void {
    const call = leg.call;
    if (call.winner === leg) {
      // A retransmitted 2xx (RFC 6026 Accepted): re-ACK if A already ACKed ours.
      if (leg.dialog && call.stage === 'answered' && call.ackTimer === null) this.ackLeg(leg, Buffer.alloc(0), null);
      return;
    }
    const dialog = Dialog.asUac(leg.invite, res, this.contact(leg.dest.transport), leg.dest);
    if (call.winner || call.stage !== 'ringing') {
      // A second answer crossed our CANCEL (or the caller left): ACK it, then hang it up (§13.2.2.4).
      leg.dialog = dialog;
      this.ackLeg(leg, Buffer.alloc(0), null);
      this.byeLeg(leg, 'Call completed elsewhere');
      return;
    }
    leg.dialog = dialog;
    leg.status = res.status;
    call.winner = leg;
    call.stage = 'answered';
    call.answeredAt = Date.now();
    if (call.ringTimer) this.d.clock.clearTimeout(call.ringTimer);
    call.ringTimer = null;
    this.cancelLegs(call, leg, 'Call completed elsewhere');
    // 200 to A with the callee's SDP; our Contact; A's dialog begins (§12.1.1).
    const ct = res.headers.get('Content-Type');
    const contact = this.contact(call.aSource.transport);
    const ok = call.a.reply(200, 'OK', {
      toTag: call.aTag,
      headers: [['Contact', formatNameAddr(contact)], ...sessionTimerHeaders(res)],
      ...(res.body.length > 0 ? { body: res.body, contentType: ct ?? 'application/sdp' } : {}),
    });
    this.retransmit2xx(call.a, ok);
    call.aDialog = Dialog.asUas(call.aInvite, call.aTag, contact, call.aSource);
    call.ackTimer = this.d.clock.setTimeout((c: Call) => this.onAckTimeout(c), 64 * this.d.tl.timers.T1, call);
    call.log.info({ status: res.status }, 'answered');
  }

  /** A final non-2xx (or local 408/503) on a leg. */
  private onLegFinal(leg: Leg, status: number): void {
    if (leg.status !== 0) return;
    leg.status = status;
    const call = leg.call;
    if (call.stage !== 'ringing') return;
    // Failover to the next trunk (issue 5).
    if (leg.target.kind === 'trunk' && shouldFailover(status) && leg.target.trunkIndex + 1 < this.d.trunks().outbound.length) {
      call.log.info({ status, trunkIndex: leg.target.trunkIndex }, 'trunk failed; trying the next one');
      this.startLeg(call, { ...leg.target, trunkIndex: leg.target.trunkIndex + 1 });
      return;
    }
    if (call.legs.some((l) => l.status === 0)) return;
    if (call.ringTimer) this.d.clock.clearTimeout(call.ringTimer);
    call.ringTimer = null;
    const stages = call.stages;
    const statuses = call.legs.map((l) => l.status);
    // RFC 4028 §6: every leg wants a longer session interval than the caller offered. That is no
    // branch of the plan: the caller gets the 422 with the largest Min-SE, and may call again with it.
    const minSe = Math.max(0, ...call.legs.map((l) => l.minSe ?? 0));
    if (statuses.every((s) => s === 422) && minSe > 0) {
      if (call.targetNumber) this.busyAdd(call.targetNumber, -1);
      return this.fail(call, 422, `The callee needs a session interval of at least ${minSe} s`, undefined, [['Min-SE', String(minSe)]]);
    }
    if (statuses.some((s) => s === 486 || s === 600)) return this.afterRinging(call, stages.onBusy, 'busy');
    if (statuses.some((s) => s === 603)) return this.afterRinging(call, { action: 'end' }, 'declined', 603);
    if (call.legs.every((l) => l.target.kind === 'trunk') && call.plan === null) {
      // A call to the public network: the carrier's answer is the caller's.
      const best = statuses.find((s) => s >= 400 && s < 500 && s !== 408) ?? statuses[statuses.length - 1]!;
      if (call.targetNumber) this.busyAdd(call.targetNumber, -1);
      return this.fail(call, best, `The carrier answered ${best}`);
    }
    // Every leg refused the caller's session description (RFC 3261 §21.4.26, §21.6.4): the unreachable
    // branch still applies (a forward may reach a phone that takes it), but where it just ends the
    // call, the caller gets 488 and why rather than "cannot be reached".
    if (stages.onUnreachable.action === 'end' && statuses.every((s) => s === 488 || s === 606)) {
      return this.afterRinging(call, stages.onUnreachable, 'unreachable', 488, "The callee's phone accepts none of the offered media (codecs)");
    }
    this.afterRinging(call, stages.onUnreachable, 'unreachable');
  }

  private afterRinging(call: Call, f: Fallback, why: Branch, status?: number, explanation?: string): void {
    if (call.targetNumber) this.busyAdd(call.targetNumber, -1);
    this.fallback(call, f, why, status, explanation);
  }

  /** Takes a branch of the plan (module header). */
  private fallback(call: Call, f: Fallback, why: Branch, status?: number, explanation?: string): void {
    if (call.stage === 'ended') return;
    call.log.info({ why, action: f.action }, 'branch');
    const snap = this.d.snapshot();
    switch (f.action) {
      case 'forward': {
        const n = snap.numbers.get(f.to);
        const from = call.targetNumber;
        if (from) {
          call.forwardedFrom.push(from);
          call.diversionReasons.push(DIVERSION_REASON[why]);
        }
        if (n) {
          const caller = call.caller.accountId ? { accountId: call.caller.accountId, userId: call.caller.userId } : { e164: call.caller.party.number };
          const plan = planInbound(snap, { target: n.e164, accountId: n.accountId, caller, at: new Date(), forwardedFrom: call.forwardedFrom });
          call.callerId = null;
          return this.runPlan(call, plan, n);
        }
        call.targetNumber = null;
        return this.ringTargets(call, [{ kind: 'trunk', e164: f.to, trunkIndex: 0, endpoint: null }], 0, PUBLIC_STAGES);
      }
      case 'voicemail':
        return this.fail(call, 480, `The call would go to the voicemail of ${f.numberE164}, which does not exist yet`, 'no_answer');
      case 'busy':
        return this.fail(call, 486, explanation ?? (why === 'busy' ? 'The callee is busy' : 'The call cannot be forwarded and the callee has no voicemail'), 'busy');
      case 'call_waiting':
        return this.fail(call, 486, 'The callee is busy', 'busy');
      case 'oa_portal':
        return this.fail(call, 480, 'The Office Anywhere portal service does not take calls over SIP yet');
      case 'end':
        if (explanation) return this.fail(call, status ?? 480, explanation, 'failed');
        return this.fail(call, status ?? 480, why === 'declined' ? 'The callee declined the call' : why === 'no answer' ? 'No answer' : 'The callee cannot be reached', why === 'no answer' ? 'no_answer' : 'failed');
    }
  }

  /** Ends a call that was never answered: the final answer to A with a Reason, then records. */
  private fail(call: Call, status: number, text: string, result?: CallResult, headers: [string, string][] = []): void {
    if (call.stage === 'ended') return;
    call.log.info({ status, reason: text }, 'refused');
    call.a.reply(status, undefined, { toTag: call.aTag, headers: [reasonHeader(status, text), ...headers] });
    const r: CallResult = result ?? (status === 486 || status === 600 ? 'busy' : status === 403 || status === 404 || status === 484 || status === 485 || status === 603 ? 'rejected' : 'failed');
    this.end(call, r, status);
  }

  private cancelLegs(call: Call, except: Leg | null, text: string): void {
    const cause = except ? 200 : 487;
    for (const l of call.legs) {
      if (l === except || l.status !== 0 || !l.tx) continue;
      l.tx.cancel([reasonHeader(cause, text)]);
    }
  }

  // ------------------------------------------------------------------------------------------------
  // CANCEL, ACK, in-dialog requests

  /** CANCEL of A's INVITE (RFC 3261 §9.2): 200 to the CANCEL, 487 to the INVITE, every leg cancelled. */
  cancel(tx: ServerTransaction): void {
    const inv = this.d.tl.findInviteForCancel(tx.request);
    const call = inv ? this.byATx.get(inv) : undefined;
    if (!inv || !call) {
      tx.reply(481, 'Call/Transaction Does Not Exist');
      return;
    }
    tx.reply(200, 'OK');
    if (call.stage === 'answered' || call.stage === 'ended') return;
    if (call.ringTimer) this.d.clock.clearTimeout(call.ringTimer);
    call.ringTimer = null;
    this.cancelLegs(call, null, 'The caller hung up');
    if (call.targetNumber && call.stage === 'ringing') this.busyAdd(call.targetNumber, -1);
    call.a.reply(487, 'Request Terminated', { toTag: call.aTag });
    this.end(call, 'cancelled', 487);
  }

  /** An ACK outside any transaction: for our 2xx to A (relayed to the winning leg) or a relayed re-INVITE. */
  ack(ack: SipRequest): void {
    // §13.3.1.4: the ACK of a 2xx we are retransmitting stops the retransmissions.
    const unackedKey = `${ack.callId}|${ack.to.params.get('tag') ?? ''}|${ack.cseq.seq}`;
    const waiting = this.unacked.get(unackedKey);
    if (waiting) {
      this.unacked.delete(unackedKey);
      waiting(ack);
    }
    const hit = this.byDialog.get(`${ack.callId}|${ack.to.params.get('tag') ?? ''}`);
    if (!hit || hit.side !== 'a') return;
    const call = hit.call;
    if (call.stage !== 'answered' || !call.winner) return;
    if (ack.cseq.seq === call.aInvite.cseq.seq) {
      if (call.ackTimer === null) return; // a retransmitted ACK
      this.d.clock.clearTimeout(call.ackTimer);
      call.ackTimer = null;
      this.ackLeg(call.winner, ack.body, ack.headers.get('Content-Type') ?? null);
    }
    // The ACK of a relayed re-INVITE was handled above (`unacked`: stops our 2xx, carries a late answer on).
  }

  /**
   * RFC 3261 §13.3.1.4: the UAS core retransmits its 2xx to an INVITE (T1, doubling up to T2) until the
   * ACK arrives (`ack`), for at most 64·T1 (while the transaction is Accepted, RFC 6026 §7.1); over a
   * reliable transport, where the 2xx is not lost, it only waits, and only when `onAck` needs the ACK.
   * `onAck` gets the ACK, or null when none came.
   */
  private retransmit2xx(tx: InviteServerTransaction, res: SipResponse | null, onAck?: (ack: SipRequest | null) => void): void {
    if (!res) return onAck?.(null);
    if (tx.reliable && !onAck) return;
    const done = onAck ?? ((): void => undefined);
    const key = `${tx.request.callId}|${res.to.params.get('tag') ?? ''}|${tx.request.cseq.seq}`;
    this.unacked.set(key, done);
    const { T1, T2 } = this.d.tl.timers;
    let interval = tx.reliable ? 64 * T1 : T1;
    const tick = (): void => {
      if (this.unacked.get(key) !== done) return; // ACKed
      if (tx.state !== 'Accepted' || tx.reliable) {
        this.unacked.delete(key);
        done(null);
        return;
      }
      tx.respond(res);
      interval = Math.min(2 * interval, T2);
      this.d.clock.setTimeout(tick, interval, undefined);
    };
    this.d.clock.setTimeout(tick, interval, undefined);
  }

  private ackLeg(leg: Leg, body: Buffer, contentType: string | null): void {
    if (!leg.dialog) return;
    const ack = leg.dialog.request('ACK', { seq: leg.invite.cseq.seq, body, ...(contentType ? { contentType } : {}) });
    this.d.tl.sendStateless(ack, leg.dialog.peer).catch(() => undefined);
  }

  private byeLeg(leg: Leg, text: string): void {
    if (leg.dialog) this.sendBye(leg.call, leg.dialog, reasonHeader(200, text));
  }

  /**
   * A BYE in `dialog` (RFC 3261 §15.1.1). Its answer changes nothing: the call is over on our side
   * whatever the peer says, and a peer we cannot reach is gone already. (A carrier's challenge is
   * still answered: a carrier that is never sent an authenticated BYE keeps billing the call.)
   */
  private sendBye(call: Call, dialog: Dialog, reason: [string, string] | null): void {
    try {
      this.sendInDialog(call, dialog, 'BYE', reason ? { headers: [reason] } : {}, IGNORE_ANSWER);
    } catch {
      // unreachable peer: nothing more to do
    }
  }

  /** The credentials of the carrier trunk at the far end of `dialog`, if it is one and has them. */
  private trunkCredentials(call: Call, dialog: Dialog): { username: string; password: string } | null {
    const trunk = dialog === call.aDialog ? call.aTrunk
      : call.winner?.dialog === dialog && call.winner.target.kind === 'trunk' ? (this.d.trunks().outbound[call.winner.target.trunkIndex] ?? null)
      : null;
    return trunk?.username && trunk.password ? { username: trunk.username, password: trunk.password } : null;
  }

  /**
   * Sends a request in `dialog` (RFC 3261 §12.2.1.1). A 401/407 from a carrier trunk whose credentials
   * we hold is answered once (§22.2, as for the first INVITE): the request again with a new CSeq
   * (§8.1.3.5) and the Authorization; only the answer to that reaches `handler`. Anyone else's
   * challenge is not ours to answer and reaches `handler` as it is. Throws when the peer cannot be
   * reached at all.
   */
  private sendInDialog(call: Call, dialog: Dialog, method: string, opts: Parameters<Dialog['request']>[1], handler: ClientTransactionHandler): void {
    const creds = this.trunkCredentials(call, dialog);
    let challenged = false;
    const send = (auth: [string, string] | null): void => {
      const req = dialog.request(method, { ...opts, headers: [...(opts?.headers ?? []), ...(auth ? [auth] : [])] });
      this.d.tl.request(req, dialog.peer, creds ? answering : handler);
    };
    const answering: ClientTransactionHandler = {
      ...handler,
      onResponse: (res, tx) => {
        const auth = (res.status === 401 || res.status === 407) && !challenged && creds ? authorizationFor(res, tx.request, creds) : null;
        if (auth) {
          challenged = true;
          call.log.info({ method, status: res.status }, 'in-dialog request challenged by the carrier; answering');
          try {
            send(auth);
          } catch (e) {
            // the peer cannot be reached again: as a transport error, or the challenge itself
            if (handler.onTransportError) handler.onTransportError(tx, e as Error);
            else handler.onResponse(res, tx);
          }
          return;
        }
        handler.onResponse(res, tx);
      },
    };
    send(null);
  }

  /** Whether a request with a To tag belongs to one of our calls. */
  inDialog(tx: ServerTransaction): void {
    const req = tx.request;
    const hit = this.byDialog.get(`${req.callId}|${req.to.params.get('tag') ?? ''}`);
    const call = hit?.call;
    const from = hit ? (hit.side === 'a' ? call!.aDialog : hit.side.dialog) : null;
    if (!hit || !call || !from || call.stage !== 'answered') {
      tx.reply(481, 'Call/Transaction Does Not Exist');
      return;
    }
    if (!from.acceptRemoteSeq(req)) {
      tx.reply(500, 'Server Internal Error', { headers: [['Retry-After', '1'], reasonHeader(500, 'CSeq out of order')] });
      return;
    }
    const to = hit.side === 'a' ? call.winner!.dialog! : call.aDialog!;
    if (req.method === 'BYE') {
      tx.reply(200, 'OK');
      const reason = req.headers.get('Reason');
      this.sendBye(call, to, reason !== undefined ? ['Reason', reason] : null);
      this.end(call, 'answered', 200);
      return;
    }
    // Offer/answer glare (RFC 3261 §14.2, RFC 3311 §5.2): a re-INVITE, or an UPDATE with an offer,
    // arriving on a dialog where our own relayed one is still unanswered is refused with 491, and the
    // peer retries after a random wait; a re-INVITE arriving while the peer's previous re-INVITE on
    // this dialog is still unanswered is refused with 500 and a Retry-After (§14.2).
    const offers = req.method === 'INVITE' || (req.method === 'UPDATE' && req.body.length > 0);
    if (offers && this.offering.has(from)) {
      tx.reply(491, 'Request Pending', { headers: [reasonHeader(491, 'A session change in the other direction is in progress')] });
      return;
    }
    if (req.method === 'INVITE' && this.answering.has(from)) {
      tx.reply(500, 'Server Internal Error', { headers: [['Retry-After', String(1 + Math.floor(Math.random() * 10))], reasonHeader(500, 'A previous re-INVITE is still in progress')] });
      return;
    }
    // Relay (re-INVITE, UPDATE, INFO, OPTIONS, NOTIFY, MESSAGE, …) and pass the answer back.
    if (req.method === 'INVITE' || req.method === 'UPDATE') from.refreshTarget(req);
    if (offers) this.offering.add(to);
    if (req.method === 'INVITE') this.answering.add(from);
    /** The relayed offer got its final answer (or none will come): glare checks let go of both dialogs. */
    const settled = (): void => {
      if (offers) this.offering.delete(to);
      if (req.method === 'INVITE') this.answering.delete(from);
    };
    const ct = req.headers.get('Content-Type');
    const extra: [string, string][] = relayedSupported(req);
    for (const h of ['Event', 'Info-Package', 'Session-Expires', 'Min-SE']) {
      const v = req.headers.get(h);
      if (v !== undefined) extra.push([h, v]);
    }
    /** The CSeq of the relayed re-INVITE once answered (a new one after a carrier's challenge); 0 before. */
    let answeredSeq = 0;
    /** The ACK we sent for the 2xx of a relayed re-INVITE (re-sent for its retransmissions, §13.2.2.4). */
    let ackSent: SipRequest | null = null;
    const sendAck = (from: SipRequest | null): void => {
      const body = from?.body ?? Buffer.alloc(0);
      ackSent = to.request('ACK', { seq: answeredSeq, ...(body.length > 0 ? { body, contentType: from!.headers.get('Content-Type') ?? 'application/sdp' } : {}) });
      this.d.tl.sendStateless(ackSent, to.peer).catch(() => undefined);
    };
    try {
      this.sendInDialog(call, to, req.method, { headers: extra, ...(req.body.length > 0 ? { body: req.body, contentType: ct ?? 'application/sdp' } : {}) }, {
        onResponse: (res) => {
          if (res.status === 100) return;
          if (res.status >= 200) settled();
          const refresh = (req.method === 'INVITE' || req.method === 'UPDATE') && res.status >= 200 && res.status < 300;
          if (req.method === 'INVITE' && refresh) {
            // A retransmitted 2xx (RFC 6026 §8.4): ACKed again once we have ACKed it, nothing more.
            if (answeredSeq !== 0) {
              if (ackSent) this.d.tl.sendStateless(ackSent, to.peer).catch(() => undefined);
              return;
            }
            answeredSeq = res.cseq.seq;
            // An offer in the re-INVITE: the ACK carries nothing, send it now. No offer (RFC 3261 §14.1,
            // RFC 3264 §4): the 2xx carries the offer and the ACK the answer, so the ACK waits for the one
            // from the other side (below, `retransmit2xx`) and carries its body.
            if (req.body.length > 0) sendAck(null);
          }
          // RFC 3261 §12.2.1.2: a 2xx to a target refresh (re-INVITE, UPDATE: RFC 3311 §5.1) moves the remote target.
          if (refresh) to.refreshTarget(res);
          const rct = res.headers.get('Content-Type');
          // RFC 3261 §13.3.1.4 and §20 Table 2: a 2xx to an INVITE (a re-INVITE too) carries a Contact; the
          // 2xx of UPDATE as well (RFC 3311 §5.2, a target refresh). Ours, as the peer reaches us.
          const sent = tx.reply(res.status, res.reason, {
            ...(refresh ? { headers: [['Contact', formatNameAddr(from.contact)], ...sessionTimerHeaders(res)] } : {}),
            ...(res.body.length > 0 ? { body: res.body, contentType: rct ?? 'application/sdp' } : {}),
          });
          if (refresh && req.method === 'INVITE') this.retransmit2xx(tx as InviteServerTransaction, sent, req.body.length > 0 ? undefined : sendAck);
        },
        onTimeout: () => {
          settled();
          tx.reply(408, 'Request Timeout');
        },
        onTransportError: () => {
          settled();
          tx.reply(503, 'Service Unavailable');
        },
      });
    } catch {
      settled();
      tx.reply(503, 'Service Unavailable');
    }
  }

  /** The caller or callee vanished from the transport (Timer H on A, etc.): tear the call down. */
  serverTimeout(tx: ServerTransaction): void {
    const call = this.byATx.get(tx as InviteServerTransaction);
    if (call && call.stage === 'answered') {
      if (call.winner) this.byeLeg(call.winner, 'The caller is unreachable');
      this.end(call, 'answered', 408);
    }
  }

  // ------------------------------------------------------------------------------------------------
  // End of a call

  private end(call: Call, result: CallResult, status: number): void {
    if (call.stage === 'ended') return;
    const wasAnswered = call.stage === 'answered';
    call.stage = 'ended';
    if (call.ringTimer) this.d.clock.clearTimeout(call.ringTimer);
    if (call.ackTimer) this.d.clock.clearTimeout(call.ackTimer);
    call.ringTimer = call.ackTimer = null;
    if (wasAnswered && call.targetNumber) this.busyAdd(call.targetNumber, -1);
    if (call.caller.number) this.busyAdd(call.caller.number, -1);
    this.byATx.delete(call.a);
    this.byDialog.delete(`${call.aInvite.callId}|${call.aTag}`);
    for (const l of call.legs) this.byDialog.delete(`${l.invite.callId}|${l.invite.from.params.get('tag')}`);
    this.d.metrics.callEnded(status);
    this.d.records.add(call.id, this.legsOf(call, result));
    // The call's transactions outlive it by up to 64·T1 (RFC 6026 Timers L and M), and a B leg's would
    // keep the whole call reachable through its context: a leg with its final answer lets go of the
    // call (its transaction has nothing left to tell us: a 2xx retransmission after the end changes
    // nothing, see onLegAnswered); a leg still waiting keeps it, for a late 2xx is ACKed and hung up.
    call.aDialog = null;
    call.plan = null;
    for (const l of call.legs) {
      if (l.status === 0) continue;
      l.dialog = null;
      if (l.tx) l.tx.context = null;
    }
  }

  /** Hangs up every call (server shutdown). */
  shutdown(): void {
    for (const call of [...this.byATx.values()]) {
      if (call.stage === 'answered') {
        if (call.winner) this.byeLeg(call.winner, 'Tandem is shutting down');
        if (call.aDialog) this.sendBye(call, call.aDialog, reasonHeader(200, 'Tandem is shutting down'));
        this.end(call, 'answered', 200);
      } else {
        this.cancelLegs(call, null, 'Tandem is shutting down');
        this.fail(call, 503, 'Tandem is shutting down');
      }
    }
  }

  private busyAdd(number: string, delta: number): void {
    const n = (this.busy.get(number) ?? 0) + delta;
    if (n <= 0) this.busy.delete(number);
    else this.busy.set(number, n);
  }

  /** The call records of a finished call (services/call-records.ts), one leg per account involved. */
  private legsOf(call: Call, result: CallResult): CallLegInput[] {
    const callee = call.callee;
    const now = new Date();
    const answeredAt = result === 'answered' && call.answeredAt ? new Date(call.answeredAt) : null;
    const times = { startedAt: new Date(call.startedAt), answeredAt, endedAt: now, result: answeredAt ? result : result === 'answered' ? 'failed' as CallResult : result };
    const from = call.caller.party;
    const to: Party = callee ?? { accountId: null, office: null, userId: null, name: null, extension: null, number: dialledOf(call.aInvite.uri) };
    const legs: CallLegInput[] = [];
    if (from.accountId) {
      const internal = to.accountId === from.accountId;
      legs.push({ accountId: from.accountId, direction: internal ? 'internal' : 'outbound', userId: from.userId, from, to, routeClass: call.routeClass, metering: call.metering, ...times });
    }
    if (to.accountId && to.accountId !== from.accountId) {
      legs.push({ accountId: to.accountId, direction: 'inbound', userId: to.userId, from, to, routeClass: null, metering: from.accountId ? call.metering : 'none', ...times });
    }
    const w = call.winner;
    if (w && w.target.kind === 'trunk' && w.target.endpoint?.kind === 'alternate_phone' && to.accountId) {
      legs.push({
        accountId: to.accountId, direction: 'outbound', userId: to.userId, from: to,
        to: { accountId: null, office: null, userId: null, name: null, extension: null, number: w.target.e164 },
        routeClass: null, metering: 'national', officeAnywhereLeg: true, ...times,
      });
    }
    return legs;
  }
}

