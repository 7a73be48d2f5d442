/**
 * Outbound call rules and Organization Connect (spec §8 "Organization Connect", §9): account admins
 * write rules (dial plan, country whitelist, prefix → destination account rows) and assign them to
 * users; a user reads their own rule.
 *
 * Every write is checked against the state of now: a destination must be granted extension reach by
 * an active federation (`grantsOf`), prefixes must not collide with the account's extensions, with
 * one another, or with other rules (a prefix leads to one account in every rule of the account). Reads compute each row's state from the grants of now, so a row whose destination left
 * every federation that allowed extension dialing reads inactive, with the reason, at once.
 *
 * Assignment: a user has at most one rule; assigning a rule to a user who has another one moves them
 * (the answer lists the moves). So the prefixes a user has are exactly one rule's; the check across
 * rules keeps a move from changing where a prefix leads.
 */
import {
  allowsExtensionReach, checkDialPlan, checkPrefixesAgainstExtensions, checkPrefixesAgainstOtherRules, checkPrefixTable, rowField, rowState, type DialPlan,
} from '../domain/call-rules.ts';
import { AppError, invalid, notFound } from '../domain/errors.ts';
import type { Grant } from '../domain/federation.ts';
import { newId } from '../domain/ids.ts';
import { checkName } from '../domain/tenancy.ts';
import type { Sql } from '../store/db.ts';
import { lockAccount, type Account } from '../store/repos/accounts.ts';
import {
  deleteRule, existingUsers, getRule, insertRule, listRules, prefixBlockingExtension, prefixesOfOtherRules, replacePrefixes, ruleIdOfUser, ruleNameTaken, ruleSortKey,
  setRuleUsers, updateRule, type PrefixRow, type StoredRule,
} from '../store/repos/call-rules.ts';
import { allExtensions } from '../store/repos/extensions.ts';
import { grantsOf } from '../store/repos/federations.ts';
import { getUser } from '../store/repos/users.ts';
import { decodeCursor, toPage, type Page } from '../store/pagination.ts';
import { accountOf, adminsSite, inAccount, type Ctx, type Tx } from './context.ts';

export type { DialPlan };

/** One Organization Connect row as a request names it: the destination by account id or SIP domain. */
export interface OrganizationConnectInput {
  prefix: string;
  destinationAccountId?: string;
  destinationSipDomain?: string;
}

export interface CallRuleInput {
  name: string;
  dialPlan: DialPlan;
  countryWhitelist?: string[];
  organizationConnect?: OrganizationConnectInput[];
}

export type CallRulePatch = Partial<CallRuleInput>;

/** A row as read: the destination's id, its name while a grant links the accounts, and its state now. */
export interface OrganizationConnectRow {
  prefix: string;
  destinationAccountId: string;
  destinationName: string | null;
  active: boolean;
  inactiveReason: string | null;
}

export interface CallRule {
  id: string;
  name: string;
  dialPlan: DialPlan;
  countryWhitelist: string[];
  organizationConnect: OrganizationConnectRow[];
  /** True when every Organization Connect row is active. */
  active: boolean;
  userIds: string[];
  createdAt: string;
  updatedAt: string;
}

/** A stored rule as read now, with the grants of the rule's account (read in the same transaction). */
function view(r: StoredRule, grants: Map<string, Grant>): CallRule {
  const rows = r.prefixes.map((p) => ({ prefix: p.prefix, destinationAccountId: p.destinationAccountId, ...rowState(grants.get(p.destinationAccountId)) }));
  return {
    id: r.id, name: r.name, dialPlan: r.dialPlan, countryWhitelist: r.countryWhitelist, organizationConnect: rows,
    active: rows.every((x) => x.active), userIds: r.userIds, createdAt: r.createdAt, updatedAt: r.updatedAt,
  };
}

async function requireAccount(sql: Sql, accountId: string): Promise<Account> {
  // Locked: serialises rule writes with extension claims (user and portal writes lock the account too).
  const account = await lockAccount(sql, accountId);
  if (!account) throw notFound('Account');
  return account;
}

async function accountIdByDomain(sql: Sql, domain: string): Promise<string | null> {
  const r = (await sql.query<{ id: string | null }>(`SELECT tandem_account_by_domain($1) AS id`, [domain]))[0];
  return r?.id ?? null;
}

/**
 * Resolves and checks an Organization Connect table: prefixes (format, within the rule, against the
 * account's extensions), then each destination — not the own account, and granted extension reach by
 * an active federation now — and last the prefixes against the account's other rules (`ruleId`: the
 * rule being changed, null for a new one). A row equal to one in `kept` (the stored table, on a change) is not
 * re-checked for its federation: it stays as it was, shown inactive while it is.
 * The refusal never tells whether an account that shares no federation exists.
 */
