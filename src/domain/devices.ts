/**
 * Devices (handsets, spec §2 "Device", §6): the Phone ID rules and SIP credential generation.
 * Pure functions, no I/O.
 *
 * **Phone ID.** What the handset shows on its screen — for a desk phone its MAC address, for a
 * softphone the ID it displays. Tandem accepts it with or without separators (`:`, `-`, `.`, spaces),
 * in any case, and stores it normalised: upper-case letters and digits only, 6–32 characters. So
 * `00:1a:2b:3c:4d:5e`, `00-1A-2B-3C-4D-5E`, `001a.2b3c.4d5e` and `001A2B3C4D5E` are the same Phone ID,
 * stored as `001A2B3C4D5E`. A Phone ID is unique across the whole platform (one physical phone).
 *
 * **SIP credentials.** The user name is derived from the Phone ID (lower-case), unique in the account
 * because the Phone ID is unique on the platform; the password is 24 random characters (≈138 bits),
 * shown once when created or rotated. Only HA1 for MD5 and SHA-256 is stored (RFC 7616 §3.4.2,
 * RFC 3261 §22.4), with the account's SIP domain as realm.
 */
import { invalid } from './errors.ts';
import { digestHa1 } from './digest.ts';
import { randomString } from './secrets.ts';

export { digestHa1 } from './digest.ts';
export type { DigestAlgorithm } from './digest.ts';

/** Length of a generated SIP password. */
export const SIP_PASSWORD_LENGTH = 24;

/**
 * The stored form of a Phone ID.
 * @throws AppError validation_failed naming `field` when it is not 6–32 letters and digits.
 */
export function normalizePhoneId(input: string, field = 'phoneId'): string {
  const id = input.trim().replace(/[:.\-\s]/g, '').toUpperCase();
  if (!/^[A-Z0-9]{6,32}$/.test(id)) {
    throw invalid(field, `"${input}" is not a Phone ID: use the ID the handset shows (for example its MAC address 00:1A:2B:3C:4D:5E), 6 to 32 letters and digits`);
  }
  return id;
}

/** Like normalizePhoneId, but null instead of an error (for look-ups by a phone itself). */
export function tryNormalizePhoneId(input: string): string | null {
  const id = input.trim().replace(/[:.\-\s]/g, '').toUpperCase();
  return /^[A-Z0-9]{6,32}$/.test(id) ? id : null;
}

/** The SIP user name of a device with this (normalised) Phone ID. */
export const sipUsernameFor = (phoneId: string): string => phoneId.toLowerCase();

export interface SipSecret {
  password: string;
  ha1Md5: string;
  ha1Sha256: string;
}

/** A new random SIP password and its HA1s for `username` in `realm` (the account's SIP domain). */
export function newSipSecret(username: string, realm: string): SipSecret {
  const password = randomString(SIP_PASSWORD_LENGTH);
  return { password, ha1Md5: digestHa1('MD5', username, realm, password), ha1Sha256: digestHa1('SHA-256', username, realm, password) };
}

/** The two display lines a handset shows for its number (spec §3 display name, else the user, else the number). */
export function handsetDisplay(n: { e164: string; line1: string | null; line2: string | null; userName: string | null }): { line1: string; line2: string } {
  if (n.line1 || n.line2) return { line1: n.line1 ?? '', line2: n.line2 ?? '' };
  if (n.userName) return { line1: n.userName, line2: n.e164 };
  return { line1: n.e164, line2: '' };
}
