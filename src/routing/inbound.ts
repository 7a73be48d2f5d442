/**
 * Inbound call plans (spec §9 "Inbound to a number or extension", §4 number features, §7 ring
 * alternate phones; issue 4: bounded forwarding chains, the toll-fraud guard on every forward and
 * alternate phone). Pure: reads only the snapshot, no I/O, no clock, no randomness — a plan is a
 * deterministic function of (snapshot, request). Every plan carries the rules consulted, in order.
 *
 * **Target** (documented choices marked "choice"):
 * - an E.164 number of `snapshot.numbers`:
 *   - `reserved` → refused, 404 Not Found (not in service yet);
 *   - `pending` → routes like `active` (choice: the system is applying a change, such as logging the
 *     number into a handset — spec §6 moves it through `pending` to `active`; calls must not fail
 *     during those seconds, so the number rings whatever is already there);
 *   - a site's **main number** → refused, 480 Temporarily Unavailable (choice: a mature PBX sends
 *     the main number to a receptionist or auto-attendant; Tandem has neither yet, and a main
 *     number never has a user — spec §3 makes it read-only — so nothing could ring). Callers reach a
 *     person behind it with `<main>*<extension>` (outbound.ts);
 *   - an **Office Anywhere portal number** → `immediate: { action: 'oa_portal' }` (choice: the
 *     portal service answers at once — it recognises the caller by caller ID and PIN, spec §7 —
 *     so nothing rings and the number's own features do not apply);
 * - an extension of `req.accountId`: a user → their number (a user without a number: 480, nothing
 *   can ring and there is no mailbox); a portal extension → the portal, as above; a voicemail pilot
 *   or ring group → 480 (not built yet).
 *
 * **Order** (spec §9): do-not-disturb → voicemail, else busy (immediate, nothing rings); forward
 * always → the destination (immediate); else ring together the handset logged in to the number
 * (spec §6), softphones (none exist yet) and, when the user is enabled for Office Anywhere, every
 * active alternate phone (spec §7), for the number's ring time (default 18 s = three rings of 6 s).
 * - busy: call waiting → a second call rings through; else forward busy; else voicemail; else busy.
 * - no answer: forward no-answer; else voicemail; else the call ends.
 * - unreachable (nothing registered or reachable; the SIP service finds out at run time, and a plan
 *   with nothing to ring goes there at once): the same as no answer (choice: a phone that is off or
 *   unplugged "did not answer" — the user's forward-on-no-answer and mailbox are where they want
 *   unanswered calls; forward busy is for a line that is in use, spec §4 "a busy line either waits
 *   or redirects").
 * When `immediate` is set (do-not-disturb, forward always, a portal, or nothing to ring — which goes
 * at once where an unreachable call goes), `ring` is empty and the stage fallbacks repeat it: nothing
 * rings, so no stage can occur.
 * While an authorization code is on, forwarding is disabled (spec §4): stored forwards are ignored.
 *
 * **Forward chains** (issue 4): a forward to a Tandem number (in `snapshot.numbers`) that itself
 * forwards always is followed, at most {@link MAX_FORWARD_HOPS} forwards in all; the plan names the
 * final destination and the number of forwards. The chain stops at a number with do-not-disturb (its
 * own plan sends the call to its mailbox). A forward to a Tandem number of the same account or of an
 * account sharing an active federation is on-net; every other forward goes to the public network and
 * passes {@link publicPermission} for the forwarding number's account and its user's call rule — the
 * same check as a dialled call. Emergency numbers are never a forward target. A chain that loops
 * (A→B→A), is too long, or has a refused hop ends in the mailbox of the first number of the chain
 * (the number the caller reached) when its voicemail is on, else busy — the reason is in the
 * explanation. `forwardedFrom` (the numbers the call was already forwarded from, e.g. from SIP
 * Diversion) continues the hop count and the loop check across plans.
 *
 * **Alternate phones** are public-network calls (spec §7 "ordinary toll usage"): each one passes
 * {@link publicPermission} for the user's account and call rule; a refused one is left out of the
 * ring with the reason.
 *
 * **Caller ID** the endpoints are shown: {@link callerIdFor} for an on-net caller; for a caller from
 * the public network, their E.164 number, or anonymous when it is withheld or not a valid E.164.
 */
