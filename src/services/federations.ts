/**
 * Federation lifecycle with consent (spec §8): propose → every member account's admin consents with
 * the exact acknowledgement text → active. Adding an account opens a new round that every account,
 * old and new, consents to. Accounts leave or are removed, federations are dissolved, proposals are
 * withdrawn or declined. Every step is kept in the consent record (who, when, exact text) and the
 * audit log. Grants are read fresh per request (tandem_grants), so a departure is effective for the
 * very next request.
 */
import { AppError, invalid, notFound } from '../domain/errors.ts';
import {
  checkMemberCount, computeImpact, consentText as buildConsentText, isCurrent, resolvePolicy, wideningFields,
  type DepartureAction, type FederationPolicy, type Impact, type Preset,
} from '../domain/federation.ts';
import { newId } from '../domain/ids.ts';
import {
  accountIdByDomain, consentRecord, federationCollisions, getFederation, insertFederation, listFederationsOf, membersOf, recordConsent,
  remainingLinks, setMember, updateFederation, upsertMember, userCounts, type Collision, type ConsentRecord, type FederationRow, type MemberRow,
} from '../store/repos/federations.ts';
import { accountOf, inAccount, type Ctx, type Tx } from './context.ts';

export interface FederationView extends FederationRow {
  members: (MemberRow & { consentedThisRound: boolean })[];
}

function view(f: FederationRow, members: MemberRow[]): FederationView {
  return { ...f, members: members.map((m) => ({ ...m, consentedThisRound: m.consentedRound === f.round })) };
}

interface Loaded {
  fed: FederationRow;
  members: MemberRow[];
  me: MemberRow;
  accountId: string;
}

/** Loads (and locks) a federation the acting account is or was part of; any other answers 404. */
async function load(tx: Tx, ctx: Ctx, federationId: string): Promise<Loaded> {
  const accountId = accountOf(ctx);
  const fed = await getFederation(tx.sql, federationId, true);
  if (!fed) throw notFound('Federation');
  const members = await membersOf(tx.sql, federationId);
  const me = members.find((m) => m.accountId === accountId);
  if (!me) throw notFound('Federation');
  return { fed, members, me, accountId };
}

const current = (members: MemberRow[]) => members.filter((m) => isCurrent(m.status));

async function record(tx: Tx, ctx: Ctx, l: { fed: FederationRow; accountId: string }, action: string, text: string, subject: string | null = null): Promise<void> {
  await recordConsent(tx.sql, {
    id: newId(), federationId: l.fed.id, accountId: l.accountId, actorType: ctx.actor.type, actorId: ctx.actor.id, action, subjectAccountId: subject, round: l.fed.round, text,
  });
}

/** Reloads the federation and writes the audit row and event of a step; returns the new view. */
async function finish(tx: Tx, l: Loaded, action: string, extra: Record<string, unknown> = {}): Promise<FederationView> {
  const fed = (await getFederation(tx.sql, l.fed.id))!;
  const members = await membersOf(tx.sql, l.fed.id);
  const after = view(fed, members);
  await tx.audit({ action: `federation.${action}`, targetType: 'federation', targetId: fed.id, before: view(l.fed, l.members), after: { ...after, ...extra } });
  tx.emit(`federation.${action}`, fed.id, { accountIds: members.map((m) => m.accountId), ...extra });
  return after;
}

function requireAdminOfAccount(ctx: Ctx): void {
  if (ctx.actor.role !== 'account_admin' && ctx.actor.role !== 'operator') throw new AppError('forbidden', 'Only account admins act on federations');
}

async function resolveDomains(tx: Tx, domains: string[], field: string): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, d] of domains.entries()) {
    const id = await accountIdByDomain(tx.sql, d.trim());
    if (!id) throw new AppError('not_found', `No account has the SIP domain ${d}`, `${field}[${i}]`);
    ids.push(id);
  }
  return ids;
}

export interface ProposeInput {
  name: string;
  preset?: Preset;
  policy?: Partial<FederationPolicy>;
  memberSipDomains: string[];
}

