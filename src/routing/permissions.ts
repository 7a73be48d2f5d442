/**
 * The outbound permission every call to the public network passes — a dialled call, a forward, a
 * ring of an alternate phone (spec §4, §9: the toll-fraud guard). One function, so no path skips it.
 */
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { dialPlanAllows } from '../domain/call-rules.ts';
import { memoByKey } from './memo.ts';
import type { AccountSnap, CallRuleSnap, LineKind } from './snapshot.ts';

export interface PublicNumber {
  e164: string;
  country: string | null;
  kind: LineKind;
}

/** Parses digits (E.164 with +, or the national/international form of `country`) into a public number, or null. */
function parsePublic(digits: string, country: string): PublicNumber | null {
  const p = parsePhoneNumberFromString(digits, country as CountryCode);
  // With the full metadata, libphonenumber's isValid() is exactly getType() !== undefined: asking
  // for the type alone halves the cost of a number seen for the first time.
  const t = p?.getType();
  if (!p || t === undefined) return null;
  const kind: LineKind = t === 'MOBILE' ? 'mobile' : t === 'FIXED_LINE' ? 'landline' : t === 'PREMIUM_RATE' ? 'premium' : t === 'TOLL_FREE' ? 'toll_free' : 'other';
  return { e164: p.number, country: p.country ?? null, kind };
}

/** {@link parsePublic}, memoised (the results are frozen: callers share them). */
export const toPublicNumber = memoByKey((d: string, c: string) => {
  const n = parsePublic(d, c);
  return n && Object.freeze(n);
}, (d, c) => `${c}|${d}`);

export type Permission = { allowed: true; international: boolean } | { allowed: false; reason: string };

/**
 * May `account` (and the caller's call rule, if any) call this public number? Premium ranges are
 * blocked unless the account allows them; abroad only to whitelisted countries (account whitelist,
 * then the call rule's dial plan and whitelist).
 */
export function publicPermission(account: AccountSnap, rule: CallRuleSnap | null, n: PublicNumber): Permission {
  if (n.kind === 'premium' && !account.premiumAllowed) return { allowed: false, reason: `${n.e164} is a premium-rate number, blocked for ${account.name}` };
  const international = n.country !== null && n.country !== account.country;
  if (international && account.intlWhitelist !== null && !account.intlWhitelist.includes(n.country!)) {
    return { allowed: false, reason: `${n.e164} is in ${n.country}, not on ${account.name}'s list of countries it may call` };
  }
  if (rule && !dialPlanAllows(rule.dialPlan, rule.countryWhitelist, account.country, n.country)) {
    return { allowed: false, reason: `The call rule "${rule.name}" (${rule.dialPlan.replace('_', ' ')}) does not allow calls to ${n.country ?? 'this destination'}` };
  }
  return { allowed: true, international };
}
