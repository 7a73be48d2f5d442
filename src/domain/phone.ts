/**
 * Phone numbers: parsing per the account's country into E.164, classification, and the outbound
 * permission check that forwarding shares with dialled calls (spec §4, §9).
 */
import { parsePhoneNumberFromString, type CountryCode, isSupportedCountry } from 'libphonenumber-js/max';
import { AppError } from './errors.ts';

export type LineKind = 'mobile' | 'landline' | 'premium' | 'toll_free' | 'other';

export interface ParsedNumber {
  e164: string;
  country: string | null;
  kind: LineKind;
}

export const isCountry = (c: string): boolean => /^[A-Z]{2}$/.test(c) && isSupportedCountry(c);

/**
 * Parses what a person typed (national or international form) into E.164.
 * @throws AppError invalid_number naming `field` when it is not a valid number.
 */
export function parseNumber(input: string, country: string, field: string): ParsedNumber {
  const raw = input.trim();
  const p = /^[+0-9()\-.\s/]{3,32}$/.test(raw) ? parsePhoneNumberFromString(raw, country as CountryCode) : undefined;
  if (!p || !p.isValid()) {
    throw new AppError('invalid_number', `"${input}" is not a valid phone number for ${country}`, field);
  }
  const t = p.getType();
  const kind: LineKind =
    t === 'MOBILE' ? 'mobile'
    : t === 'FIXED_LINE' ? 'landline'
    : t === 'PREMIUM_RATE' ? 'premium'
    : t === 'TOLL_FREE' ? 'toll_free'
    : 'other';
  return { e164: p.number, country: p.country ?? null, kind };
}

/** True for a string already in E.164 (`+` and 8–15 digits). */
export const isE164 = (s: string): boolean => /^\+[1-9]\d{6,14}$/.test(s);

export interface OutboundPolicy {
  country: string;
  /** ISO countries that may be called abroad; null allows every country. */
  intlWhitelist: string[] | null;
  premiumAllowed: boolean;
}

/**
 * The outbound permission a dialled call and a forward both pass (spec §4: "subject to the same
 * outbound permissions as a dialled call"): premium ranges blocked unless allowed; international only
 * to whitelisted countries.
 */
export function checkOutbound(n: ParsedNumber, policy: OutboundPolicy, field: string): void {
  if (n.kind === 'premium' && !policy.premiumAllowed) {
    throw new AppError('destination_not_allowed', `${n.e164} is a premium-rate number, which this account may not call`, field);
  }
  if (n.country && n.country !== policy.country && policy.intlWhitelist !== null && !policy.intlWhitelist.includes(n.country)) {
    throw new AppError('destination_not_allowed', `${n.e164} is in ${n.country}, which is not on this account's list of countries it may call`, field);
  }
}