import { isE164 } from '../domain/phone.ts';
import { callerIdFor } from './caller-id.ts';
import { isEmergency } from '../domain/emergency.ts';
import { publicPermission, toPublicNumber } from './permissions.ts';
import type { AccountSnap, CallRuleSnap, NumberSnap, Snapshot, UserSnap } from './snapshot.ts';
import type { CallerIdShown, CallPlan, Endpoint, Fallback, InboundRequest, Party, Step } from './types.ts';

/** At most this many forwards in one chain (issue 4); the next one is refused. */
export const MAX_FORWARD_HOPS = 5;

/** An inbound request, optionally with the numbers the call was already forwarded from (oldest first). */
export type InboundInput = InboundRequest & { forwardedFrom?: readonly string[] };

type Emit = (rule: string, matched: boolean, why: string) => void;
type ForwardKind = 'always' | 'busy' | 'no answer';

/** Extensions are digits only (spec §2: 2–6 digits; the account's own length is not checked here — an unknown one is simply not found). */
const EXTENSION_RE = /^[0-9]{1,6}$/;

/**
 * The call plan for a call to a number or an extension (spec §9; the rules and choices are in this
 * module's header). Never throws for any request shape the type allows.
 */
export function planInbound(snap: Snapshot, req: InboundInput): CallPlan {
  const explanation: Step[] = [];
  const emit: Emit = (rule, matched, why) => void explanation.push({ rule, matched, why });
  const refuse = (sipStatus: number, reason: string): CallPlan => ({ ok: false, sipStatus, reason, explanation });

  // --- Target: a number, or an extension of the caller's account ---------------------------------
  const target = String(req.target);
  let number: NumberSnap | undefined;
  if (target.startsWith('+')) {
    number = isE164(target) ? snap.numbers.get(target) : undefined;
    if (!number) {
      emit('target', false, `${printable(target)} is not a number of any Tandem account`);
      return refuse(404, `${printable(target)} is not a Tandem number`);
    }
    emit('target', true, `${target} is a number of ${snap.accounts.get(number.accountId)?.name ?? 'an unknown account'}`);
  } else if (EXTENSION_RE.test(target) && req.accountId) {
    const account = snap.accounts.get(req.accountId);
    const ext = account?.extensions.get(target);
    if (!account || !ext) {
      emit('target', false, `${target} is not an extension of ${account?.name ?? 'the account'}`);
      return refuse(404, `No extension ${target} in ${account?.name ?? 'the account'}`);
    }
    if (ext.type === 'user') {
      const user = account.users.get(ext.id);
      const own = user?.number ? snap.numbers.get(user.number) : undefined;
      if (!user || !own || own.accountId !== account.id) {
        const who = user ? fullName(user) : 'its user';
        emit('target', false, `Extension ${target} belongs to ${who}, who has no number, so no phone can ring and there is no mailbox`);
        return refuse(480, `${who} (extension ${target}) has no number to ring`);
      }
      number = own;
      emit('target', true, `Extension ${target} is ${fullName(user)}, whose number is ${own.e164}`);
    } else if (ext.type === 'oa_portal') {
      const portal = account.portals.get(ext.id);
      number = portal ? snap.numbers.get(portal.numberE164) : undefined;
      if (!portal || !number) {
        emit('target', false, `Extension ${target} points at an Office Anywhere portal that no longer exists`);
        return refuse(404, `No extension ${target} in ${account.name}`);
      }
      emit('target', true, `Extension ${target} is the Office Anywhere portal "${portal.name}" (${portal.numberE164})`);
    } else {
      const what = ext.type === 'ring_group' ? 'a ring group' : 'a voicemail pilot';
      emit('target', false, `Extension ${target} is ${what}, which Tandem cannot answer yet`);
      return refuse(480, `Extension ${target} is ${what}, which is not available yet`);
    }
  } else {
    emit('target', false, `${printable(target)} is neither a number in E.164 form nor an extension of the caller's account`);
    return refuse(404, `${printable(target)} is not a number or an extension`);
  }

  const account = snap.accounts.get(number.accountId);
  if (!account) {
    emit('number_status', false, `${number.e164} belongs to no account Tandem knows`);
    return refuse(404, `${number.e164} is not in service`);
  }

  // --- Number status and kind (spec §3, §6) -------------------------------------------------------
  if (number.status === 'reserved') {
    emit('number_status', false, `${number.e164} is reserved: allocated to ${account.name} but not activated yet`);
    return refuse(404, `${number.e164} is not in service yet`);
  }
  emit('number_status', true, number.status === 'pending'
    ? `${number.e164} is pending (a change such as a handset login is being applied); it still routes`
    : `${number.e164} is active`);
  if (number.isMain) {
    const site = account.sites.get(number.siteId);
    emit('main_number', true, `${number.e164} is the main number of ${site?.name ?? 'a site'} of ${account.name}; there is no receptionist or auto-attendant to answer it yet`);
    return refuse(480, `${number.e164} is a main number, which nobody answers yet; dial <main number>*<extension> to reach a person`);
  }

  const user = number.userId !== null ? (account.users.get(number.userId) ?? null) : null;
  const portal = number.portalId !== null ? (account.portals.get(number.portalId) ?? null) : null;
  const party: Party = {
    accountId: account.id,
    office: account.name,
    userId: user?.id ?? null,
    name: user ? fullName(user) : number.displayName ? `${number.displayName.line1} ${number.displayName.line2}`.trim() : (portal?.name ?? null),
    extension: user?.extension ?? portal?.extension ?? null,
    number: number.e164,
  };
  const callerId = callerIdShown(snap, req.caller, account.id);
  const plan = (immediate: Fallback | null, ring: Endpoint[], ringSeconds: number, stages: { onBusy: Fallback; onNoAnswer: Fallback; onUnreachable: Fallback }): CallPlan => {
    emit('caller_id', true, describeCallerId(callerId));
    return { ok: true, target: party, ring, ringSeconds, immediate, ...stages, callerId, explanation };
  };
  const immediately = (f: Fallback): CallPlan => plan(f, [], 0, { onBusy: f, onNoAnswer: f, onUnreachable: f });

  if (portal) {
    emit('oa_portal', true, `${number.e164} is the Office Anywhere portal "${portal.name}": the portal service answers at once and recognises the caller by caller ID`);
    return immediately({ action: 'oa_portal', portalId: portal.id, numberE164: number.e164 });
  }

  // --- Features (spec §4, §9) -------------------------------------------------------------------
  const f = number.features;
  const chain = forwardChain(snap, number, req.forwardedFrom ?? [], emit);
  const voicemailOr = (tail: 'busy' | 'end', stage: string): Fallback => {
    if (f.voicemail) {
      emit('voicemail', true, `${stage}: voicemail is on, the caller reaches the mailbox of ${number.e164}`);
      return { action: 'voicemail', numberE164: number.e164 };
    }
    emit(tail, true, tail === 'busy' ? `${stage}: voicemail is off, the caller hears busy` : `${stage}: voicemail is off, the call ends`);
    return { action: tail };
  };
  if (f.authCodeEnabled && (f.forwardAlways ?? f.forwardBusy ?? f.forwardNoAnswer) !== null) {
    emit('auth_code', true, `An authorization code is on for ${number.e164}, so its call forwarding is disabled (spec §4)`);
  }
  const forwarding = !f.authCodeEnabled;

  if (f.doNotDisturb) {
    emit('dnd', true, `Do not disturb is on for ${number.e164}: nothing rings`);
    return immediately(voicemailOr('busy', 'Do not disturb'));
  }
  emit('dnd', false, 'Do not disturb is off');

  if (forwarding && f.forwardAlways !== null) {
    emit('forward_always', true, `${number.e164} forwards every call to ${printable(f.forwardAlways)}: nothing rings`);
    return immediately(chain(f.forwardAlways, 'always'));
  }
  emit('forward_always', false, 'Forward always is off');

  // --- Ring together (spec §6, §7, §9) ------------------------------------------------------------
  const ring: Endpoint[] = [];
  if (number.handset) {
    ring.push({ kind: 'handset', ...number.handset });
    emit('handset', true, `Rings the handset ${number.handset.phoneId} logged in to ${number.e164}`);
  } else {
    emit('handset', false, `${number.e164} is not logged in to a handset`);
  }
  emit('softphones', false, 'No softphones are registered for this number (none exist yet)');
  ring.push(...alternatePhones(account, user, emit));
  // Unreachable = no answer (module header); also where a plan with nothing to ring goes at once.
  const unanswered = (stage: string): Fallback => {
    if (forwarding && f.forwardNoAnswer !== null) {
      emit('forward_no_answer', true, `${stage}: forward on no answer is set to ${printable(f.forwardNoAnswer)}`);
      return chain(f.forwardNoAnswer, 'no answer');
    }
    return voicemailOr('end', stage);
  };
  if (ring.length === 0) {
    emit('ring', false, 'Nothing can ring for this number, so the call goes at once where an unreachable call goes');
    return immediately(unanswered('Nothing to ring'));
  }
  emit('ring', true, `${ring.length} endpoint${ring.length === 1 ? '' : 's'} ring together for ${f.noAnswerRingSeconds} s; the first to answer wins`);

  const onBusy: Fallback = (() => {
    if (f.callWaiting) {
      emit('call_waiting', true, 'If busy: call waiting is on, a second call rings through');
      return { action: 'call_waiting' };
    }
    if (forwarding && f.forwardBusy !== null) {
      emit('forward_busy', true, `If busy: call waiting is off and forward on busy is set to ${printable(f.forwardBusy)}`);
      return chain(f.forwardBusy, 'busy');
    }
    return voicemailOr('busy', 'If busy');
  })();
  const onNoAnswer = unanswered(`No answer after ${f.noAnswerRingSeconds} s`);
  emit('unreachable', true, `If nothing is reachable, the call goes where an unanswered call goes: ${describeFallback(onNoAnswer)}`);
  return plan(null, ring, f.noAnswerRingSeconds, { onBusy, onNoAnswer, onUnreachable: onNoAnswer });
}

