/**
 * The outbound decision (spec §9 "Outbound"): what a user dialled → a destination, route class,
 * caller ID, metering class, or a refusal with a SIP status and a reason. PURE: reads only the
 * snapshot and the request, never the clock (`req.at` is an input), no randomness; every step
 * consulted is recorded in `explanation`.
 *
 * Order (each step a `Step.rule`):
 * 1. `grammar` — dial.ts; refusals 484 (empty, lone `+`) or 404 (malformed). A refusal never routes.
 * 2. `caller` — the caller's account must be in the snapshot (else 403; no country, no rules).
 * 3. `feature_code` — `*…` strings against the small table in dial.ts; an unknown `*` code is 404.
 * 4. `emergency` — the account country's numbers (emergency.ts): always allowed whatever the
 *    whitelist, call rule, authorization code or do-not-disturb; metering `emergency`; the caller ID
 *    is never hidden from emergency services (most jurisdictions require the calling number, and a
 *    PSAP needs it to call back), so hide caller ID is ignored for them.
 * 5. `own_extension` — an extension of the caller's account (user, Office Anywhere portal, voicemail
 *    pilot, ring group).
 * 6. `org_connect` — the caller's call rule's prefix table (`matchPrefix`). A row matches only when
 *    the digits after the prefix have the destination account's extension length (so a national
 *    number that happens to start with a prefix digit still reaches the public network). A matched
 *    row routes only while the caller's account holds extension dialing on the destination
 *    (snapshot grants); else 403 with the reason the rule is inactive; an unknown extension is 404.
 * 7. `main_star_extension` — `<main>*<ext>` where `<main>` (national or E.164 form, caller's country)
 *    is the main number of a site of any account, and that account is the caller's own or grants
 *    extension dialing; a federated-only account is 403 ("dial the full number").
 * 8. `linked_extension` — a plain extension in the accounts granting extension dialing, only after
 *    the own extensions; found in several → 485 Ambiguous naming the accounts.
 * 9. `on_net_number` — a number (national or E.164 form) allocated to the caller's account or an
 *    account it shares an active federation with (any grant): free, metering `on_net_own`,
 *    `on_net_linked` (grant with extension dialing) or `on_net_federated`. A reserved number (not in
 *    service) is 404. Numbers of Tandem accounts with no federation are ordinary public numbers.
 * 10. `public_network` — `toPublicNumber` for the caller's country, then `publicPermission` (the one
 *    public-network check: premium, the account's whitelist, the call rule's dial plan) → 403 when
 *    refused. Route class premium / international / national. Metering `premium`, `international`
 *    or `national`: `local` is never produced — telling local from national needs area-code data per
 *    country and the rate deck prices by prefix anyway (spec §12), so national covers it.
 *    Then `authorization_code`: required when the caller's number has it enabled. Choice: only for
 *    the public network — the code guards toll calls (spec §9 lists it with the public network);
 *    on-net calls are free and emergency calls never need it.
 *
 * SIP statuses: 403 Forbidden (permission), 404 Not Found (unknown extension or number, malformed
 * string), 484 Address Incomplete (empty, lone `+`, a number too short for the caller's country),
 * 485 Ambiguous.
 */
import { matchPrefix, NO_EXTENSION_DIALING_REASON, NO_FEDERATION_REASON } from '../domain/call-rules.ts';
import { callerIdFor, callerIdentity } from './caller-id.ts';
import { checkGrammar, isDigits, isTooShortNumber, parseFeatureCode, splitMainStarExt, toE164 } from './dial.ts';
import { isEmergency } from '../domain/emergency.ts';
import { publicPermission, toPublicNumber } from './permissions.ts';
import type { AccountSnap, CallRuleSnap, ExtensionTarget, GrantSnap, NumberSnap, Snapshot } from './snapshot.ts';
import type { Destination, MeteringClass, OutboundDecision, OutboundRequest, Party, RouteClass, Step } from './types.ts';

type Refusal = Extract<OutboundDecision, { ok: false }>;
type Caller = { accountId: string; userId: string | null; fromNumber?: string | null };

