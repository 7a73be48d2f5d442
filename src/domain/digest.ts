/**
 * HTTP Digest access authentication (RFC 7616), the same scheme SIP uses (RFC 3261 §22.4), with the
 * MD5 and SHA-256 algorithms and `qop=auth`. Pure functions, no I/O: the server keeps only
 * HA1 = H(username:realm:password) per credential, never the password, and issues stateless nonces
 * that carry their issue time and are HMAC-signed with a server secret, so any instance holding the
 * secret can check them.
 *
 * Used by device provisioning (spec §6) and meant for the SIP registrar too.
 */
import crypto from 'node:crypto';

export type DigestAlgorithm = 'MD5' | 'SHA-256';
export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['SHA-256', 'MD5'];

/** How long a nonce is accepted after it was issued; older ones answer `stale=true` (RFC 7616 §3.3). */
export const NONCE_TTL_MS = 5 * 60_000;
/** Clock skew tolerated between instances for a nonce "from the future". */
const NONCE_SKEW_MS = 30_000;

const quote = (s: string): string => `"${s.replace(/(["\\])/g, '\\$1')}"`;

const nodeHash = (alg: DigestAlgorithm): string => (alg === 'MD5' ? 'md5' : 'sha256');

// One-shot hashing (Node ≥ 20.12) where available: a third of the cost of a Hash object per call.
const oneShot = (crypto as { hash?: (alg: string, data: string, enc: 'hex') => string }).hash;

/** H(data) of RFC 7616 §3.4.1: the lower-case hex digest. */
export const digestHash = (alg: DigestAlgorithm, data: string): string =>
  oneShot ? oneShot(nodeHash(alg), data, 'hex') : crypto.createHash(nodeHash(alg)).update(data, 'utf8').digest('hex');

/** HA1 = H(username ":" realm ":" password) (RFC 7616 §3.4.2, RFC 3261 §22.4): what the server stores. */
export const digestHa1 = (alg: DigestAlgorithm, username: string, realm: string, password: string): string =>
  digestHash(alg, `${username}:${realm}:${password}`);

/** The parameters of an `Authorization: Digest …` header (RFC 7616 §3.4). */
export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm: string;
  qop: string | null;
  nc: string | null;
  cnonce: string | null;
  opaque: string | null;
  userhash: boolean;
}

/**
 * Parses the auth-params after `Digest ` (token or quoted-string values, RFC 7235 §2.1), keys
 * lower-cased. Null when the scheme is not Digest, the syntax is broken or a parameter repeats.
 */
function parseDigestParams(header: string | undefined): Map<string, string> | null {
  if (!header) return null;
  const m = /^\s*Digest\s+/i.exec(header);
  if (!m) return null;
  const params = new Map<string, string>();
  const s = header.slice(m[0].length);
  let i = 0;
  const skipSpace = (): void => {
    while (i < s.length && /\s/.test(s[i]!)) i++;
  };
  for (;;) {
    skipSpace();
    if (i >= s.length) break;
    const key = /^[A-Za-z0-9_-]+/.exec(s.slice(i))?.[0];
    if (!key) return null;
    i += key.length;
    skipSpace();
    if (s[i] !== '=') return null;
    i++;
    skipSpace();
    let value = '';
    if (s[i] === '"') {
      i++;
      for (;;) {
        if (i >= s.length) return null; // unterminated quoted-string
        const c = s[i++]!;
        if (c === '"') break;
        value += c === '\\' && i < s.length ? s[i++]! : c;
      }
    } else {
      const tok = /^[^\s,"]*/.exec(s.slice(i))![0];
      value = tok;
      i += tok.length;
    }
    const k = key.toLowerCase();
    if (params.has(k)) return null; // a repeated parameter is ambiguous: refuse it
    params.set(k, value);
    skipSpace();
    if (i >= s.length) break;
    if (s[i] !== ',') return null;
    i++;
  }
  return params;
}

/** Parses an `Authorization: Digest …` header (RFC 7616 §3.4); null for Basic, Bearer or a malformed one. */
export function parseDigestAuthorization(header: string | undefined): DigestCredentials | null {
  const params = parseDigestParams(header);
  if (!params) return null;
  const get = (k: string): string | null => params.get(k) ?? null;
  const username = get('username');
  const realm = get('realm');
  const nonce = get('nonce');
  const uri = get('uri');
  const response = get('response');
  if (username === null || realm === null || nonce === null || uri === null || response === null) return null;
  return {
    username, realm, nonce, uri, response,
    algorithm: get('algorithm') ?? 'MD5', // RFC 7616 §3.4: absent means MD5
    qop: get('qop'), nc: get('nc'), cnonce: get('cnonce'), opaque: get('opaque'),
    userhash: (get('userhash') ?? 'false').toLowerCase() === 'true',
  };
}

/** A `WWW-Authenticate: Digest …` challenge (RFC 7616 §3.3). */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  algorithm: string;
  qop: string[];
  opaque: string | null;
  stale: boolean;
}

