/**
 * Outbound call rules, their Organization Connect rows and their users (spec §8, §9). Account id
 * first; every query filters on it. A row's destination is another account's id only: whether it is
 * reachable and its name come from the grants (repos/federations.ts), never from here.
 */
import type { Sql } from '../db.ts';
import type { DialPlan } from '../../domain/call-rules.ts';
import { likePattern } from '../pagination.ts';

export interface PrefixRow {
  prefix: string;
  destinationAccountId: string;
}

/** A rule as stored. */
export interface StoredRule {
  id: string;
  name: string;
  dialPlan: DialPlan;
  countryWhitelist: string[];
  prefixes: PrefixRow[];
  userIds: string[];
  createdAt: string;
  updatedAt: string;
}

const iso = (v: unknown): string => new Date(v as string).toISOString();

/** Loads the prefix rows and users of the given rules, in table order. */
async function complete(sql: Sql, accountId: string, rows: Record<string, unknown>[]): Promise<StoredRule[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id as string);
  const prefixes = await sql.query<{ rule_id: string; prefix: string; destination_account_id: string }>(
    `SELECT rule_id, prefix, destination_account_id FROM call_rule_prefixes WHERE account_id = $1 AND rule_id = ANY($2::uuid[]) ORDER BY rule_id, position`,
    [accountId, ids]);
  const users = await sql.query<{ rule_id: string; user_id: string }>(
    `SELECT rule_id, user_id FROM call_rule_users WHERE account_id = $1 AND rule_id = ANY($2::uuid[]) ORDER BY rule_id, user_id`, [accountId, ids]);
  return rows.map((r) => ({
    id: r.id as string,
    name: r.name as string,
    dialPlan: r.dial_plan as DialPlan,
    countryWhitelist: (r.country_whitelist as string[] | null) ?? [],
    prefixes: prefixes.filter((p) => p.rule_id === r.id).map((p) => ({ prefix: p.prefix, destinationAccountId: p.destination_account_id })),
    userIds: users.filter((u) => u.rule_id === r.id).map((u) => u.user_id),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  }));
}

const RULE_SELECT = `SELECT id, name, dial_plan, country_whitelist, created_at, updated_at FROM call_rules`;

export async function getRule(sql: Sql, accountId: string, ruleId: string, lock = false): Promise<StoredRule | null> {
  const rows = await sql.query(`${RULE_SELECT} WHERE account_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`, [accountId, ruleId]);
  return (await complete(sql, accountId, rows))[0] ?? null;
}

/** Rules by name (case-insensitive), `q` matching the name or a prefix; `limit + 1` rows for the page. */
export async function listRules(sql: Sql, accountId: string, f: { q?: string; after: (string | number)[] | null; limit: number }): Promise<StoredRule[]> {
  const params: unknown[] = [accountId];
  const where = ['r.account_id = $1'];
  if (f.q) {
    params.push(likePattern(f.q));
    const p = `$${params.length}`;
    where.push(`(r.name ILIKE ${p} OR EXISTS (SELECT 1 FROM call_rule_prefixes x WHERE x.account_id = r.account_id AND x.rule_id = r.id AND x.prefix ILIKE ${p}))`);
  }
  if (f.after) {
    params.push(f.after[0], f.after[1]);
    where.push(`(lower(r.name), r.id) > ($${params.length - 1}, $${params.length}::uuid)`);
  }
  params.push(f.limit + 1);
  const rows = await sql.query(
    `SELECT r.id, r.name, r.dial_plan, r.country_whitelist, r.created_at, r.updated_at FROM call_rules r
      WHERE ${where.join(' AND ')} ORDER BY lower(r.name), r.id LIMIT $${params.length}`, params);
  return complete(sql, accountId, rows);
}

export const ruleSortKey = (r: { name: string; id: string }): string[] => [r.name.toLowerCase(), r.id];

export async function ruleNameTaken(sql: Sql, accountId: string, name: string, exceptId: string | null): Promise<boolean> {
  const r = await sql.query(`SELECT 1 FROM call_rules WHERE account_id = $1 AND lower(name) = lower($2) AND id IS DISTINCT FROM $3::uuid`, [accountId, name, exceptId]);
  return r.length > 0;
}

export async function insertRule(sql: Sql, accountId: string, r: { id: string; name: string; dialPlan: DialPlan; countryWhitelist: string[] }): Promise<void> {
  await sql.query(`INSERT INTO call_rules (id, account_id, name, dial_plan, country_whitelist) VALUES ($1, $2, $3, $4, $5)`,
    [r.id, accountId, r.name, r.dialPlan, r.countryWhitelist]);
}

export async function updateRule(sql: Sql, accountId: string, ruleId: string, r: { name: string; dialPlan: DialPlan; countryWhitelist: string[] }): Promise<void> {
  await sql.query(`UPDATE call_rules SET name = $3, dial_plan = $4, country_whitelist = $5, updated_at = now() WHERE account_id = $1 AND id = $2`,
    [accountId, ruleId, r.name, r.dialPlan, r.countryWhitelist]);
}