/**
 * Follows forwards from `first` (the number the caller reached): returns the function resolving one
 * forward of `first` into its final fallback. See the module header for the chain rules.
 */
function forwardChain(snap: Snapshot, first: NumberSnap, forwardedFrom: readonly string[], emit: Emit): (to: string, kind: ForwardKind) => Fallback {
  // The mailbox a failed chain ends in: the first number of the whole chain (across plans) we know.
  const origin = forwardedFrom.map((e) => snap.numbers.get(e)).find((n) => n !== undefined) ?? first;
  const failed = (): Fallback => {
    if (origin.features.voicemail) {
      emit('voicemail', true, `The forward failed: the caller reaches the mailbox of ${origin.e164}`);
      return { action: 'voicemail', numberE164: origin.e164 };
    }
    emit('busy', true, `The forward failed and ${origin.e164} has voicemail off: the caller hears busy`);
    return { action: 'busy' };
  };

  return (firstTo, kind) => {
    const visited = new Set<string>([...forwardedFrom, first.e164]);
    let from = first;
    let to = firstTo;
    let hops = forwardedFrom.length;
    for (;;) {
      hops += 1;
      const hop = `Forward ${hops} (${from.e164} → ${printable(to)})`;
      if (hops > MAX_FORWARD_HOPS) {
        emit('forward_chain', false, `${hop} is refused: a call is forwarded at most ${MAX_FORWARD_HOPS} times`);
        return failed();
      }
      const fromAccount = snap.accounts.get(from.accountId);
      if (!fromAccount) {
        emit('forward_chain', false, `${hop} is refused: ${from.e164} belongs to no account Tandem knows`);
        return failed();
      }
      if (isEmergency(fromAccount.country, to)) {
        emit('forward_chain', false, `${hop} is refused: ${to} is an emergency number, and calls are never forwarded to emergency services`);
        return failed();
      }
      if (!isE164(to)) {
        emit('forward_chain', false, `${hop} is refused: ${printable(to)} is not a number in E.164 form`);
        return failed();
      }
      if (visited.has(to)) {
        emit('forward_loop', true, `${hop} is refused: ${to} was already on the forwarding path, which would loop`);
        return failed();
      }
      visited.add(to);
      const next = snap.numbers.get(to);
      const onNet = next !== undefined && (next.accountId === fromAccount.id || fromAccount.grants.has(next.accountId));
      if (onNet) {
        emit('forward_chain', true, `${hop}: ${to} is an on-net number of ${snap.accounts.get(next.accountId)?.name ?? 'a Tandem account'}`);
      } else {
        const pn = toPublicNumber(to, fromAccount.country);
        const perm = pn ? publicPermission(fromAccount, ruleOf(fromAccount, from), pn) : { allowed: false as const, reason: `${to} is not a valid phone number` };
        if (!perm.allowed) {
          emit('forward_permission', false, `${hop} is refused: ${perm.reason}`);
          return failed();
        }
        emit('forward_permission', true, `${hop}: ${to} is on the public network and ${fromAccount.name} may call it${perm.international ? ' (international)' : ''}`);
      }
      if (next === undefined) return { action: 'forward', to, hops };
      // A Tandem number: follow its own forward always, if it has one that applies.
      if (next.status === 'reserved') {
        emit('forward_chain', false, `${hop} is refused: ${to} is reserved, not in service yet`);
        return failed();
      }
      const g = next.features;
      if (next.isMain || next.portalId !== null || g.doNotDisturb || g.authCodeEnabled || g.forwardAlways === null) {
        emit('forward_chain', true, `The chain ends at ${to} after ${hops} forward${hops === 1 ? '' : 's'} (${kind})`);
        return { action: 'forward', to, hops };
      }
      emit('forward_chain', true, `${to} itself forwards every call to ${printable(g.forwardAlways)}: followed`);
      from = next;
      to = g.forwardAlways;
    }
  };
}