export function parseDigestChallenge(header: string | undefined): DigestChallenge | null {
  const params = parseDigestParams(header);
  const realm = params?.get('realm');
  const nonce = params?.get('nonce');
  if (!params || realm === undefined || nonce === undefined) return null;
  return {
    realm, nonce,
    algorithm: params.get('algorithm') ?? 'MD5',
    qop: (params.get('qop') ?? '').split(',').map((q) => q.trim()).filter(Boolean),
    opaque: params.get('opaque') ?? null,
    stale: (params.get('stale') ?? '').toLowerCase() === 'true',
  };
}

/**
 * The client side (a phone, or Tandem registering to a carrier trunk): the `Authorization` header
 * answering a challenge with qop=auth (RFC 7616 §3.4).
 */
export function buildDigestAuthorization(
  challenge: DigestChallenge,
  req: { method: string; uri: string; username: string; password: string; nc?: number; cnonce?: string },
): string {
  const alg = DIGEST_ALGORITHMS.find((a) => a.toLowerCase() === challenge.algorithm.toLowerCase());
  if (!alg) throw new Error(`unsupported digest algorithm ${challenge.algorithm}`);
  const nc = (req.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = req.cnonce ?? crypto.randomBytes(12).toString('hex');
  const ha1 = digestHa1(alg, req.username, challenge.realm, req.password);
  const response = digestResponse(alg, ha1, { method: req.method, uri: req.uri, nonce: challenge.nonce, nc, cnonce, qop: 'auth' });
  return `Digest username=${quote(req.username)}, realm=${quote(challenge.realm)}, nonce=${quote(challenge.nonce)}, uri=${quote(req.uri)}, ` +
    `algorithm=${alg}, qop=auth, nc=${nc}, cnonce=${quote(cnonce)}, response=${quote(response)}` +
    (challenge.opaque !== null ? `, opaque=${quote(challenge.opaque)}` : '');
}

/**
 * The expected `response` for qop=auth (RFC 7616 §3.4.1):
 * H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" H(method ":" uri)).
 */
export function digestResponse(alg: DigestAlgorithm, ha1: string, p: { method: string; uri: string; nonce: string; nc: string; cnonce: string; qop: 'auth' }): string {
  return digestHash(alg, `${ha1}:${p.nonce}:${p.nc}:${p.cnonce}:${p.qop}:${ha2Of(alg, p.method, p.uri)}`);
}

/**
 * HA2 = H(method ":" uri) for qop=auth, remembered: a server sees the same few (REGISTER to its
 * domains, INVITE to a handful of URIs) over and over, so verifying a response costs one hash.
 * Bounded; forgotten all at once when full.
 */
const ha2Memo = new Map<string, string>();
const HA2_MEMO_MAX = 10_000;
function ha2Of(alg: DigestAlgorithm, method: string, uri: string): string {
  const key = `${alg} ${method}:${uri}`;
  let h = ha2Memo.get(key);
  if (h === undefined) {
    h = digestHash(alg, `${method}:${uri}`);
    if (ha2Memo.size >= HA2_MEMO_MAX) ha2Memo.clear();
    ha2Memo.set(key, h);
  }
  return h;
}

// Nonce randomness drawn from a pooled buffer: one CSPRNG call per 4 KiB instead of one per nonce.
const noncePool = Buffer.alloc(4096);
let noncePoolPos = noncePool.length;
function nonceRandom(): string {
  if (noncePoolPos + 12 > noncePool.length) {
    crypto.randomFillSync(noncePool);
    noncePoolPos = 0;
  }
  const r = noncePool.toString('base64url', noncePoolPos, noncePoolPos + 12);
  noncePoolPos += 12;
  return r;
}

const hmac = (secret: Buffer, data: string): string => crypto.createHmac('sha256', secret).update(data).digest('base64url');

/**
 * A stateless nonce: `<issued ms, base36>.<random>.<HMAC(secret, issued.random.scope)>`. `scope` binds
 * the nonce to what it was issued for (e.g. the realm and Phone ID), so it cannot be reused elsewhere.
 */
export function makeNonce(secret: Buffer, scope: string, now: number = Date.now()): string {
  const head = `${now.toString(36)}.${nonceRandom()}`;
  return `${head}.${hmac(secret, `${head}.${scope}`)}`;
}

/** 'ok', 'stale' (signed by us but too old: the client retries with a fresh one) or 'invalid'. */
export function checkNonce(secret: Buffer, nonce: string, scope: string, now: number = Date.now(), ttlMs = NONCE_TTL_MS): 'ok' | 'stale' | 'invalid' {
  const parts = nonce.split('.');
  if (parts.length !== 3) return 'invalid';
  const [ts, rnd, sig] = parts as [string, string, string];
  const expected = Buffer.from(hmac(secret, `${ts}.${rnd}.${scope}`));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return 'invalid';
  const issued = parseInt(ts, 36);
  if (!Number.isFinite(issued) || issued > now + NONCE_SKEW_MS) return 'invalid';
  return now - issued > ttlMs ? 'stale' : 'ok';
}

/** What the verifier knows about the credential: its user name, realm and stored HA1s. */
export interface StoredDigestCredential {
  username: string;
  realm: string;
  ha1: Record<DigestAlgorithm, string>;
}

export type DigestVerdict = { ok: true; algorithm: DigestAlgorithm } | { ok: false; stale: boolean; reason: string };

/**
 * Verifies a Digest `Authorization` against the stored HA1 (RFC 7616 §3.4, §3.5): known algorithm,
 * qop=auth with nc and cnonce, the same realm and user name, a nonce we issued for this scope, the
 * request-URI the client signed equal to the one requested, and the response in constant time.
 */
export function verifyDigest(
  creds: DigestCredentials,
  req: { method: string; uri: string },
  stored: StoredDigestCredential,
  nonce: { secret: Buffer; scope: string; now?: number },
): DigestVerdict {
  const alg = DIGEST_ALGORITHMS.find((a) => a.toLowerCase() === creds.algorithm.toLowerCase());
  if (!alg) return { ok: false, stale: false, reason: `The digest algorithm ${creds.algorithm} is not supported; use SHA-256 or MD5` };
  if (creds.userhash) return { ok: false, stale: false, reason: 'userhash is not supported' };
  if (creds.qop !== 'auth' || !creds.nc || !creds.cnonce || !/^[0-9a-f]{8}$/i.test(creds.nc)) {
    return { ok: false, stale: false, reason: 'The digest must use qop=auth with nc and cnonce' };
  }
  if (creds.realm !== stored.realm || creds.username !== stored.username) return { ok: false, stale: false, reason: 'Wrong user name or realm' };
  if (creds.uri !== req.uri) return { ok: false, stale: false, reason: 'The digest uri does not match the request' };
  const n = checkNonce(nonce.secret, creds.nonce, nonce.scope, nonce.now);
  if (n === 'invalid') return { ok: false, stale: false, reason: 'The nonce was not issued by this server' };
  const expected = Buffer.from(digestResponse(alg, stored.ha1[alg], { method: req.method, uri: req.uri, nonce: creds.nonce, nc: creds.nc, cnonce: creds.cnonce, qop: 'auth' }));
  const given = Buffer.from(creds.response.toLowerCase());
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return { ok: false, stale: false, reason: 'Wrong credentials' };
  // A correct response on an expired nonce: the client knows the password; it retries with a new nonce.
  if (n === 'stale') return { ok: false, stale: true, reason: 'The nonce has expired' };
  return { ok: true, algorithm: alg };
}

/**
 * The `WWW-Authenticate` challenges, one per algorithm, the preferred (SHA-256) first (RFC 7616 §3.7).
 */
export function digestChallenges(realm: string, nonce: string, stale = false): string[] {
  return DIGEST_ALGORITHMS.map((alg) =>
    `Digest realm=${quote(realm)}, qop="auth", algorithm=${alg}, nonce=${quote(nonce)}${stale ? ', stale=true' : ''}`);
}