/** Replaces the rule's Organization Connect table with `rows`, in this order. */
export async function replacePrefixes(sql: Sql, accountId: string, ruleId: string, rows: readonly PrefixRow[]): Promise<void> {
  await sql.query(`DELETE FROM call_rule_prefixes WHERE account_id = $1 AND rule_id = $2`, [accountId, ruleId]);
  for (const [i, r] of rows.entries()) {
    await sql.query(`INSERT INTO call_rule_prefixes (account_id, rule_id, prefix, destination_account_id, position) VALUES ($1, $2, $3, $4, $5)`,
      [accountId, ruleId, r.prefix, r.destinationAccountId, i]);
  }
}

export async function deleteRule(sql: Sql, accountId: string, ruleId: string): Promise<void> {
  await sql.query(`DELETE FROM call_rules WHERE account_id = $1 AND id = $2`, [accountId, ruleId]);
}

/** The rule a user has, if any. */
export async function ruleIdOfUser(sql: Sql, accountId: string, userId: string): Promise<string | null> {
  const r = (await sql.query<{ rule_id: string }>(`SELECT rule_id FROM call_rule_users WHERE account_id = $1 AND user_id = $2`, [accountId, userId]))[0];
  return r?.rule_id ?? null;
}

/**
 * Makes `userIds` exactly the users of the rule. A user on another rule moves to this one (a user has
 * at most one rule); returns those moves.
 */
export async function setRuleUsers(sql: Sql, accountId: string, ruleId: string, userIds: readonly string[]): Promise<{ userId: string; fromRuleId: string }[]> {
  const moved = await sql.query<{ user_id: string; rule_id: string }>(
    `SELECT user_id, rule_id FROM call_rule_users WHERE account_id = $1 AND user_id = ANY($2::uuid[]) AND rule_id <> $3 ORDER BY user_id`,
    [accountId, userIds, ruleId]);
  await sql.query(`DELETE FROM call_rule_users WHERE account_id = $1 AND (rule_id = $2 OR user_id = ANY($3::uuid[]))`, [accountId, ruleId, userIds]);
  if (userIds.length > 0) {
    await sql.query(`INSERT INTO call_rule_users (user_id, account_id, rule_id) SELECT u, $1, $2 FROM unnest($3::uuid[]) AS u`, [accountId, ruleId, userIds]);
  }
  return moved.map((m) => ({ userId: m.user_id, fromRuleId: m.rule_id }));
}

/** Which of `userIds` are users of the account. */
export async function existingUsers(sql: Sql, accountId: string, userIds: readonly string[]): Promise<Set<string>> {
  const rows = await sql.query<{ id: string }>(`SELECT id FROM users WHERE account_id = $1 AND id = ANY($2::uuid[])`, [accountId, userIds]);
  return new Set(rows.map((r) => r.id));
}

/**
 * The Organization Connect prefix of the account that `extension` would collide with (the extension
 * starts with the prefix, or the prefix with the extension), if any: the first by rule name, then
 * prefix. Extensions and prefixes share one dial space (spec §8 "Prefixes must not collide with the
 * caller's own extensions").
 */
export async function prefixBlockingExtension(sql: Sql, accountId: string, extension: string): Promise<{ prefix: string; ruleId: string; ruleName: string } | null> {
  const r = (await sql.query<{ prefix: string; rule_id: string; name: string }>(
    `SELECT p.prefix, p.rule_id, r.name FROM call_rule_prefixes p JOIN call_rules r ON r.account_id = p.account_id AND r.id = p.rule_id
      WHERE p.account_id = $1 AND (left($2, length(p.prefix)) = p.prefix OR left(p.prefix, length($2)) = $2)
      ORDER BY lower(r.name), r.id, p.prefix LIMIT 1`, [accountId, extension]))[0];
  return r ? { prefix: r.prefix, ruleId: r.rule_id, ruleName: r.name } : null;
}

/** The Organization Connect rows of the account's rules other than `exceptRuleId` (null: all rules). */
export async function prefixesOfOtherRules(sql: Sql, accountId: string, exceptRuleId: string | null): Promise<{ prefix: string; destinationAccountId: string; ruleName: string }[]> {
  const rows = await sql.query<{ prefix: string; destination_account_id: string; name: string }>(
    `SELECT p.prefix, p.destination_account_id, r.name FROM call_rule_prefixes p JOIN call_rules r ON r.account_id = p.account_id AND r.id = p.rule_id
      WHERE p.account_id = $1 AND ($2::uuid IS NULL OR p.rule_id <> $2::uuid) ORDER BY lower(r.name), r.id, p.prefix`, [accountId, exceptRuleId]);
  return rows.map((r) => ({ prefix: r.prefix, destinationAccountId: r.destination_account_id, ruleName: r.name }));
}
