/** Hashing of secrets: argon2id for passwords, PINs and authorization codes; SHA-256 for bearer tokens. */
import crypto from 'node:crypto';
import { hash, verify, Algorithm } from '@node-rs/argon2';

// OWASP's argon2id minimum (19 MiB, 2 passes); a PIN or password check stays well under 100 ms.
const ARGON = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export const hashSecret = (secret: string): Promise<string> => hash(secret, ARGON);
export const verifySecret = async (stored: string, secret: string): Promise<boolean> => {
  try {
    return await verify(stored, secret);
  } catch {
    return false;
  }
};

export const newToken = (prefix: string): string => `${prefix}_${crypto.randomBytes(32).toString('base64url')}`;
export const tokenHash = (token: string): string => crypto.createHash('sha256').update(token).digest('hex');

/** A random string over an alphabet without look-alike characters. */
export function randomString(length: number, alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[crypto.randomInt(alphabet.length)];
  return out;
}

/** Keys whose values never reach a log, an audit row or a response after creation. */
const SECRET_KEY = /pin|password|secret|token|ha1|auth_?code|authorization/i;
/** …except fields that only describe a secret's state (`pinLocked`, `hasPassword`). */
const SECRET_STATE = /(state|locked|failures|enabled|set|at)$|^(has|is)[A-Z]/i;
const isSecretKey = (k: string): boolean => SECRET_KEY.test(k) && !SECRET_STATE.test(k);

/** Deep copy with every secret-looking field replaced by "[redacted]". */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) && v !== null && v !== undefined ? '[redacted]' : redact(v);
    return out;
  }
  return value;
}