const refuse = (steps: Step[], sipStatus: number, reason: string): Refusal => ({ ok: false, sipStatus, reason, explanation: steps });

/** Whether `digits` has the extension length of `account`. */
const extLength = (a: AccountSnap, digits: string): boolean => isDigits(digits) && digits.length >= a.extMinLength && digits.length <= a.extMaxLength;

/** An extension target resolved to a destination and the callee party, or null when it points at nothing. */
function resolveExtension(snap: Snapshot, a: AccountSnap, extension: string, t: ExtensionTarget, showExtension: boolean): { destination: Destination; callee: Party } | null {
  const party = (p: Partial<Party>): Party => ({ accountId: a.id, office: a.name, userId: null, name: null, extension: showExtension ? extension : null, number: null, ...p });
  switch (t.type) {
    case 'user': {
      const u = a.users.get(t.id);
      if (!u) return null;
      const numberE164 = u.number !== null && snap.numbers.get(u.number)?.accountId === a.id ? u.number : null;
      return { destination: { kind: 'user', accountId: a.id, userId: u.id, numberE164 }, callee: party({ userId: u.id, name: `${u.firstName} ${u.lastName}`.trim(), number: numberE164 }) };
    }
    case 'oa_portal': {
      const p = a.portals.get(t.id);
      if (!p) return null;
      return { destination: { kind: 'oa_portal', accountId: a.id, portalId: p.id }, callee: party({ name: p.name, number: p.numberE164 }) };
    }
    case 'voicemail_pilot':
    case 'ring_group':
      return { destination: { kind: t.type, accountId: a.id, id: t.id }, callee: party({ name: t.type === 'voicemail_pilot' ? 'Voicemail' : 'Ring group' }) };
    default:
      return null;
  }
}

/** The destination and callee for an allocated number of `a` (on-net). */
function resolveNumber(a: AccountSnap, n: NumberSnap, showExtension: boolean): { destination: Destination; callee: Party } {
  const u = n.userId !== null ? a.users.get(n.userId) : undefined;
  if (u) {
    return {
      destination: { kind: 'user', accountId: a.id, userId: u.id, numberE164: n.e164 },
      callee: { accountId: a.id, office: a.name, userId: u.id, name: `${u.firstName} ${u.lastName}`.trim(), extension: showExtension ? u.extension : null, number: n.e164 },
    };
  }
  if (n.portalId !== null && a.portals.has(n.portalId)) {
    const p = a.portals.get(n.portalId)!;
    return { destination: { kind: 'oa_portal', accountId: a.id, portalId: p.id }, callee: { accountId: a.id, office: a.name, userId: null, name: p.name, extension: showExtension ? p.extension : null, number: n.e164 } };
  }
  const site = a.sites.get(n.siteId);
  const name = n.displayName?.line1 ?? (n.isMain && site ? `${site.name} main number` : null);
  return { destination: { kind: 'number', accountId: a.id, numberE164: n.e164 }, callee: { accountId: a.id, office: a.name, userId: null, name, extension: null, number: n.e164 } };
}

/** Accounts granting `a` something, with the grant, in a stable order (name, then id). */
function grantedAccounts(snap: Snapshot, a: AccountSnap, pred: (g: GrantSnap) => boolean): { account: AccountSnap; grant: GrantSnap }[] {
  const out: { account: AccountSnap; grant: GrantSnap }[] = [];
  for (const [id, grant] of a.grants) {
    const other = snap.accounts.get(id);
    if (other && id !== a.id && pred(grant)) out.push({ account: other, grant });
  }
  // Code-unit order, not localeCompare: the order only has to be stable, and ICU collation costs
  // microseconds per comparison on every extension and national call.
  const cmp = (p: string, q: string): number => (p < q ? -1 : p > q ? 1 : 0);
  return out.sort((x, y) => cmp(x.account.name, y.account.name) || cmp(x.account.id, y.account.id));
}

/**
 * Decides an outbound call (spec §9); see the module header for the order and the choices. Never
 * throws for any request whose `dialled` is arbitrary input.
 */
