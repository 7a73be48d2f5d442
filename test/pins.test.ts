/** Spec §5 PINs through the API: default and custom PIN, weak PINs, locking after 3 failures, reset. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { accountSnapshot, activeNumbers, harness, makeAccount, makeUser, type Harness, type TenantFixture } from './support/harness.ts';
import { verifyPin } from '../src/services/pins.ts';
import { AppError } from '../src/domain/errors.ts';

let h: Harness;
let a: TenantFixture;
before(async () => {
  h = await harness();
  a = await makeAccount(h);
});
after(async () => h.close());

/** An active number assigned to a new user; returns both and the default PIN (as an admin sees it). */
async function assigned(): Promise<{ id: string; e164: string; user: Awaited<ReturnType<typeof makeUser>>; defaultPin: string }> {
  const [n] = await activeNumbers(h, a, 1);
  const user = await makeUser(h, a);
  const r = await h.call('PUT', `/v1/numbers/${n!.id}/assignment`, { token: a.adminToken, body: { userId: user.id } });
  assert.equal(r.status, 200, r.text);
  const pin = await h.call('GET', `/v1/numbers/${n!.id}/pin`, { token: a.adminToken });
  return { id: n!.id, e164: n!.e164, user, defaultPin: pin.body.defaultPin as string };
}

// Long enough that it cannot appear by chance inside ids or timestamps of the texts searched below.
const CUSTOM = '86420975';

