/**
 * Outbound call rules and Organization Connect prefix dialing (spec §8 "Organization Connect",
 * §9 outbound order). Pure, no I/O.
 *
 * A rule has:
 * - a **dial plan**: how far into the public network its users may dial (spec §9: "national,
 *   international (per the country whitelist)"). Everything on-net is reachable under every plan:
 *   emergency numbers (always), the account's own extensions, Organization Connect prefixes,
 *   `<main>*<ext>`, linked extensions and numbers of the own or a federated account.
 *   - `internal_only`: nothing of the public network;
 *   - `national`: public numbers of the account's own country;
 *   - `international`: national, plus numbers abroad in the countries of the rule's
 *     **country whitelist** — an empty whitelist adds no restriction beyond the account's own list.
 *   The account-wide outbound check (premium ranges, the account's international whitelist:
 *   `checkOutbound` in phone.ts) applies on top of the rule; a rule never widens it.
 * - an **Organization Connect table**: rows mapping a prefix (1–4 digits, not starting with 0,
 *   which starts national and international numbers) to a destination account. A caller dials
 *   `prefix + extension` to reach that extension of the destination account.
 *
 * Prefix rules: within a rule no prefix equals or starts another one (`1` and `12` would make `12…`
 * ambiguous); no prefix collides with an extension of the caller's account (an extension starting
 * with the prefix, or the prefix starting with an extension) — own extensions are resolved first
 * (spec §9), so a colliding prefix or extension would be unreachable. A user has at most one rule, so
 * "another prefix the same user would have" is exactly another prefix of the same rule.
 */
import type { Grant } from './federation.ts';
import { AppError, invalid } from './errors.ts';
import { isCountry } from './phone.ts';

export type DialPlan = 'internal_only' | 'national' | 'international';
export const DIAL_PLANS: readonly DialPlan[] = ['internal_only', 'national', 'international'];

/** At most this many Organization Connect rows per rule. */
export const MAX_PREFIX_ROWS = 100;

/** 1–4 digits, not starting with 0. */
export const PREFIX_RE = /^[1-9][0-9]{0,3}$/;

/** The field name of row `i` of the Organization Connect table in a request. */
export const rowField = (i: number, leaf: 'prefix' | 'destinationAccountId' | 'destinationSipDomain'): string => `organizationConnect[${i}].${leaf}`;

/** Whether two digit strings collide as dial prefixes: equal, or one starts the other. */
export const overlaps = (a: string, b: string): boolean => a.startsWith(b) || b.startsWith(a);

/**
 * Checks a dial plan and its country whitelist against the account's own outbound policy; returns the
 * whitelist as stored.
 * @throws AppError validation_failed naming `countryWhitelist` or `countryWhitelist[i]`.
 */
export function checkDialPlan(plan: DialPlan, whitelist: readonly string[], account: { country: string; intlWhitelist: string[] | null }): string[] {
  if (!DIAL_PLANS.includes(plan)) throw invalid('dialPlan', `"${plan}" is not a dial plan; use one of ${DIAL_PLANS.join(', ')}`);
  if (plan !== 'international' && whitelist.length > 0) {
    throw invalid('countryWhitelist', `A country whitelist applies only to the international dial plan; the ${plan} plan calls no country abroad, so send an empty list`);
  }
  const seen = new Map<string, number>();
  whitelist.forEach((c, i) => {
    const field = `countryWhitelist[${i}]`;
    if (!isCountry(c)) throw invalid(field, `"${c}" is not an ISO 3166 country code Tandem knows`);
    const first = seen.get(c);
    if (first !== undefined) throw invalid(field, `${c} is listed twice (also as countryWhitelist[${first}])`);
    seen.set(c, i);
    if (c === account.country) throw invalid(field, `${c} is this account's own country; national calls follow the dial plan, not the whitelist of countries abroad`);
    if (account.intlWhitelist !== null && !account.intlWhitelist.includes(c)) {
      throw invalid(field, `${c} is not on this account's list of countries it may call, so a rule cannot allow it`);
    }
  });
  return [...whitelist];
}

/**
 * Whether the dial plan lets a user call a public-network number of `destCountry` (null: a number of
 * no country, such as an international freephone, which counts as abroad). The account-wide check
 * (`checkOutbound`) still applies.
 */
export function dialPlanAllows(plan: DialPlan, whitelist: readonly string[], ownCountry: string, destCountry: string | null): boolean {
  if (plan === 'internal_only') return false;
  if (destCountry === ownCountry) return true;
  if (plan !== 'international') return false;
  return whitelist.length === 0 || (destCountry !== null && whitelist.includes(destCountry));
}

/**
 * Checks the prefixes of one rule's Organization Connect table: each 1–4 digits not starting with 0,
 * none equal to or starting another.
 * @throws AppError validation_failed (format) or prefix_collision, naming `organizationConnect[i].prefix`.
 */