export function decideOutbound(snap: Snapshot, req: OutboundRequest): OutboundDecision {
  const steps: Step[] = [];
  const step = (rule: string, matched: boolean, why: string) => steps.push({ rule, matched, why });

  // 1. Grammar.
  const g = checkGrammar(req.dialled);
  if (!g.ok) {
    step('grammar', false, g.reason);
    return refuse(steps, g.sipStatus, g.reason);
  }
  const dialled = g.dialled;
  step('grammar', true, `"${dialled}" uses only digits, "*", "#" and a leading "+"`);

  // 2. The caller.
  const account = snap.accounts.get(req.accountId);
  if (!account) {
    const reason = 'The calling account is not known to the routing engine';
    step('caller', false, reason);
    return refuse(steps, 403, reason);
  }
  const caller: Caller = { accountId: account.id, userId: req.userId, fromNumber: req.fromNumber ?? null };
  const id = callerIdentity(snap, caller);
  const rule: CallRuleSnap | null = id.user?.callRuleId ? (account.callRules.get(id.user.callRuleId) ?? null) : null;
  step('caller', true, `Calling from ${account.name}${id.name ? ` as ${id.name}` : ''}${id.number ? ` (${id.number.e164})` : ''}${rule ? `, call rule "${rule.name}"` : ', no call rule'}`);

  const ok = (routeClass: RouteClass, destination: Destination, callee: Party, metering: MeteringClass, calleeAccountId: string | null, authCodeRequired = false, emergency = false): OutboundDecision => ({
    ok: true, routeClass, destination, callee, metering, authCodeRequired, explanation: steps,
    callerId: callerIdFor(snap, caller, calleeAccountId, { emergency }),
  });

  // 3. Feature codes.
  if (dialled.startsWith('*')) {
    const fc = parseFeatureCode(dialled);
    if (!fc) {
      const reason = `${dialled} is not a feature code`;
      step('feature_code', false, reason);
      return refuse(steps, 404, reason);
    }
    step('feature_code', true, `${dialled} is the feature code ${fc.code} (${fc.name}${fc.argument ? ` to ${fc.argument}` : ''})`);
    const callee: Party = { accountId: account.id, office: account.name, userId: id.user?.id ?? null, name: fc.name, extension: null, number: null };
    return ok('feature_code', { kind: 'feature_code', code: fc.code }, callee, 'none', account.id);
  }
  step('feature_code', false, `${dialled} does not start with "*"`);

  // 4. Emergency numbers of the caller's country.
  if (isEmergency(account.country, dialled)) {
    step('emergency', true, `${dialled} is an emergency number in ${account.country}: always allowed, whatever the call rule, whitelist, authorization code or do-not-disturb, and the caller ID is always sent`);
    const callee: Party = { accountId: null, office: null, userId: null, name: `Emergency services (${dialled})`, extension: null, number: null };
    return ok('emergency', { kind: 'emergency', number: dialled }, callee, 'emergency', null, false, true);
  }
  step('emergency', false, `${dialled} is not an emergency number in ${account.country}`);

  // 5. Own-account extension.
  const own = isDigits(dialled) ? account.extensions.get(dialled) : undefined;
  if (own) {
    const r = resolveExtension(snap, account, dialled, own, true);
    if (!r) {
      const reason = `Extension ${dialled} of ${account.name} points at a ${own.type.replace('_', ' ')} that no longer exists`;
      step('own_extension', false, reason);
      return refuse(steps, 404, reason);
    }
    step('own_extension', true, `${dialled} is an extension of ${account.name} (${r.callee.name ?? own.type})`);
    return ok('own_extension', r.destination, r.callee, 'on_net_own', account.id);
  }
  step('own_extension', false, `${dialled} is not an extension of ${account.name}`);

  // 6. Organization Connect prefixes of the caller's call rule.
  if (!rule || rule.prefixes.length === 0) {
    step('org_connect', false, rule ? `The call rule "${rule.name}" has no Organization Connect prefixes` : 'The caller has no call rule, so no Organization Connect prefixes');
  } else {
    const m = matchPrefix(rule.prefixes, dialled);
    const dest = m ? snap.accounts.get(m.row.destinationAccountId) : undefined;
    if (!m) {
      step('org_connect', false, `${dialled} starts with none of the prefixes of the call rule "${rule.name}"`);
    } else if (dest && !extLength(dest, m.extension)) {
      step('org_connect', false, `${dialled} starts with prefix ${m.row.prefix}, but ${m.extension} is not an extension length of the destination account (${dest.extMinLength}–${dest.extMaxLength} digits)`);
    } else {
      const grant = dest ? account.grants.get(dest.id) : undefined;
      if (!dest || !grant || !grant.extensionDialing) {
        const why = !dest || !grant ? NO_FEDERATION_REASON : NO_EXTENSION_DIALING_REASON;
        const reason = `Prefix ${m.row.prefix} of the call rule "${rule.name}" is inactive: ${why.charAt(0).toLowerCase()}${why.slice(1)}`;
        step('org_connect', false, reason);
        return refuse(steps, 403, reason);
      }
      const t = dest.extensions.get(m.extension);
      const r = t ? resolveExtension(snap, dest, m.extension, t, true) : null;
      if (!r) {
        const reason = `Prefix ${m.row.prefix} leads to ${dest.name}, which has no extension ${m.extension}`;
        step('org_connect', false, reason);
        return refuse(steps, 404, reason);
      }
      step('org_connect', true, `Prefix ${m.row.prefix} of the call rule "${rule.name}" leads to ${dest.name}; ${m.extension} is its extension (${r.callee.name ?? t!.type})`);
      return ok('org_connect', r.destination, r.callee, 'on_net_linked', dest.id);
    }
  }

  // 7. <main number>*<extension>.
  const mse = splitMainStarExt(dialled);
  if (!mse) {
    step('main_star_extension', false, `${dialled} is not of the form <main number>*<extension>`);
  } else {
    const e164 = toE164(mse.main, account.country);
    const n = e164 ? snap.numbers.get(e164) : undefined;
    const dest = n && n.isMain ? snap.accounts.get(n.accountId) : undefined;
    if (!dest) {
      const reason = `${mse.main} is not the main number of a site in Tandem, so ${dialled} cannot be dialled`;
      step('main_star_extension', false, reason);
      return refuse(steps, 404, reason);
    }
    const grant = dest.id === account.id ? null : account.grants.get(dest.id);
    if (dest.id !== account.id && !grant) {
      // Do not name an account the caller shares nothing with.
      const reason = `${mse.main} is the main number of an account whose extensions ${account.name} may not dial; dial the full number`;
      step('main_star_extension', false, reason);
      return refuse(steps, 403, reason);
    }
    if (grant && !grant.extensionDialing) {
      const reason = `${dest.name} is federated with ${account.name} without extension dialing; dial the full number`;
      step('main_star_extension', false, reason);
      return refuse(steps, 403, reason);
    }
    const t = dest.extensions.get(mse.extension);
    const r = t ? resolveExtension(snap, dest, mse.extension, t, true) : null;
    if (!r) {
      const reason = `${dest.name} has no extension ${mse.extension}`;
      step('main_star_extension', false, reason);
      return refuse(steps, 404, reason);
    }
    step('main_star_extension', true, `${mse.main} is the main number of ${dest.name}; ${mse.extension} is its extension (${r.callee.name ?? t!.type})`);
    return ok('main_star_extension', r.destination, r.callee, dest.id === account.id ? 'on_net_own' : 'on_net_linked', dest.id);
  }

  // 8. Plain extension in a linked account.
  if (isDigits(dialled)) {
    const linked = grantedAccounts(snap, account, (gr) => gr.extensionDialing);
    const hits = linked.filter((l) => l.account.extensions.has(dialled));
    if (hits.length > 1) {
      const names = hits.map((h) => h.account.name).join(', ');
      const reason = `Extension ${dialled} exists in several linked accounts (${names}); dial <main number>*${dialled} or an Organization Connect prefix to choose one`;
      step('linked_extension', false, reason);
      return refuse(steps, 485, reason);
    }
    if (hits.length === 1) {
      const { account: dest } = hits[0]!;
      const r = resolveExtension(snap, dest, dialled, dest.extensions.get(dialled)!, true);
      if (!r) {
        const reason = `Extension ${dialled} of ${dest.name} points at a target that no longer exists`;
        step('linked_extension', false, reason);
        return refuse(steps, 404, reason);
      }
      step('linked_extension', true, `${dialled} is an extension of the linked account ${dest.name} (${r.callee.name ?? 'target'})`);
      return ok('linked_extension', r.destination, r.callee, 'on_net_linked', dest.id);
    }
    step('linked_extension', false, linked.length === 0 ? `${account.name} shares extension dialing with no other account` : `${dialled} is not an extension of any linked account (${linked.map((l) => l.account.name).join(', ')})`);
  } else {
    step('linked_extension', false, `${dialled} is not a plain extension`);
  }

  // 9. Numbers of the caller's account or an account it is federated with (on-net, free).
  const e164 = toE164(dialled, account.country);
  const n = e164 ? snap.numbers.get(e164) : undefined;
  const owner = n ? snap.accounts.get(n.accountId) : undefined;
  const grant = owner && owner.id !== account.id ? account.grants.get(owner.id) : undefined;
  if (n && owner && (owner.id === account.id || grant)) {
    if (n.status === 'reserved') {
      const reason = `${n.e164} belongs to ${owner.name} but is reserved, not yet in service`;
      step('on_net_number', false, reason);
      return refuse(steps, 404, reason);
    }
    const metering: MeteringClass = owner.id === account.id ? 'on_net_own' : grant!.extensionDialing ? 'on_net_linked' : 'on_net_federated';
    const r = resolveNumber(owner, n, owner.id === account.id || grant!.showExtension);
    const rel = owner.id === account.id ? 'this account' : grant!.extensionDialing ? 'a linked account' : 'a federated account';
    step('on_net_number', true, `${n.e164} belongs to ${owner.name} (${rel}): on-net, free`);
    return ok('on_net_number', r.destination, r.callee, metering, owner.id);
  }
  step('on_net_number', false, e164 ? `${e164} is not a number of ${account.name} or of an account it is federated with` : `${dialled} is not a number form`);

  // 10. The public network.
  const pub = toPublicNumber(dialled, account.country);
  if (!pub) {
    let status = 404;
    let reason: string;
    if (extLength(account, dialled)) reason = `${dialled} is not an extension of ${account.name} or of a linked account, nor a valid number`;
    else if (isTooShortNumber(dialled, account.country)) {
      status = 484;
      reason = `${dialled} is too short to be a number in ${account.country}`;
    } else reason = `${dialled} is not a valid phone number for ${account.country}`;
    step('public_network', false, reason);
    return refuse(steps, status, reason);
  }
  const perm = publicPermission(account, rule, pub);
  if (!perm.allowed) {
    step('public_network', false, perm.reason);
    return refuse(steps, 403, perm.reason);
  }
  const routeClass: RouteClass = pub.kind === 'premium' ? 'public_premium' : perm.international ? 'public_international' : 'public_national';
  const metering: MeteringClass = pub.kind === 'premium' ? 'premium' : perm.international ? 'international' : 'national';
  step('public_network', true, `${pub.e164} is a ${pub.kind.replace('_', '-')} number${pub.country ? ` in ${pub.country}` : ''}, allowed for ${account.name}${rule ? ` under the call rule "${rule.name}"` : ''} (${routeClass.replace('public_', '')})`);
  const authCodeRequired = id.features.authCodeEnabled;
  step('authorization_code', authCodeRequired, authCodeRequired
    ? `${id.number?.e164 ?? 'The calling number'} requires an authorization code for calls to the public network`
    : 'No authorization code is required');
  const callee: Party = { accountId: null, office: null, userId: null, name: null, extension: null, number: pub.e164 };
  return ok(routeClass, { kind: 'public', e164: pub.e164, country: pub.country }, callee, metering, null, authCodeRequired);
}