export async function propose(ctx: Ctx, input: ProposeInput): Promise<FederationView> {
  requireAdminOfAccount(ctx);
  const name = input.name.trim();
  if (!name) throw invalid('name', 'A federation needs a name');
  const { preset, policy } = resolvePolicy(input.preset, input.policy);
  return inAccount(ctx, async (tx) => {
    const accountId = accountOf(ctx);
    const others = [...new Set((await resolveDomains(tx, input.memberSipDomains, 'memberSipDomains')).filter((id) => id !== accountId))];
    checkMemberCount(others.length + 1, 'memberSipDomains');
    const id = newId();
    await insertFederation(tx.sql, { id, name, proposedByAccountId: accountId, proposedByUser: ctx.actor.id, preset, policy });
    for (const a of [accountId, ...others]) await upsertMember(tx.sql, id, a, 1);
    const fed = (await getFederation(tx.sql, id))!;
    const members = await membersOf(tx.sql, id);
    await record(tx, ctx, { fed, accountId }, 'propose', `Proposed federation "${name}" (${preset}) to ${members.map((m) => m.name).join(', ')}: ${JSON.stringify(policy)}`);
    const out = view(fed, members);
    await tx.audit({ action: 'federation.propose', targetType: 'federation', targetId: id, after: out });
    tx.emit('federation.proposed', id, { accountIds: members.map((m) => m.accountId) });
    return out;
  });
}

export async function listFederations(ctx: Ctx): Promise<FederationView[]> {
  return inAccount(ctx, async (tx) => {
    const feds = await listFederationsOf(tx.sql, accountOf(ctx));
    const out: FederationView[] = [];
    for (const f of feds) out.push(view(f, await membersOf(tx.sql, f.id)));
    return out;
  });
}

export async function getFederationView(ctx: Ctx, federationId: string): Promise<FederationView> {
  return inAccount(ctx, async (tx) => {
    const l = await load(tx, ctx, federationId);
    return view(l.fed, l.members);
  });
}

/** The acknowledgement this account's admin must submit to consent to the current round. */
function textFor(l: { fed: FederationRow; members: MemberRow[]; me: MemberRow }): string {
  return buildConsentText(l.fed, l.me.name, current(l.members).filter((m) => m.accountId !== l.me.accountId).map((m) => m.name), l.fed.policy);
}

function needsConsent(l: Loaded): void {
  if (!['proposed', 'active'].includes(l.fed.status)) throw new AppError('federation_state', `The federation is ${l.fed.status}; there is nothing to consent to`);
  if (!isCurrent(l.me.status)) throw new AppError('federation_state', `This account ${l.me.status === 'left' ? 'left' : `is ${l.me.status} in`} the federation`);
  if (l.me.consentedRound === l.fed.round) throw new AppError('federation_state', 'This account has already consented to the current round');
}

export async function getConsentText(ctx: Ctx, federationId: string): Promise<{ text: string; round: number; consented: boolean }> {
  return inAccount(ctx, async (tx) => {
    const l = await load(tx, ctx, federationId);
    return { text: textFor(l), round: l.fed.round, consented: l.me.consentedRound === l.fed.round };
  });
}

/**
 * Records this account's consent. When every current member has consented to the round, pending
 * members become active and the federation is active — unless, with plain extension dialing,
 * extensions collide: then this last consent is refused and nothing changes.
 */
export async function consent(ctx: Ctx, federationId: string, text: string): Promise<FederationView> {
  requireAdminOfAccount(ctx);
  return inAccount(ctx, async (tx) => {
    const l = await load(tx, ctx, federationId);
    needsConsent(l);
    const expected = textFor(l);
    if (text !== expected) throw new AppError('consent_text_mismatch', 'Submit exactly the text GET /v1/federations/{id}/consent-text gives for the current round', 'text');
    await setMember(tx.sql, federationId, l.accountId, { consentedRound: l.fed.round });
    const waiting = current(l.members).filter((m) => m.accountId !== l.accountId && m.consentedRound !== l.fed.round);
    if (waiting.length === 0) {
      if (l.fed.policy.extensionDialing) {
        const collisions = await federationCollisions(tx.sql, federationId);
        if (collisions.length > 0) {
          throw new AppError('federation_collisions', `${collisions.length} extension(s) are used in more than one member account (for example ${collisions.slice(0, 3).map((c) => c.extension).join(', ')}); resolve them or turn plain extension dialing off, then consent again`, null, { collisions: collisions.length });
        }
      }
      for (const m of current(l.members)) if (m.status === 'pending') await setMember(tx.sql, federationId, m.accountId, { status: 'active' });
      await updateFederation(tx.sql, federationId, { status: 'active', activated: true });
    }
    await record(tx, ctx, l, 'consent', text);
    return finish(tx, l, waiting.length === 0 ? 'activate' : 'consent');
  });
}