async function checkTable(sql: Sql, accountId: string, ruleId: string | null, input: readonly OrganizationConnectInput[], kept: readonly PrefixRow[]): Promise<PrefixRow[]> {
  checkPrefixTable(input);
  checkPrefixesAgainstExtensions(input, await allExtensions(sql, accountId));
  const grants = await grantsOf(sql, accountId);
  const out: PrefixRow[] = [];
  for (const [i, row] of input.entries()) {
    const byId = row.destinationAccountId !== undefined;
    const byDomain = row.destinationSipDomain !== undefined;
    if (byId === byDomain) throw invalid(`organizationConnect[${i}]`, `Name the destination of prefix ${row.prefix} with either destinationAccountId or destinationSipDomain`);
    const field = rowField(i, byId ? 'destinationAccountId' : 'destinationSipDomain');
    const named = byId ? `Account ${row.destinationAccountId}` : `The account with SIP domain ${row.destinationSipDomain}`;
    const dest = byId ? row.destinationAccountId! : await accountIdByDomain(sql, row.destinationSipDomain!.trim());
    if (dest === accountId) throw invalid(field, `Prefix ${row.prefix} cannot lead to this account itself; its own extensions are dialled without a prefix`);
    const unchanged = dest !== null && kept.some((k) => k.prefix === row.prefix && k.destinationAccountId === dest);
    if (dest === null || (!unchanged && !allowsExtensionReach(grants.get(dest)))) {
      throw new AppError('not_federated',
        `${named} shares no active federation with this account that allows extension dialing, so prefix ${row.prefix} cannot lead there`, field);
    }
    out.push({ prefix: row.prefix, destinationAccountId: dest });
  }
  checkPrefixesAgainstOtherRules(out, await prefixesOfOtherRules(sql, accountId, ruleId));
  return out;
}

async function requireRule(sql: Sql, accountId: string, ruleId: string, lock = false): Promise<StoredRule> {
  const r = await getRule(sql, accountId, ruleId, lock);
  if (!r) throw notFound('Call rule');
  return r;
}

async function readRule(tx: Tx, accountId: string, ruleId: string): Promise<CallRule> {
  return view(await requireRule(tx.sql, accountId, ruleId), await grantsOf(tx.sql, accountId));
}

/** Creates a rule (spec §8): name unique in the account, dial plan and whitelist, Organization Connect table. */
export async function createCallRule(ctx: Ctx, input: CallRuleInput): Promise<CallRule> {
  const accountId = accountOf(ctx);
  const name = checkName(input.name, 'name', 'The rule name');
  return inAccount(ctx, async (tx) => {
    const account = await requireAccount(tx.sql, accountId);
    const whitelist = checkDialPlan(input.dialPlan, input.countryWhitelist ?? [], account);
    if (await ruleNameTaken(tx.sql, accountId, name, null)) throw new AppError('call_rule_name_taken', `A call rule named "${name}" exists in this account`, 'name');
    const rows = await checkTable(tx.sql, accountId, null, input.organizationConnect ?? [], []);
    const id = newId();
    await insertRule(tx.sql, accountId, { id, name, dialPlan: input.dialPlan, countryWhitelist: whitelist });
    await replacePrefixes(tx.sql, accountId, id, rows);
    const after = await readRule(tx, accountId, id);
    await tx.audit({ action: 'call_rule.create', targetType: 'call_rule', targetId: id, after });
    tx.emit('call_rule.created', id);
    return after;
  });
}

/**
 * Changes a rule. `organizationConnect`, when given, replaces the whole table; rows kept unchanged
 * are not re-checked for their federation (new or changed rows are). The dial plan and whitelist are
 * checked together, as they will be after the change.
 */
export async function updateCallRule(ctx: Ctx, ruleId: string, patch: CallRulePatch): Promise<CallRule> {
  const accountId = accountOf(ctx);
  const name = patch.name === undefined ? undefined : checkName(patch.name, 'name', 'The rule name');
  return inAccount(ctx, async (tx) => {
    const account = await requireAccount(tx.sql, accountId);
    const stored = await requireRule(tx.sql, accountId, ruleId, true);
    const before = view(stored, await grantsOf(tx.sql, accountId));
    const dialPlan = patch.dialPlan ?? stored.dialPlan;
    const whitelist = checkDialPlan(dialPlan, patch.countryWhitelist ?? stored.countryWhitelist, account);
    if (name !== undefined && (await ruleNameTaken(tx.sql, accountId, name, ruleId))) throw new AppError('call_rule_name_taken', `A call rule named "${name}" exists in this account`, 'name');
    await updateRule(tx.sql, accountId, ruleId, { name: name ?? stored.name, dialPlan, countryWhitelist: whitelist });
    if (patch.organizationConnect !== undefined) {
      await replacePrefixes(tx.sql, accountId, ruleId, await checkTable(tx.sql, accountId, ruleId, patch.organizationConnect, stored.prefixes));
    }
    const after = await readRule(tx, accountId, ruleId);
    await tx.audit({ action: 'call_rule.update', targetType: 'call_rule', targetId: ruleId, before, after });
    tx.emit('call_rule.updated', ruleId);
    return after;
  });
}

