import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { buildDigestAuthorization, digestHa1, parseDigestChallenge } from '../../domain/digest.ts';
import { parseMessage } from '../message/parser.ts';
import type { SipRequest } from '../message/types.ts';
import type { SipDirectory } from '../registrar/directory.ts';
import { SipAuthenticator } from './authenticator.ts';
import { AuthGuard } from './guard.ts';

const DOMAIN = 'acme.example';
const ACCOUNT = { id: 'acc-1', name: 'Acme', domain: DOMAIN };
const device = (username: string, password: string) => ({
  id: `dev-${username}`, accountId: ACCOUNT.id, phoneId: username.toUpperCase(), username, numberE164: null,
  ha1: { MD5: digestHa1('MD5', username, DOMAIN, password), 'SHA-256': digestHa1('SHA-256', username, DOMAIN, password) },
});
const DEVICES = new Map([['phone1', device('phone1', 'right password 1')]]);
const dir = {
  accountByDomain: (d: string) => (d === DOMAIN ? ACCOUNT : undefined),
  device: (accountId: string, u: string) => (accountId === ACCOUNT.id ? DEVICES.get(u) : undefined),
} as unknown as SipDirectory; // only the two look-ups the authenticator uses

function register(user: string, domain = DOMAIN, authorization?: string): SipRequest {
  const lines = [
    `REGISTER sip:${domain} SIP/2.0`, 'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1', 'Max-Forwards: 70',
    `From: <sip:${user}@${domain}>;tag=1`, `To: <sip:${user}@${domain}>`, 'Call-ID: c1', 'CSeq: 1 REGISTER',
    ...(authorization ? [`Authorization: ${authorization}`] : []), 'Content-Length: 0', '', '',
  ];
  return parseMessage(Buffer.from(lines.join('\r\n'))) as SipRequest;
}

/** Challenge, then answer it with `password` using the challenge of `alg`. */
function answer(auth: SipAuthenticator, user: string, password: string, alg: 'MD5' | 'SHA-256', domain = DOMAIN) {
  const first = auth.authenticate(register(user, domain), '127.0.0.1');
  assert.equal(first.ok, false);
  if (first.ok) throw new Error('unreachable');
  assert.equal(first.status, 401);
  const header = first.headers.find(([, v]) => v.includes(`algorithm=${alg}`))![1];
  const challenge = parseDigestChallenge(header)!;
  const authorization = buildDigestAuthorization(challenge, { method: 'REGISTER', uri: `sip:${domain}`, username: user, password });
  return auth.authenticate(register(user, domain, authorization), '127.0.0.1');
}

test('a challenge offers SHA-256 then MD5 by default (RFC 8760 §2.4), each with qop=auth and a signed nonce', () => {
  const auth = new SipAuthenticator(dir, crypto.randomBytes(32), new AuthGuard());
  const r = auth.authenticate(register('phone1'), '127.0.0.1');
  assert.equal(r.ok, false);
  if (r.ok) return;
  assert.deepEqual(r.headers.map(([n, v]) => [n, /algorithm=([\w-]+)/.exec(v)![1], v.includes('qop="auth"'), v.includes(`realm="${DOMAIN}"`)]), [
    ['WWW-Authenticate', 'SHA-256', true, true], ['WWW-Authenticate', 'MD5', true, true],
  ]);
});

test('the right password authenticates with SHA-256 and with MD5; the device is named', () => {
  const auth = new SipAuthenticator(dir, crypto.randomBytes(32), new AuthGuard());
  for (const alg of ['SHA-256', 'MD5'] as const) {
    const r = answer(auth, 'phone1', 'right password 1', alg);
    assert.equal(r.ok, true, alg);
    if (r.ok) assert.equal(r.device.id, 'dev-phone1');
  }
});

test('a wrong password, an unknown user and an unknown domain all get the same answers (no enumeration)', () => {
  const auth = new SipAuthenticator(dir, crypto.randomBytes(32), new AuthGuard());
  const shape = (r: ReturnType<SipAuthenticator['authenticate']>) => (r.ok ? 'ok' : `${r.status} ${r.reason} ${r.headers.length}`);
  const wrong = answer(auth, 'phone1', 'wrong password', 'MD5');
  const unknownUser = answer(auth, 'nobody', 'whatever', 'MD5');
  const unknownDomain = answer(auth, 'phone1', 'right password 1', 'MD5', 'other.example');
  assert.deepEqual([shape(wrong), shape(unknownUser), shape(unknownDomain)], ['403 Forbidden 0', '403 Forbidden 0', '403 Forbidden 0']);
});

test('MD5-first order is configurable for phones that read only the first challenge', () => {
  const auth = new SipAuthenticator(dir, crypto.randomBytes(32), new AuthGuard(), ['MD5', 'SHA-256']);
  const r = auth.authenticate(register('phone1'), '127.0.0.1');
  assert.ok(!r.ok && /algorithm=MD5/.test(r.headers[0]![1]));
});

test('repeated failures from one address ban it (packets dropped) while the device still authenticates from its own address', () => {
  let now = 1_000_000;
  const guard = new AuthGuard({ throttleAfter: 2, banAfter: 3, userLockAfter: 4, now: () => now });
  const auth = new SipAuthenticator(dir, crypto.randomBytes(32), guard);
  // The device authenticated once from its own address.
  assert.equal(answer(auth, 'phone1', 'right password 1', 'MD5').ok, true);
  const attack = (address: string) => {
    const first = auth.authenticate(register('phone1'), address);
    const header = first.ok ? '' : first.headers.find(([, v]) => v.includes('MD5'))?.[1];
    const challenge = header ? parseDigestChallenge(header) : null;
    const authorization = challenge ? buildDigestAuthorization(challenge, { method: 'REGISTER', uri: `sip:${DOMAIN}`, username: 'phone1', password: 'guess' }) : 'Digest username="phone1", realm="acme.example", nonce="x", uri="sip:acme.example", response="0"';
    return auth.authenticate(register('phone1', DOMAIN, authorization), address);
  };
  const results = [1, 2, 3, 4].map(() => attack('198.51.100.7'));
  assert.deepEqual(results.map((r) => (r.ok ? 'ok' : r.drop ? 'drop' : `${r.status}`)), ['403', '403', '403', 'drop']);
  assert.equal(guard.isBanned('198.51.100.7'), true);
  // The user is now locked for other addresses (4 failures), but not for the device's own.
  assert.deepEqual([attack('203.0.113.9')].map((r) => (r.ok ? 'ok' : r.status)), [403]);
  assert.equal(answer(auth, 'phone1', 'right password 1', 'MD5').ok, true);
  // The ban ends after banSeconds.
  now += 601_000;
  assert.equal(guard.isBanned('198.51.100.7'), false);
});