/** Declines: a proposal ends; a pending addition is cancelled (the added account stays out). */
export async function decline(ctx: Ctx, federationId: string, reason: string | undefined): Promise<FederationView> {
  requireAdminOfAccount(ctx);
  return inAccount(ctx, async (tx) => {
    const l = await load(tx, ctx, federationId);
    needsConsent(l);
    const why = reason?.trim() ? `: ${reason.trim()}` : '';
    if (l.fed.status === 'proposed') {
      await setMember(tx.sql, federationId, l.accountId, { status: 'declined' });
      await updateFederation(tx.sql, federationId, { status: 'declined', ended: true });
    } else {
      for (const m of l.members) if (m.status === 'pending') await setMember(tx.sql, federationId, m.accountId, { status: 'declined' });
    }
    await record(tx, ctx, l, 'decline', `Declined round ${l.fed.round}${why}`);
    return finish(tx, l, 'decline');
  });
}

/** Withdraws a proposal (its proposing account) or a pending addition (any active member). */
export async function withdraw(ctx: Ctx, federationId: string): Promise<FederationView> {
  requireAdminOfAccount(ctx);
  return inAccount(ctx, async (tx) => {
    const l = await load(tx, ctx, federationId);
    if (l.fed.status === 'proposed') {
      if (l.fed.proposedByAccountId !== l.accountId) throw new AppError('federation_state', 'Only the proposing account may withdraw the proposal; decline it instead');
      await updateFederation(tx.sql, federationId, { status: 'withdrawn', ended: true });
    } else if (l.fed.status === 'active' && l.me.status === 'active' && l.members.some((m) => m.status === 'pending')) {
      for (const m of l.members) if (m.status === 'pending') await setMember(tx.sql, federationId, m.accountId, { status: 'withdrawn' });
    } else {
      throw new AppError('federation_state', 'There is no proposal or pending addition to withdraw');
    }
    await record(tx, ctx, l, 'withdraw', `Withdrew round ${l.fed.round}`);
    return finish(tx, l, 'withdraw');
  });
}

/** Adds an account: a new round that every account, old and new, must consent to (spec §8). */
export async function addMember(ctx: Ctx, federationId: string, sipDomain: string): Promise<FederationView> {
  requireAdminOfAccount(ctx);
  return inAccount(ctx, async (tx) => {
    const l = await load(tx, ctx, federationId);
    if (!['proposed', 'active'].includes(l.fed.status) || !isCurrent(l.me.status)) throw new AppError('federation_state', `Accounts are added only to a proposed or active federation this account belongs to`);
    const [id] = await resolveDomains(tx, [sipDomain], 'sipDomain');
    const existing = l.members.find((m) => m.accountId === id);
    if (existing && isCurrent(existing.status)) throw new AppError('already_member', `${existing.name} is already ${existing.status === 'active' ? 'a member' : 'invited'}`, 'sipDomain');
    checkMemberCount(current(l.members).length + 1, 'sipDomain');
    const round = l.fed.round + 1;
    await updateFederation(tx.sql, federationId, { round });
    await upsertMember(tx.sql, federationId, id!, round);
    const fed = (await getFederation(tx.sql, federationId))!;
    await record(tx, ctx, { fed, accountId: l.accountId }, 'add', `Invited the account with SIP domain ${sipDomain}; round ${round} needs every account's consent`, id!);
    return finish(tx, l, 'add', { addedAccountId: id });
  });
}

/** Changes the policy: before activation any change (consent starts again); once active only narrowing. */
export async function changePolicy(ctx: Ctx, federationId: string, patch: Partial<FederationPolicy>): Promise<FederationView> {
  requireAdminOfAccount(ctx);
  return inAccount(ctx, async (tx) => {
    const l = await load(tx, ctx, federationId);
    if (!['proposed', 'active'].includes(l.fed.status) || !isCurrent(l.me.status)) throw new AppError('federation_state', `The federation is ${l.fed.status}; its policy can no longer change`);
    const policy = { ...l.fed.policy, ...patch };
    const { preset } = resolvePolicy(l.fed.preset === 'custom' ? undefined : l.fed.preset, policy);
    const widened = wideningFields(l.fed.policy, policy);
    if (l.fed.status === 'active' && widened.length > 0) {
      throw new AppError('policy_widening_needs_consent', `Sharing more (${widened.join(', ')}) in an active federation needs every account's fresh consent; propose a new federation with that policy`, widened[0]);
    }
    const round = l.fed.status === 'proposed' ? l.fed.round + 1 : l.fed.round;
    await updateFederation(tx.sql, federationId, { policy, preset, round });
    await record(tx, ctx, { ...l, fed: { ...l.fed, round } }, 'policy', `Policy changed to ${JSON.stringify(policy)}`);
    return finish(tx, l, 'policy');
  });
}

export async function collisions(ctx: Ctx, federationId: string): Promise<Collision[]> {
  return inAccount(ctx, async (tx) => {
    await load(tx, ctx, federationId);
    return federationCollisions(tx.sql, federationId);
  });
}