/**
 * The alternate phones that ring with the desk phone (spec §7): only for a user enabled for Office
 * Anywhere, only active ones, and only those the account and the user's call rule may call.
 */
function alternatePhones(account: AccountSnap, user: UserSnap | null, emit: Emit): Endpoint[] {
  if (!user || user.alternatePhones.length === 0) {
    emit('alternate_phones', false, user ? `${fullName(user)} lists no alternate phones` : 'No user is assigned to the number, so no alternate phones ring');
    return [];
  }
  if (!user.officeAnywhereEnabled) {
    emit('alternate_phones', false, `${fullName(user)} is not enabled for Office Anywhere, so their alternate phones do not ring`);
    return [];
  }
  const rule = user.callRuleId !== null ? (account.callRules.get(user.callRuleId) ?? null) : null;
  const out: Endpoint[] = [];
  for (const alt of user.alternatePhones) {
    if (!alt.active) {
      emit('alternate_phone', false, `Alternate phone ${alt.e164} is not active`);
      continue;
    }
    const pn = toPublicNumber(alt.e164, account.country);
    const perm = pn ? publicPermission(account, rule, pn) : { allowed: false as const, reason: `${alt.e164} is not a valid phone number` };
    if (!perm.allowed) {
      emit('alternate_phone', false, `Alternate phone ${alt.e164} is left out: ${perm.reason}`);
      continue;
    }
    emit('alternate_phone', true, `Rings alternate phone ${alt.e164}`);
    out.push({ kind: 'alternate_phone', e164: alt.e164 });
  }
  return out;
}