describe('PIN', () => {
  test('the default PIN is shown to admins only', async () => {
    const n = await assigned();
    const admin = await h.call('GET', `/v1/numbers/${n.id}/pin`, { token: a.adminToken });
    assert.equal(admin.status, 200);
    assert.match(admin.body.defaultPin, /^\d{6}$/);
    assert.deepEqual({ ...admin.body, defaultPin: undefined }, { state: 'default', locked: false, failures: 0, defaultPin: undefined });
    const user = await h.call('GET', `/v1/numbers/${n.id}/pin`, { token: n.user.token });
    assert.equal(user.status, 200);
    assert.deepEqual(user.body, { state: 'default', locked: false, failures: 0, defaultPin: null });
    assert.ok(!user.text.includes(n.defaultPin));
    const other = await makeUser(h, a);
    assert.equal((await h.call('GET', `/v1/numbers/${n.id}/pin`, { token: other.token })).status, 404);
  });

  test('the default PIN verifies but asks for a custom PIN', async () => {
    const n = await assigned();
    const r = await h.call('POST', `/v1/numbers/${n.id}/pin/verify`, { token: n.user.token, body: { pin: n.defaultPin } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { ok: true, changeRequired: true });
  });

  test('weak custom PINs are refused without costing an attempt', async () => {
    const n = await assigned();
    const tail = n.e164.slice(-4);
    const snap = await accountSnapshot(h, a.accountId);
    for (const weak of ['1111', '1234', '4321', n.user.extension!, tail, n.defaultPin]) {
      const r = await h.call('PUT', `/v1/numbers/${n.id}/pin`, { token: n.user.token, body: { currentPin: n.defaultPin, newPin: weak } });
      assert.equal(r.status, 400, `${weak}: ${r.text}`);
      assert.equal(r.body.code, 'pin_weak', weak);
      assert.equal(r.body.field, 'newPin');
    }
    const short = await h.call('PUT', `/v1/numbers/${n.id}/pin`, { token: n.user.token, body: { currentPin: n.defaultPin, newPin: '12a' } });
    assert.equal(short.status, 400);
    assert.equal(short.body.field, 'newPin');
    assert.equal(await accountSnapshot(h, a.accountId), snap);
  });

  test('only the assigned user sets the custom PIN; it is never returned or logged', async () => {
    const n = await assigned();
    const other = await makeUser(h, a);
    const snap = await accountSnapshot(h, a.accountId);
    const byAdmin = await h.call('PUT', `/v1/numbers/${n.id}/pin`, { token: a.adminToken, body: { currentPin: n.defaultPin, newPin: CUSTOM } });
    assert.equal(byAdmin.status, 403);
    const byOther = await h.call('PUT', `/v1/numbers/${n.id}/pin`, { token: other.token, body: { currentPin: n.defaultPin, newPin: CUSTOM } });
    assert.equal(byOther.status, 404);
    assert.equal(await accountSnapshot(h, a.accountId), snap);

    const r = await h.call('PUT', `/v1/numbers/${n.id}/pin`, { token: n.user.token, body: { currentPin: n.defaultPin, newPin: CUSTOM } });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { state: 'custom', locked: false, failures: 0, defaultPin: null });
    const stored = await h.db.owner((sql) => sql.query<{ pin_hash: string }>(`SELECT pin_hash FROM numbers WHERE id = $1`, [n.id]));
    assert.match(stored[0]!.pin_hash, /^\$argon2id\$/);

    const adminPin = await h.call('GET', `/v1/numbers/${n.id}/pin`, { token: a.adminToken });
    assert.deepEqual(adminPin.body, { state: 'custom', locked: false, failures: 0, defaultPin: null }, 'no default PIN once a custom one is set');
    const texts = [
      r.text, adminPin.text,
      (await h.call('GET', `/v1/numbers/${n.id}/pin`, { token: n.user.token })).text,
      (await h.call('GET', `/v1/numbers/${n.id}`, { token: a.adminToken })).text,
      (await h.call('GET', `/v1/numbers/${n.id}`, { token: n.user.token })).text,
      (await h.call('GET', `/v1/audit?limit=500`, { token: a.adminToken })).text,
    ];
    for (const t of texts) {
      assert.ok(!t.includes(CUSTOM), t);
      assert.ok(!t.includes('argon2'), t);
    }
    const audit = await h.call('GET', `/v1/audit?action=number.pin.set&targetId=${n.id}`, { token: a.adminToken });
    assert.equal(audit.body.items.length, 1);

    // The custom PIN now verifies without a change being required; the default no longer does.
    const ok = await h.call('POST', `/v1/numbers/${n.id}/pin/verify`, { token: n.user.token, body: { pin: CUSTOM } });
    assert.deepEqual(ok.body, { ok: true, changeRequired: false });
    const old = await h.call('POST', `/v1/numbers/${n.id}/pin/verify`, { token: n.user.token, body: { pin: n.defaultPin } });
    assert.equal(old.status, 403);
    assert.equal(old.body.code, 'pin_wrong');
  });

  test('a wrong current PIN when changing counts as a failed attempt and persists', async () => {
    const n = await assigned();
    const r = await h.call('PUT', `/v1/numbers/${n.id}/pin`, { token: n.user.token, body: { currentPin: '97531', newPin: CUSTOM } });
    assert.equal(r.status, 403);
    assert.equal(r.body.code, 'pin_wrong');
    assert.equal(r.body.field, 'currentPin');
    assert.equal(r.body.attemptsLeft, 2);
    const state = await h.call('GET', `/v1/numbers/${n.id}/pin`, { token: n.user.token });
    assert.equal(state.body.failures, 1);
    assert.equal(state.body.state, 'default');
    // A success resets the count.
    const ok = await h.call('PUT', `/v1/numbers/${n.id}/pin`, { token: n.user.token, body: { currentPin: n.defaultPin, newPin: CUSTOM } });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.failures, 0);
  });

  test('the 3rd wrong PIN locks; even the right PIN is refused until an admin reset restores the default', async () => {
    const n = await assigned();
    assert.equal((await h.call('PUT', `/v1/numbers/${n.id}/pin`, { token: n.user.token, body: { currentPin: n.defaultPin, newPin: CUSTOM } })).status, 200);
    const verify = (pin: string) => h.call('POST', `/v1/numbers/${n.id}/pin/verify`, { token: n.user.token, body: { pin } });
    const w1 = await verify('13579');
    assert.equal(w1.status, 403);
    assert.deepEqual([w1.body.code, w1.body.field, w1.body.attemptsLeft], ['pin_wrong', 'pin', 2]);
    const w2 = await verify('24680');
    assert.deepEqual([w2.status, w2.body.code, w2.body.attemptsLeft], [403, 'pin_wrong', 1]);
    const w3 = await verify('97531');
    assert.equal(w3.status, 423);
    assert.equal(w3.body.code, 'pin_locked');
    const right = await verify(CUSTOM);
    assert.equal(right.status, 423);
    assert.equal(right.body.code, 'pin_locked');
    const change = await h.call('PUT', `/v1/numbers/${n.id}/pin`, { token: n.user.token, body: { currentPin: CUSTOM, newPin: '7391' } });
    assert.equal(change.status, 423);
    const state = await h.call('GET', `/v1/numbers/${n.id}/pin`, { token: a.adminToken });
    assert.deepEqual(state.body, { state: 'custom', locked: true, failures: 3, defaultPin: null });

    assert.equal((await h.call('POST', `/v1/numbers/${n.id}/pin/reset`, { token: n.user.token })).status, 403, 'users cannot reset');
    const reset = await h.call('POST', `/v1/numbers/${n.id}/pin/reset`, { token: a.adminToken });
    assert.equal(reset.status, 200);
    assert.deepEqual(reset.body, { state: 'default', locked: false, failures: 0, defaultPin: n.defaultPin });
    assert.deepEqual((await verify(n.defaultPin)).body, { ok: true, changeRequired: true });
    assert.equal((await verify(CUSTOM)).body.code, 'pin_wrong', 'the old custom PIN is gone');
  });

  test('verifyPin (voice portal, handset sign-in) counts attempts the same way', async () => {
    const n = await assigned();
    await assert.rejects(verifyPin(h.services, a.accountId, n.id, '13579'), (e: unknown) => e instanceof AppError && e.code === 'pin_wrong' && e.extra.attemptsLeft === 2);
    assert.deepEqual(await verifyPin(h.services, a.accountId, n.id, n.defaultPin), { ok: true, changeRequired: true });
    const state = await h.call('GET', `/v1/numbers/${n.id}/pin`, { token: a.adminToken });
    assert.equal(state.body.failures, 0);
    await assert.rejects(verifyPin(h.services, a.accountId, '0190c0de-0000-7000-8000-000000000000', n.defaultPin), (e: unknown) => e instanceof AppError && e.code === 'not_found');
  });
});