export async function getConsentRecord(ctx: Ctx, federationId: string): Promise<ConsentRecord[]> {
  return inAccount(ctx, async (tx) => {
    await load(tx, ctx, federationId);
    return consentRecord(tx.sql, federationId);
  });
}

/** What a departure would stop; the very computation the change itself records. */
async function impactOf(tx: Tx, l: Loaded, action: DepartureAction, departing: string | null): Promise<Impact> {
  const active = l.members.filter((m) => m.status === 'active');
  const counts = await userCounts(tx.sql, active.map((m) => m.accountId));
  const base = computeImpact({ action, departing, policy: l.fed.policy, members: active, remaining: await remainingLinks(tx.sql, l.fed.id), userCounts: counts });
  return { ...base, organizationConnect: await organizationConnectImpact(tx, l.accountId, base.extensionReach) };
}

/** Organization Connect rules of the acting account whose destination loses extension reach. */
async function organizationConnectImpact(tx: Tx, accountId: string, lost: Impact['extensionReach']): Promise<Impact['organizationConnect']> {
  const mine = lost.find((x) => x.accountId === accountId);
  if (!mine) return [];
  const lostIds = lost.filter((x) => mine.loseReachOf.includes(x.name)).map((x) => x.accountId);
  const rules = await tx.sql.query<{ name: string }>(
    `SELECT DISTINCT r.name FROM call_rules r JOIN call_rule_prefixes p ON p.rule_id = r.id AND p.account_id = r.account_id
      WHERE r.account_id = $1 AND p.destination_account_id = ANY($2::uuid[]) ORDER BY r.name`, [accountId, lostIds]);
  return rules.length > 0 ? [{ accountId, rules: rules.length, ruleNames: rules.map((r) => r.name) }] : [];
}

function departing(l: Loaded, action: DepartureAction, target: string | null): string | null {
  if (action === 'dissolve') {
    if (!['proposed', 'active'].includes(l.fed.status) || l.me.status !== 'active') throw new AppError('federation_state', 'Only an active member may dissolve an active federation');
    return null;
  }
  const who = action === 'leave' ? l.accountId : target;
  const m = l.members.find((x) => x.accountId === who);
  if (!m || !isCurrent(m.status)) throw action === 'leave' ? new AppError('federation_state', 'This account is not a member') : notFound('Member account');
  if (action === 'remove') {
    if (who === l.accountId) throw new AppError('federation_state', 'To take this account out, leave the federation');
    if (l.me.status !== 'active') throw new AppError('federation_state', 'Only an active member may remove another account');
  }
  return who;
}

export async function previewImpact(ctx: Ctx, federationId: string, action: DepartureAction, target: string | null): Promise<Impact> {
  return inAccount(ctx, async (tx) => {
    const l = await load(tx, ctx, federationId);
    return impactOf(tx, l, action, departing(l, action, target));
  });
}

/**
 * Leave, remove or dissolve, effective at once: the grant function reads membership fresh, so the
 * very next request no longer sees across the broken link. A federation left with fewer than two
 * active members is dissolved.
 */
export async function depart(ctx: Ctx, federationId: string, action: DepartureAction, target: string | null): Promise<FederationView & { impact: Impact }> {
  requireAdminOfAccount(ctx);
  return inAccount(ctx, async (tx) => {
    const l = await load(tx, ctx, federationId);
    const who = departing(l, action, target);
    const impact = await impactOf(tx, l, action, who);
    if (who === null) {
      await updateFederation(tx.sql, federationId, { status: 'dissolved', ended: true });
    } else {
      const wasPending = l.members.find((m) => m.accountId === who)!.status === 'pending';
      await setMember(tx.sql, federationId, who, { status: action === 'leave' ? (wasPending ? 'declined' : 'left') : 'removed' });
      const rest = (await membersOf(tx.sql, federationId)).filter((m) => isCurrent(m.status));
      if (l.fed.status === 'proposed' && rest.length < 2) await updateFederation(tx.sql, federationId, { status: 'declined', ended: true });
      else if (l.fed.status === 'active' && rest.filter((m) => m.status === 'active').length < 2) await updateFederation(tx.sql, federationId, { status: 'dissolved', ended: true });
    }
    const label = who === null ? 'Dissolved the federation' : action === 'leave' ? 'Left the federation' : `Removed ${l.members.find((m) => m.accountId === who)!.name}`;
    await record(tx, ctx, l, action, `${label}. Impact: ${JSON.stringify(impact)}`, who === l.accountId ? null : who);
    const out = await finish(tx, l, action, { impact });
    return { ...out, impact };
  });
}

