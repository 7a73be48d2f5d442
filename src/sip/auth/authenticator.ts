/**
 * Digest authentication of SIP requests from devices (RFC 3261 §22.2–22.4, RFC 8760 SHA-256, RFC 7616).
 * The realm is the account's SIP domain: the Request-URI host for REGISTER (§10.3 step 1), the From
 * host for every other request. Challenges are answered with 401 and one `WWW-Authenticate` per
 * algorithm, the preferred first (RFC 8760 §2.4); nonces are stateless and HMAC-signed
 * (domain/digest.ts).
 *
 * **No enumeration** (issue 5): an unknown domain is challenged exactly like a known one, and an
 * unknown user name gets the same 403 as a wrong password, after the same amount of hashing.
 */
import crypto from 'node:crypto';
import {
  digestResponse, makeNonce, parseDigestAuthorization, verifyDigest, type DigestAlgorithm,
} from '../../domain/digest.ts';
import { isSipUri } from '../message/uri.ts';
import type { SipRequest, Uri } from '../message/types.ts';
import type { AuthGuard } from './guard.ts';
import type { SipAccount, SipDevice, SipDirectory } from '../registrar/directory.ts';

export type AuthResult =
  | { ok: true; account: SipAccount; device: SipDevice }
  /** Answer with this status and headers (401 challenge, 403 refusal); `drop` = send nothing (banned). */
  | { ok: false; status: 401 | 403; reason: string; headers: [string, string][]; drop: boolean };

const hostOf = (u: Uri): string | null => (isSipUri(u) ? u.host : null);

/** The realm a request authenticates in (see the module header). */
export function realmOf(req: SipRequest): string | null {
  return req.method === 'REGISTER' ? hostOf(req.uri) : hostOf(req.from.uri);
}

export class SipAuthenticator {
  constructor(
    private readonly dir: SipDirectory,
    private readonly secret: Buffer,
    private readonly guard: AuthGuard,
    /** Offered in this order (RFC 8760 §2.4: the preferred first). */
    private readonly algorithms: readonly DigestAlgorithm[] = ['SHA-256', 'MD5'],
  ) {}

  /** Authenticates `req` from `address`; see {@link AuthResult}. */
  authenticate(req: SipRequest, address: string): AuthResult {
    const realm = realmOf(req);
    if (realm === null) return this.refuse('The request names no SIP domain to authenticate in', false);
    const header = req.headers.get('Authorization');
    const creds = header ? parseDigestAuthorization(header) : null;
    // No (or a non-Digest, RFC 4475 regaut01) Authorization: challenge. Banned addresses get nothing.
    if (!creds || creds.realm.toLowerCase() !== realm) {
      if (this.guard.isBanned(address)) return { ok: false, status: 403, reason: 'banned', headers: [], drop: true };
      return this.challenge(realm, false);
    }
    const account = this.dir.accountByDomain(realm);
    const device = account ? this.dir.device(account.id, creds.username) : undefined;
    const userKey = `${realm}|${creds.username}`;
    const verdict = this.guard.check(address, userKey);
    if (verdict === 'banned') return { ok: false, status: 403, reason: 'banned', headers: [], drop: true };
    if (verdict === 'throttled') {
      // Refused unchecked, and counted: an address that keeps trying is banned.
      this.guard.failed(address, userKey);
      return this.refuse('Forbidden', false);
    }

    const stored = { username: creds.username, realm: creds.realm, ha1: device?.ha1 ?? { MD5: FAKE_HA1.MD5, 'SHA-256': FAKE_HA1['SHA-256'] } };
    const v = verifyDigest(creds, { method: req.method, uri: req.rawUri }, stored, { secret: this.secret, scope: realm });
    if (v.ok && account && device) {
      this.guard.succeeded(address, userKey);
      return { ok: true, account, device };
    }
    if (!v.ok && v.stale && device) return this.challenge(realm, true);
    this.guard.failed(address, userKey);
    return this.refuse('Forbidden', false);
  }

  private challenge(realm: string, stale: boolean): AuthResult {
    const nonce = makeNonce(this.secret, realm);
    const headers: [string, string][] = this.algorithms.map((alg) => [
      'WWW-Authenticate',
      `Digest realm="${realm}", nonce="${nonce}", algorithm=${alg}, qop="auth"${stale ? ', stale=true' : ''}`,
    ]);
    return { ok: false, status: 401, reason: 'Unauthorized', headers, drop: false };
  }

  private refuse(reason: string, drop: boolean): AuthResult {
    return { ok: false, status: 403, reason, headers: [], drop };
  }
}

/**
 * HA1s that match no password anyone knows: an unknown user is verified against them, so its answer
 * takes the same work as a wrong password (no timing oracle for user names).
 */
const FAKE_HA1: Record<DigestAlgorithm, string> = (() => {
  const r = crypto.randomBytes(16).toString('hex');
  return { MD5: digestResponse('MD5', r, { method: 'X', uri: 'x', nonce: r, nc: '00000001', cnonce: r, qop: 'auth' }), 'SHA-256': crypto.createHash('sha256').update(r).digest('hex') };
})();