export function checkPrefixTable(rows: readonly { prefix: string }[]): void {
  if (rows.length > MAX_PREFIX_ROWS) throw invalid('organizationConnect', `A rule has at most ${MAX_PREFIX_ROWS} Organization Connect rows`);
  rows.forEach((r, i) => {
    if (!PREFIX_RE.test(r.prefix)) {
      throw invalid(rowField(i, 'prefix'), r.prefix.startsWith('0') && /^\d+$/.test(r.prefix)
        ? `The prefix "${r.prefix}" starts with 0, which starts national and international numbers; choose a prefix starting with 1–9`
        : `The prefix "${r.prefix}" must be 1 to 4 digits`);
    }
    for (let j = 0; j < i; j++) {
      const other = rows[j]!.prefix;
      if (other === r.prefix) throw new AppError('prefix_collision', `Prefix ${r.prefix} is listed twice in this rule (also as organizationConnect[${j}])`, rowField(i, 'prefix'), { prefix: r.prefix, collidesWithPrefix: other });
      if (overlaps(other, r.prefix)) {
        const [short, long] = other.length < r.prefix.length ? [other, r.prefix] : [r.prefix, other];
        throw new AppError('prefix_collision',
          `Prefix ${r.prefix} collides with prefix ${other} (organizationConnect[${j}]) of this rule: ${long} starts with ${short}, so a number dialled after ${long} would be ambiguous`,
          rowField(i, 'prefix'), { prefix: r.prefix, collidesWithPrefix: other });
      }
    }
  });
}

/**
 * Spec §8: prefixes must not collide with other rules either. A prefix means one destination in the
 * whole account, so that moving a user from one rule to another never changes where a dial goes:
 * another rule may list the same prefix only for the same destination, and no prefix of one rule may
 * start another rule's (different) prefix.
 * @throws AppError prefix_collision naming `organizationConnect[i].prefix`, the other prefix and its rule.
 */
export function checkPrefixesAgainstOtherRules(rows: readonly { prefix: string; destinationAccountId: string }[], others: readonly { prefix: string; destinationAccountId: string; ruleName: string }[]): void {
  rows.forEach((r, i) => {
    for (const o of others) {
      const clash = o.prefix === r.prefix ? o.destinationAccountId !== r.destinationAccountId : overlaps(o.prefix, r.prefix);
      if (!clash) continue;
      const why = o.prefix === r.prefix
        ? `the call rule "${o.ruleName}" uses prefix ${o.prefix} for another account`
        : `prefix ${o.prefix} of the call rule "${o.ruleName}" ${o.prefix.length < r.prefix.length ? `starts ${r.prefix}` : `starts with ${r.prefix}`}`;
      throw new AppError('prefix_collision', `Prefix ${r.prefix} collides with another rule: ${why}; a prefix must lead to the same account in every rule`,
        rowField(i, 'prefix'), { prefix: r.prefix, collidesWithPrefix: o.prefix, ruleName: o.ruleName });
    }
  });
}

/** The first (lowest) extension that collides with `prefix`: it starts with the prefix, or the prefix starts with it. */
export function collidingExtension(prefix: string, extensions: readonly string[]): string | null {
  return [...extensions].sort().find((x) => overlaps(x, prefix)) ?? null;
}

/** The sentence for a prefix that collides with an extension of the caller's account. */
export function extensionCollisionMessage(prefix: string, extension: string): string {
  return extension.startsWith(prefix)
    ? `Prefix ${prefix} collides with extension ${extension} of this account: ${extension} starts with ${prefix}, and the account's own extensions are dialled first`
    : `Prefix ${prefix} collides with extension ${extension} of this account: the prefix starts with ${extension}, and the account's own extensions are dialled first`;
}

/**
 * Refuses a table row whose prefix collides with one of the account's extensions.
 * @throws AppError prefix_collision naming `organizationConnect[i].prefix` and the extension.
 */
export function checkPrefixesAgainstExtensions(rows: readonly { prefix: string }[], extensions: readonly string[]): void {
  rows.forEach((r, i) => {
    const x = collidingExtension(r.prefix, extensions);
    if (x !== null) throw new AppError('prefix_collision', extensionCollisionMessage(r.prefix, x), rowField(i, 'prefix'), { prefix: r.prefix, extension: x });
  });
}

/**
 * Matches what a user dialled against their rule's table (spec §9, after the own-account
 * extensions): the row whose prefix starts the dialled digits, and the extension that follows.
 * Prefixes of one rule never overlap, so at most one row matches.
 */
export function matchPrefix<R extends { prefix: string }>(rows: readonly R[], dialled: string): { row: R; extension: string } | null {
  if (!/^\d+$/.test(dialled)) return null;
  const row = rows.find((r) => dialled.startsWith(r.prefix) && dialled.length > r.prefix.length);
  return row ? { row, extension: dialled.slice(row.prefix.length) } : null;
}

export const NO_FEDERATION_REASON = 'The destination account no longer shares an active federation with this account';
export const NO_EXTENSION_DIALING_REASON = 'The federations this account shares with the destination account do not allow extension dialing';

/** Whether a grant gives extension reach to its account (the condition of every Organization Connect row). */
export const allowsExtensionReach = (g: Grant | undefined): boolean => g !== undefined && g.extensionDialing;

/**
 * What a stored row is now, from the grant the caller's account holds on the destination (read fresh,
 * never cached): active, or inactive with the reason. The destination's name comes from the grant, so
 * it is null once no active federation links the two accounts.
 */
export function rowState(grant: Grant | undefined): { active: boolean; destinationName: string | null; inactiveReason: string | null } {
  if (grant && allowsExtensionReach(grant)) return { active: true, destinationName: grant.accountName, inactiveReason: null };
  return { active: false, destinationName: grant?.accountName ?? null, inactiveReason: grant ? NO_EXTENSION_DIALING_REASON : NO_FEDERATION_REASON };
}
