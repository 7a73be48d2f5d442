/**
 * The dialling grammar and the shapes of a dialled string (spec §9 outbound, issue 4 "Dialling
 * grammar, strict"). Pure, no I/O.
 *
 * **Grammar**: only ASCII digits `0-9`, `*` and `#`, with one optional `+` as the very first
 * character, which must be followed by a digit; 1 to {@link MAX_DIALLED} characters in all.
 * Everything else never routes: letters, URIs (`sip:…`, `…@host`), URI parameters (`;user=phone`),
 * `&`, spaces and other whitespace, control characters, non-ASCII digits (Arabic-Indic `١٢٣`,
 * full-width `１２３`, …) and anything longer than {@link MAX_DIALLED}.
 *
 * **SIP status of a refusal** (documented choice):
 * - **484 Address Incomplete** (RFC 3261 §21.4.22) for what is a *beginning* of a valid dial
 *   string: the empty string and a lone `+`. The phone may collect more digits and try again.
 * - **404 Not Found** (RFC 3261 §21.4.5) for every malformed string (a character outside the
 *   grammar, `+` anywhere but first, over-long): no destination of that form can exist. Not 400,
 *   which would claim the SIP request itself is malformed — it is not, only the dialled string is.
 * A refused string never has a destination.
 */
import { memoByKey } from './memo.ts';
import { parsePhoneNumberFromString, validatePhoneNumberLength, type CountryCode } from 'libphonenumber-js/max';

/** At most this many characters, `+` included (E.164 has at most 15 digits; `<main>*<ext>` and feature codes fit). */
export const MAX_DIALLED = 32;

/** The whole grammar: an optional leading `+` followed by a digit, then digits, `*`, `#`. */
export const DIAL_RE = /^(?:\+[0-9][0-9*#]*|[0-9*#]+)$/;

export type GrammarResult = { ok: true; dialled: string } | { ok: false; sipStatus: 404 | 484; reason: string };

/** Describes an offending character for a refusal sentence (code point, never the raw control character). */
function describeChar(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return cp >= 0x21 && cp <= 0x7e ? `"${ch}" (${hex})` : hex;
}

/**
 * Checks a dialled string against the grammar. Never throws, whatever the input (an input that is
 * not a string at all is refused too, so a malformed SIP message cannot crash the engine).
 */
export function checkGrammar(input: unknown): GrammarResult {
  if (typeof input !== 'string') return { ok: false, sipStatus: 404, reason: 'The dialled address is not a string of digits' };
  if (input === '') return { ok: false, sipStatus: 484, reason: 'Nothing was dialled' };
  if (input === '+') return { ok: false, sipStatus: 484, reason: 'Only "+" was dialled; an international number follows it' };
  if (input.length <= MAX_DIALLED && DIAL_RE.test(input)) return { ok: true, dialled: input };
  // Find the first offending character for the sentence (iterating code points, not UTF-16 units).
  let i = 0;
  for (const ch of input) {
    const allowed = /[0-9*#]/.test(ch) || (ch === '+' && i === 0);
    if (!allowed) {
      return ch === '+'
        ? { ok: false, sipStatus: 404, reason: `"+" may only start the dialled string (it was at position ${i + 1})` }
        : { ok: false, sipStatus: 404, reason: `The dialled string contains ${describeChar(ch)} at position ${i + 1}; only the digits 0-9, "*", "#" and a leading "+" can be dialled` };
    }
    i++;
  }
  // Every character is allowed (all ASCII, so length counts characters): too long, or "+" then "*"/"#".
  if (input.length > MAX_DIALLED) return { ok: false, sipStatus: 404, reason: `The dialled string has ${input.length} characters; at most ${MAX_DIALLED} can be dialled` };
  return { ok: false, sipStatus: 404, reason: 'A digit must follow the leading "+"' };
}

/** Digits only (no `+`, `*`, `#`). */
export const isDigits = (s: string): boolean => /^[0-9]+$/.test(s);

/**
 * The E.164 form of what was dialled, for on-net lookups (spec §9 "numbers owned by …"): `+digits`
 * as is; national or international digits parsed for `country`. No validity check — the snapshot
 * decides whether a number is ours; the public network step validates with `toPublicNumber`.
 */
function parseE164(dialled: string, country: string): string | null {
  if (/^\+[0-9]{2,15}$/.test(dialled)) return dialled;
  if (!isDigits(dialled)) return null;
  try {
    const p = parsePhoneNumberFromString(dialled, country as CountryCode);
    return p ? p.number : null;
  } catch {
    // libphonenumber rejects an unknown country by throwing; such an account has no national form.
    return null;
  }
}

/** Whether `dialled` is too short to be a number of `country` (so more digits would complete it). */
function tooShort(dialled: string, country: string): boolean {
  if (!/^\+?[0-9]+$/.test(dialled)) return false;
  try {
    return validatePhoneNumberLength(dialled, country as CountryCode) === 'TOO_SHORT';
  } catch {
    return false;
  }
}

/** `<main number>*<extension>` (spec §8): the main number in national or E.164 form, then the extension. */
export function splitMainStarExt(dialled: string): { main: string; extension: string } | null {
  const m = /^(\+?[0-9]+)\*([0-9]+)$/.exec(dialled);
  return m ? { main: m[1]!, extension: m[2]! } : null;
}

/**
 * The feature codes (spec §9 "feature codes (`*…`)"), a deliberately small table. A code acts on the
 * caller's own number; the SIP layer performs it (e.g. applies a forward through the features
 * service, which checks the destination against the same outbound permissions as a dialled call).
 *
 * | dialled            | code        | what it does                               |
 * |--------------------|-------------|--------------------------------------------|
 * | `*97`              | `*97`       | the caller's own voicemail box              |
 * | `*21*<number>[#]`  | `*21*`      | forward always on, to `<number>`            |
 * | `*21`              | `*21`       | forward always off                          |
 * | `*78`              | `*78`       | do not disturb on                           |
 * | `*79`              | `*79`       | do not disturb off                          |
 */
export const FEATURE_CODES: readonly { code: string; name: string; argument: boolean }[] = [
  { code: '*97', name: 'voicemail', argument: false },
  { code: '*21*', name: 'forward always on', argument: true },
  { code: '*21', name: 'forward always off', argument: false },
  { code: '*78', name: 'do not disturb on', argument: false },
  { code: '*79', name: 'do not disturb off', argument: false },
];

export type FeatureCode = { code: string; name: string; argument: string | null };

/**
 * Matches a `*…` string against {@link FEATURE_CODES}: an exact code, or a code taking an argument
 * followed by a number (`+` optional, then digits, an optional closing `#`). Null when no code matches.
 */
export function parseFeatureCode(dialled: string): FeatureCode | null {
  for (const f of FEATURE_CODES) {
    if (!f.argument) {
      if (dialled === f.code) return { code: f.code, name: f.name, argument: null };
      continue;
    }
    if (!dialled.startsWith(f.code)) continue;
    const m = /^(\+?[0-9]{2,15})#?$/.exec(dialled.slice(f.code.length));
    if (m) return { code: f.code, name: f.name, argument: m[1]! };
  }
  return null;
}

const byCountry = (d: string, c: string): string => `${c}|${d}`;
/** {@link parseE164}, memoised. */
export const toE164 = memoByKey(parseE164, byCountry);
/** {@link tooShort}, memoised. */
export const isTooShortNumber = memoByKey(tooShort, byCountry);
