/** Rules of spec §2: accounts, sites, users and extensions. Pure functions, no I/O. */
import { AppError, invalid } from './errors.ts';
import { isCountry } from './phone.ts';

export interface ExtensionRules {
  extMinLength: number;
  extMaxLength: number;
}

/** An extension is 2–6 digits and within the account's length rules (default 3–4). */
export function checkExtension(ext: string, rules: ExtensionRules, field = 'extension'): void {
  if (!/^\d+$/.test(ext)) throw invalid(field, `The extension "${ext}" must contain digits only`);
  if (ext.length < rules.extMinLength || ext.length > rules.extMaxLength) {
    const want = rules.extMinLength === rules.extMaxLength ? `${rules.extMinLength}` : `${rules.extMinLength} to ${rules.extMaxLength}`;
    throw new AppError('extension_length', `The extension "${ext}" has ${ext.length} digits; this account's extensions have ${want} digits`, field);
  }
}

export function checkExtensionRules(min: number, max: number): void {
  if (min < 2 || min > 6) throw invalid('extMinLength', 'Extension length must be between 2 and 6 digits');
  if (max < 2 || max > 6) throw invalid('extMaxLength', 'Extension length must be between 2 and 6 digits');
  if (min > max) throw invalid('extMinLength', 'The shortest extension length cannot exceed the longest');
}

export function checkCountry(c: string, field = 'country'): void {
  if (!isCountry(c)) throw invalid(field, `"${c}" is not an ISO 3166 country code Tandem knows`);
}

export function checkTimeZone(tz: string, field = 'timeZone'): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw invalid(field, `"${tz}" is not an IANA time zone (for example Europe/Berlin)`);
  }
}

export function checkSipDomain(d: string, field = 'sipDomain'): void {
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(d)) throw invalid(field, `"${d}" is not a domain name`);
}

export function checkEmail(e: string, field = 'email'): void {
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e) || e.length > 254) throw invalid(field, `"${e}" is not an e-mail address`);
}

export function checkName(v: string, field: string, label: string): string {
  const t = v.trim();
  if (t.length === 0) throw invalid(field, `${label} cannot be empty`);
  if (t.length > 100) throw invalid(field, `${label} is longer than 100 characters`);
  return t;
}

/** The user limit (spec §2): creating the (limit+1)th user fails. */
export function checkUserLimit(current: number, adding: number, limit: number): void {
  if (current + adding > limit) {
    throw new AppError('user_limit_reached', `The account has ${current} users and its limit is ${limit}; no more users can be added`, null, { limit });
  }
}