/** The call rule of the forwarding number's user, if any (the toll-fraud guard uses it). */
function ruleOf(account: AccountSnap, n: NumberSnap): CallRuleSnap | null {
  const u = n.userId !== null ? account.users.get(n.userId) : undefined;
  return u?.callRuleId ? (account.callRules.get(u.callRuleId) ?? null) : null;
}

/** The caller ID the callee's endpoints are shown (spec §9). */
function callerIdShown(snap: Snapshot, caller: InboundRequest['caller'], calleeAccountId: string): CallerIdShown {
  if ('accountId' in caller) return callerIdFor(snap, { accountId: caller.accountId, userId: caller.userId }, calleeAccountId);
  if (caller.e164 !== null && isE164(caller.e164)) {
    return { anonymous: false, number: caller.e164, name: null, extension: null, office: null, source: 'public_network' };
  }
  return { anonymous: true, number: null, name: null, extension: null, office: null, source: 'hidden' };
}

function describeCallerId(c: CallerIdShown): string {
  if (c.anonymous) return 'The caller is shown as anonymous';
  const who = [c.name, c.extension ? `extension ${c.extension}` : null, c.number, c.office ? `(${c.office})` : null].filter((x) => x !== null).join(' ');
  return `The caller is shown as ${who} (${c.source.replace(/_/g, ' ')})`;
}

function describeFallback(f: Fallback): string {
  switch (f.action) {
    case 'call_waiting': return 'call waiting';
    case 'oa_portal': return `the Office Anywhere portal ${f.numberE164}`;
    case 'forward': return `forward to ${f.to}`;
    case 'voicemail': return `the mailbox of ${f.numberE164}`;
    case 'busy': return 'busy';
    case 'end': return 'the call ends';
  }
}

const fullName = (u: UserSnap): string => `${u.firstName} ${u.lastName}`.trim();

/** A target or destination as it may appear in an explanation: printable ASCII only, at most 32 characters. */
function printable(s: string): string {
  const clean = s.replace(/[^\x21-\x7e]/g, '?');
  return clean.length > 32 ? `${clean.slice(0, 32)}…` : clean;
}