/** Deletes a rule; its users are left without an outbound call rule. */
export async function deleteCallRule(ctx: Ctx, ruleId: string): Promise<void> {
  const accountId = accountOf(ctx);
  await inAccount(ctx, async (tx) => {
    const stored = await requireRule(tx.sql, accountId, ruleId, true);
    const before = view(stored, await grantsOf(tx.sql, accountId));
    await deleteRule(tx.sql, accountId, ruleId);
    await tx.audit({ action: 'call_rule.delete', targetType: 'call_rule', targetId: ruleId, before });
    tx.emit('call_rule.deleted', ruleId);
  });
}

/**
 * Makes `userIds` exactly the users of the rule. A listed user who has another rule is moved to this
 * one (a user has at most one rule); the answer lists the moves. Every id must be a user of the account.
 */
export async function setCallRuleUsers(ctx: Ctx, ruleId: string, userIds: readonly string[]): Promise<{ rule: CallRule; moved: { userId: string; fromRuleId: string }[] }> {
  const accountId = accountOf(ctx);
  const ids = [...new Set(userIds)];
  return inAccount(ctx, async (tx) => {
    const stored = await requireRule(tx.sql, accountId, ruleId, true);
    const known = await existingUsers(tx.sql, accountId, ids);
    const missing = userIds.findIndex((id) => !known.has(id));
    if (missing >= 0) throw new AppError('not_found', 'User was not found', `userIds[${missing}]`);
    const moved = await setRuleUsers(tx.sql, accountId, ruleId, ids);
    const after = await readRule(tx, accountId, ruleId);
    await tx.audit({ action: 'call_rule.assign_users', targetType: 'call_rule', targetId: ruleId, before: { userIds: stored.userIds }, after: { userIds: after.userIds, moved } });
    tx.emit('call_rule.updated', ruleId);
    for (const from of new Set(moved.map((m) => m.fromRuleId))) tx.emit('call_rule.updated', from);
    return { rule: after, moved };
  });
}

export async function getCallRule(ctx: Ctx, ruleId: string): Promise<CallRule> {
  const accountId = accountOf(ctx);
  return inAccount(ctx, (tx) => readRule(tx, accountId, ruleId));
}

export async function listCallRules(ctx: Ctx, q: { q?: string; limit: number; cursor?: string }): Promise<Page<CallRule>> {
  const accountId = accountOf(ctx);
  const after = decodeCursor(q.cursor, 2);
  return inAccount(ctx, async (tx) => {
    const rows = await listRules(tx.sql, accountId, { q: q.q, after, limit: q.limit });
    const grants = await grantsOf(tx.sql, accountId);
    return toPage(rows, q.limit, ruleSortKey, (r) => view(r, grants));
  });
}

/** A user's outbound call rule, or null (admins of the user's site, or the user themself). */
export async function getUserCallRule(ctx: Ctx, userId: string): Promise<CallRule | null> {
  const accountId = accountOf(ctx);
  return inAccount(ctx, async (tx) => {
    const u = await getUser(tx.sql, accountId, userId);
    if (!u || !(adminsSite(ctx.actor, u.siteId) || ctx.actor.id === u.id)) throw notFound('User');
    const ruleId = await ruleIdOfUser(tx.sql, accountId, userId);
    return ruleId === null ? null : readRule(tx, accountId, ruleId);
  });
}

/**
 * Refuses an extension that collides with an Organization Connect prefix of the account (spec §8:
 * prefixes and the account's own extensions share one dial space). For extension claims (users,
 * Office Anywhere portals), inside their transaction.
 * @throws AppError prefix_collision naming `field`, the prefix and its rule.
 */
export async function assertExtensionClearOfPrefixes(sql: Sql, accountId: string, extension: string, field: string): Promise<void> {
  const p = await prefixBlockingExtension(sql, accountId, extension);
  if (!p) return;
  const how = extension.startsWith(p.prefix) ? `${extension} starts with the prefix` : `the prefix starts with ${extension}`;
  throw new AppError('prefix_collision',
    `Extension ${extension} collides with Organization Connect prefix ${p.prefix} of the call rule "${p.ruleName}": ${how}; change the rule's prefix or choose another extension`,
    field, { prefix: p.prefix, ruleId: p.ruleId });
}

export { prefixBlockingExtension };
