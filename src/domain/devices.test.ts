/** Phone ID normalisation and SIP credential generation (spec §2 "Device", §6). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from './errors.ts';
import { digestHa1, handsetDisplay, newSipSecret, normalizePhoneId, sipUsernameFor, tryNormalizePhoneId, SIP_PASSWORD_LENGTH } from './devices.ts';

test('a Phone ID is accepted with or without separators, stored upper-case without them', () => {
  for (const v of ['00:1a:2b:3c:4d:5e', '00-1A-2B-3C-4D-5E', '001a.2b3c.4d5e', ' 001A2B3C4D5E ', '00 1a 2b 3c 4d 5e']) assert.equal(normalizePhoneId(v), '001A2B3C4D5E');
  assert.equal(normalizePhoneId('softphone7'), 'SOFTPHONE7');
});

test('a Phone ID that is too short, too long or has other characters is refused naming the field', () => {
  for (const v of ['12345', 'A'.repeat(33), '00:1A:2B:3C:4D:5G!', '']) {
    assert.throws(() => normalizePhoneId(v), (e: unknown) => e instanceof AppError && e.code === 'validation_failed' && e.field === 'phoneId');
    assert.equal(tryNormalizePhoneId(v), null);
  }
});

test('SIP credentials: user name from the Phone ID, long random password, HA1 = H(user:realm:password)', () => {
  const username = sipUsernameFor('001A2B3C4D5E');
  assert.equal(username, '001a2b3c4d5e');
  const a = newSipSecret(username, 'acct.example.net');
  const b = newSipSecret(username, 'acct.example.net');
  assert.equal(a.password.length, SIP_PASSWORD_LENGTH);
  assert.ok(SIP_PASSWORD_LENGTH >= 20);
  assert.notEqual(a.password, b.password);
  assert.equal(a.ha1Md5, digestHa1('MD5', username, 'acct.example.net', a.password));
  assert.match(a.ha1Md5, /^[0-9a-f]{32}$/);
  assert.match(a.ha1Sha256, /^[0-9a-f]{64}$/);
  // RFC 2617 §3.5 example: HA1 of Mufasa:testrealm@host.com:Circle Of Life
  assert.equal(digestHa1('MD5', 'Mufasa', 'testrealm@host.com', 'Circle Of Life'), '939e7578ed9e3c518a452acee763bce9');
});

test('handset display: display name, else user and number, else the number', () => {
  assert.deepEqual(handsetDisplay({ e164: '+4930123', line1: 'Reception', line2: null, userName: 'Ada L' }), { line1: 'Reception', line2: '' });
  assert.deepEqual(handsetDisplay({ e164: '+4930123', line1: null, line2: null, userName: 'Ada L' }), { line1: 'Ada L', line2: '+4930123' });
  assert.deepEqual(handsetDisplay({ e164: '+4930123', line1: null, line2: null, userName: null }), { line1: '+4930123', line2: '' });
});
