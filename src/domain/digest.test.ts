/** RFC 7616 digest: known vectors, parsing, nonces, verification. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildDigestAuthorization, checkNonce, digestChallenges, digestHa1, digestResponse, makeNonce, parseDigestAuthorization, parseDigestChallenge,
  verifyDigest, NONCE_TTL_MS,
} from './digest.ts';

test('RFC 7616 §3.9.1 example: MD5 and SHA-256 responses', () => {
  const p = { method: 'GET', uri: '/dir/index.html', nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v', nc: '00000001', cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ', qop: 'auth' as const };
  const md5 = digestResponse('MD5', digestHa1('MD5', 'Mufasa', 'http-auth@example.org', 'Circle of Life'), p);
  assert.equal(md5, '8ca523f5e9506fed4657c9700eebdbec');
  const sha = digestResponse('SHA-256', digestHa1('SHA-256', 'Mufasa', 'http-auth@example.org', 'Circle of Life'), p);
  assert.equal(sha, '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
});

test('parses an Authorization header with quoted and token values', () => {
  const c = parseDigestAuthorization('Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, nonce="abc", nc=00000001, cnonce="x,y", qop=auth, response="ff", opaque="o\\"q"');
  assert.deepEqual(c, { username: 'Mufasa', realm: 'http-auth@example.org', nonce: 'abc', uri: '/dir/index.html', response: 'ff', algorithm: 'SHA-256', qop: 'auth', nc: '00000001', cnonce: 'x,y', opaque: 'o"q', userhash: false });
  assert.equal(parseDigestAuthorization('Basic dXNlcjpwYXNz'), null);
  assert.equal(parseDigestAuthorization('Digest username="a", username="b", realm="r", nonce="n", uri="/", response="x"'), null);
  assert.equal(parseDigestAuthorization('Digest username="a", realm="r"'), null);
  assert.equal(parseDigestAuthorization('Digest username="unterminated'), null);
});

test('nonces: signed, scoped, stale after the TTL, refused from the future', () => {
  const secret = Buffer.alloc(32, 7);
  const t = 1_700_000_000_000;
  const n = makeNonce(secret, 'realm\nPHONE', t);
  assert.equal(checkNonce(secret, n, 'realm\nPHONE', t + 1000), 'ok');
  assert.equal(checkNonce(secret, n, 'realm\nOTHER', t + 1000), 'invalid');
  assert.equal(checkNonce(Buffer.alloc(32, 8), n, 'realm\nPHONE', t + 1000), 'invalid');
  assert.equal(checkNonce(secret, n, 'realm\nPHONE', t + NONCE_TTL_MS + 1), 'stale');
  assert.equal(checkNonce(secret, n, 'realm\nPHONE', t - 60_000), 'invalid');
  assert.equal(checkNonce(secret, `${n}x`, 'realm\nPHONE', t), 'invalid');
});

test('a client answer to each challenge verifies; wrong password, uri or qop does not', () => {
  const secret = Buffer.alloc(32, 1);
  const realm = 'acct.example.net';
  const stored = { username: 'phone1', realm, ha1: { MD5: digestHa1('MD5', 'phone1', realm, 'pw-right'), 'SHA-256': digestHa1('SHA-256', 'phone1', realm, 'pw-right') } };
  const challenges = digestChallenges(realm, makeNonce(secret, 'scope'));
  assert.match(challenges[0]!, /algorithm=SHA-256/);
  assert.match(challenges[1]!, /algorithm=MD5/);
  for (const header of challenges) {
    const ch = parseDigestChallenge(header)!;
    assert.deepEqual(ch.qop, ['auth']);
    const ok = parseDigestAuthorization(buildDigestAuthorization(ch, { method: 'GET', uri: '/p/1', username: 'phone1', password: 'pw-right' }))!;
    assert.deepEqual(verifyDigest(ok, { method: 'GET', uri: '/p/1' }, stored, { secret, scope: 'scope' }), { ok: true, algorithm: ch.algorithm });
    const wrong = parseDigestAuthorization(buildDigestAuthorization(ch, { method: 'GET', uri: '/p/1', username: 'phone1', password: 'pw-wrong' }))!;
    assert.equal(verifyDigest(wrong, { method: 'GET', uri: '/p/1' }, stored, { secret, scope: 'scope' }).ok, false);
    assert.equal(verifyDigest(ok, { method: 'GET', uri: '/p/2' }, stored, { secret, scope: 'scope' }).ok, false);
    assert.equal(verifyDigest({ ...ok, qop: null }, { method: 'GET', uri: '/p/1' }, stored, { secret, scope: 'scope' }).ok, false);
    assert.equal(verifyDigest(ok, { method: 'GET', uri: '/p/1' }, stored, { secret, scope: 'other scope' }).ok, false);
  }
});

test('a right answer on an expired nonce is stale, not wrong', () => {
  const secret = Buffer.alloc(32, 2);
  const realm = 'r.example';
  const stored = { username: 'u', realm, ha1: { MD5: digestHa1('MD5', 'u', realm, 'p'), 'SHA-256': digestHa1('SHA-256', 'u', realm, 'p') } };
  const t = Date.now() - NONCE_TTL_MS - 5000;
  const ch = parseDigestChallenge(digestChallenges(realm, makeNonce(secret, 's', t))[0])!;
  const creds = parseDigestAuthorization(buildDigestAuthorization(ch, { method: 'GET', uri: '/', username: 'u', password: 'p' }))!;
  assert.deepEqual(verifyDigest(creds, { method: 'GET', uri: '/' }, stored, { secret, scope: 's' }), { ok: false, stale: true, reason: 'The nonce has expired' });
});
