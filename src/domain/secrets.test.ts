import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashSecret, redact, verifySecret } from './secrets.ts';

test('redact hides secret values and keeps their state', () => {
  const out = redact({ name: 'x', pin: '1234', nested: { password: 'p', authCode: '99' }, pinLocked: true, pinState: 'custom', hasPassword: true, list: [{ token: 't' }] });
  assert.deepEqual(out, { name: 'x', pin: '[redacted]', nested: { password: '[redacted]', authCode: '[redacted]' }, pinLocked: true, pinState: 'custom', hasPassword: true, list: [{ token: '[redacted]' }] });
});

test('argon2id hashes verify only the right secret', async () => {
  const h = await hashSecret('2580');
  assert.match(h, /^\$argon2id\$/);
  assert.equal(await verifySecret(h, '2580'), true);
  assert.equal(await verifySecret(h, '2581'), false);
  assert.equal(await verifySecret('garbage', '2580'), false);
});
