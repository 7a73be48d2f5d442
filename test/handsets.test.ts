/**
 * Handset login and logout (spec §6): one number per handset and one handset per number, the number
 * passing through pending to active when the phone fetches its configuration with HTTP Digest, and
 * the rollback of logins the phone never completes.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { accountSnapshot, activeNumbers, allocate, harness, makeAccount, makeUser, nextNumber, uniq, type Harness, type TenantFixture } from './support/harness.ts';
import { buildDigestAuthorization, parseDigestChallenge, type DigestAlgorithm } from '../src/domain/digest.ts';
import { rollbackStaleHandsetLogins } from '../src/services/handsets.ts';

let h: Harness;
let a: TenantFixture;
before(async () => {
  h = await harness();
  a = await makeAccount(h);
});
after(async () => h.close());

const mac = (): string => `00:04:13:${String(uniq()).padStart(6, '0').replace(/(..)(..)(..)/, '$1:$2:$3')}`;

interface Phone {
  id: string;
  phoneId: string;
  name: string;
  username: string;
  password: string;
}

async function makePhone(t: TenantFixture, over: { siteId?: string; name?: string } = {}): Promise<Phone> {
  const name = over.name ?? `Desk ${uniq()}`;
  const r = await h.call('POST', '/v1/devices', { token: t.adminToken, body: { siteId: over.siteId ?? t.siteId, phoneId: mac(), name } });
  assert.equal(r.status, 201, r.text);
  return { id: r.body.device.id, phoneId: r.body.device.phoneId, name, username: r.body.credentials.username, password: r.body.credentials.password };
}

/** What a phone does: GET, read the 401 challenge, answer it with its credentials. */
async function phoneFetch(p: Phone, opts: { password?: string; alg?: DigestAlgorithm; path?: string } = {}) {
  const url = `/v1/provisioning/${opts.path ?? p.phoneId}`;
  const first = await h.call('GET', url);
  assert.equal(first.status, 401, first.text);
  const raw = first.headers['www-authenticate'];
  const ch = ((Array.isArray(raw) ? raw : [raw]) as string[]).map((c) => parseDigestChallenge(c)!).find((c) => c.algorithm === (opts.alg ?? 'SHA-256'))!;
  return h.call('GET', url, { headers: { authorization: buildDigestAuthorization(ch, { method: 'GET', uri: url, username: p.username, password: opts.password ?? p.password }) } });
}

async function numberRow(id: string) {
  return (await h.db.owner((sql) => sql.query<{ status: string; pending_action: string | null; pending_since: string | null }>(`SELECT status, pending_action, pending_since FROM numbers WHERE id = $1`, [id])))[0]!;
}

async function deviceNumber(deviceId: string): Promise<string | null> {
  return (await h.db.owner((sql) => sql.query<{ number_id: string | null }>(`SELECT number_id FROM devices WHERE id = $1`, [deviceId])))[0]!.number_id;
}

const login = (t: TenantFixture, numberId: string, phoneId: string, token = t.adminToken) =>
  h.call('PUT', `/v1/numbers/${numberId}/handset`, { token, body: { phoneId } });

describe('login, provisioning, logout', () => {
  test('login makes the number pending; the phone fetching its configuration with a correct digest makes it active', async () => {
    const phone = await makePhone(a);
    const [n] = await activeNumbers(h, a, 1);
    const r = await login(a, n!.id, phone.phoneId.toLowerCase().replace(/(..)(?!$)/g, '$1-'));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.number, { id: n!.id, e164: n!.e164, status: 'pending', pendingAction: 'handset_login' });
    assert.equal(r.body.device.numberId, n!.id);
    assert.equal(r.body.device.number, n!.e164);
    const pending = await numberRow(n!.id);
    assert.equal(pending.status, 'pending');
    assert.equal(pending.pending_action, 'handset_login');
    assert.ok(pending.pending_since);

    const cfg = await phoneFetch(phone, { alg: 'MD5' });
    assert.equal(cfg.status, 200, cfg.text);
    assert.deepEqual(cfg.body, {
      phoneId: phone.phoneId, sipDomain: a.domain, sipUsername: phone.username, number: n!.e164,
      displayName: { line1: n!.e164, line2: '' }, registrar: { host: 'localhost', port: h.services.config.sipPort },
    });
    assert.deepEqual(await numberRow(n!.id), { status: 'active', pending_action: null, pending_since: null });
    const audit = await h.db.owner((sql) => sql.query<{ actor_type: string; actor_id: string; action: string }>(
      `SELECT actor_type, actor_id, action FROM audit_log WHERE target_id = $1 ORDER BY id`, [n!.id]));
    assert.deepEqual(audit.slice(-2).map((x) => x.action), ['number.handset_login', 'number.handset_login_complete']);
    assert.equal(audit.at(-1)!.actor_type, 'system');
    assert.equal(audit.at(-1)!.actor_id, phone.id);
    const dev = await h.call('GET', `/v1/devices/${phone.id}`, { token: a.adminToken });
    assert.ok(dev.body.lastProvisionedAt);

    // Logout: the handset is free again, the number stays active.
    const out = await h.call('DELETE', `/v1/numbers/${n!.id}/handset`, { token: a.adminToken });
    assert.equal(out.status, 204, out.text);
    assert.equal(await deviceNumber(phone.id), null);
    assert.equal((await numberRow(n!.id)).status, 'active');
    const again = await h.call('DELETE', `/v1/numbers/${n!.id}/handset`, { token: a.adminToken });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'number_not_on_handset');
  });

  test('the configuration shows the display name, else the assigned user', async () => {
    const phone = await makePhone(a);
    const [n] = await activeNumbers(h, a, 1);
    const u = await makeUser(h, a, { firstName: 'Grace', lastName: 'Hopper' });
    const assign = await h.call('PUT', `/v1/numbers/${n!.id}/assignment`, { token: a.adminToken, body: { userId: u.id } });
    assert.equal(assign.status, 200, assign.text);
    assert.equal((await login(a, n!.id, phone.phoneId)).status, 200);
    const cfg = await phoneFetch(phone);
    assert.deepEqual(cfg.body.displayName, { line1: 'Grace Hopper', line2: n!.e164 });
  });

  test('a wrong password, HTTP Basic, a forged or foreign nonce answer 401; the number stays pending and nothing changes', async () => {
    const phone = await makePhone(a);
    const other = await makePhone(a);
    const [n] = await activeNumbers(h, a, 1);
    assert.equal((await login(a, n!.id, phone.phoneId)).status, 200);
    const snap = await accountSnapshot(h, a.accountId);
    const wrong = await phoneFetch(phone, { password: `${phone.password}x` });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.code, 'unauthenticated');
    assert.equal(wrong.body.field, 'Authorization');
    assert.match(String(wrong.headers['www-authenticate']), /Digest realm=/);
    const url = `/v1/provisioning/${phone.phoneId}`;
    const basic = await h.call('GET', url, { headers: { authorization: `Basic ${Buffer.from(`${phone.username}:${phone.password}`).toString('base64')}` } });
    assert.equal(basic.status, 401);
    assert.match(basic.body.detail, /Basic is not accepted/);
    const forged = buildDigestAuthorization({ realm: a.domain, nonce: 'made-up-nonce', algorithm: 'SHA-256', qop: ['auth'], opaque: null, stale: false },
      { method: 'GET', uri: url, username: phone.username, password: phone.password });
    assert.equal((await h.call('GET', url, { headers: { authorization: forged } })).status, 401);
    // A nonce issued for another phone does not open this one.
    const first = await h.call('GET', `/v1/provisioning/${other.phoneId}`);
    const ch = parseDigestChallenge((first.headers['www-authenticate'] as string[])[0])!;
    const replay = buildDigestAuthorization(ch, { method: 'GET', uri: url, username: phone.username, password: phone.password });
    assert.equal((await h.call('GET', url, { headers: { authorization: replay } })).status, 401);
    // Another phone's correct credentials do not open this one either.
    const borrowed = await phoneFetch({ ...phone, username: other.username }, { password: other.password });
    assert.equal(borrowed.status, 401);
    const unknown = await h.call('GET', '/v1/provisioning/FFFFFFFFFFFF');
    assert.equal(unknown.status, 401);
    assert.equal((await numberRow(n!.id)).status, 'pending');
    assert.equal(await accountSnapshot(h, a.accountId), snap);
  });

  test('the sweeper rolls back logins pending longer than the provisioning timeout', async () => {
    const phone = await makePhone(a);
    const fresh = await makePhone(a);
    const [n, m] = await activeNumbers(h, a, 2);
    assert.equal((await login(a, n!.id, phone.phoneId)).status, 200);
    assert.equal((await login(a, m!.id, fresh.phoneId)).status, 200);
    const timeout = h.services.config.provisionTimeoutSeconds;
    // Not yet stale: nothing happens.
    assert.equal(await rollbackStaleHandsetLogins(h.services, new Date(Date.now() + (timeout - 60) * 1000)), 0);
    assert.equal((await numberRow(n!.id)).status, 'pending');
    // n's login is older: backdate it past the timeout.
    await h.db.owner((sql) => sql.query(`UPDATE numbers SET pending_since = now() - make_interval(secs => $2) WHERE id = $1`, [n!.id, timeout + 5]));
    assert.equal(await rollbackStaleHandsetLogins(h.services), 1);
    assert.deepEqual(await numberRow(n!.id), { status: 'active', pending_action: null, pending_since: null });
    assert.equal(await deviceNumber(phone.id), null);
    assert.equal((await numberRow(m!.id)).status, 'pending');
    assert.equal(await deviceNumber(fresh.id), m!.id);
    const audit = await h.db.owner((sql) => sql.query<{ action: string; actor_type: string; account_id: string }>(
      `SELECT action, actor_type, account_id FROM audit_log WHERE target_id = $1 ORDER BY id DESC LIMIT 1`, [n!.id]));
    assert.deepEqual(audit[0], { action: 'number.handset_login_rollback', actor_type: 'system', account_id: a.accountId });
    // The phone that comes too late finds no number waiting; it still gets its configuration.
    const late = await phoneFetch(phone);
    assert.equal(late.status, 200);
    assert.equal(late.body.number, null);
    assert.equal((await numberRow(n!.id)).status, 'active');
  });
});

describe('one number per handset, one handset per number', () => {
  test('a second number onto the same handset is refused naming the handset and its number; nothing changes', async () => {
    const phone = await makePhone(a, { name: 'Front desk' });
    const [n1, n2] = await activeNumbers(h, a, 2);
    assert.equal((await login(a, n1!.id, phone.phoneId)).status, 200);
    for (const settled of [false, true]) {
      if (settled) assert.equal((await phoneFetch(phone)).status, 200);
      const snap = await accountSnapshot(h, a.accountId);
      const r = await login(a, n2!.id, phone.phoneId);
      assert.equal(r.status, 409, r.text);
      assert.equal(r.body.code, 'handset_in_use');
      assert.equal(r.body.field, 'phoneId');
      assert.ok(r.body.detail.includes(phone.phoneId), r.body.detail);
      assert.ok(r.body.detail.includes('Front desk'), r.body.detail);
      assert.ok(r.body.detail.includes(n1!.e164), r.body.detail);
      assert.deepEqual(r.body.handset, { phoneId: phone.phoneId, name: 'Front desk', number: n1!.e164 });
      assert.equal(await accountSnapshot(h, a.accountId), snap);
    }
  });

  test('a number already on a handset is refused on another; nothing changes', async () => {
    const p1 = await makePhone(a, { name: 'Left' });
    const p2 = await makePhone(a);
    const [n] = await activeNumbers(h, a, 1);
    assert.equal((await login(a, n!.id, p1.phoneId)).status, 200);
    assert.equal((await phoneFetch(p1)).status, 200);
    const snap = await accountSnapshot(h, a.accountId);
    const r = await login(a, n!.id, p2.phoneId);
    assert.equal(r.status, 409);
    assert.equal(r.body.code, 'number_on_handset');
    assert.ok(r.body.detail.includes(p1.phoneId));
    assert.equal(await accountSnapshot(h, a.accountId), snap);
  });

  test('main, reserved and pending numbers are refused; nothing changes', async () => {
    const phone = await makePhone(a);
    const other = await makePhone(a);
    const [reserved] = await allocate(h, a, 1);
    const [busy] = await activeNumbers(h, a, 1);
    assert.equal((await login(a, busy!.id, other.phoneId)).status, 200); // now pending
    const cases: [string, string, string][] = [[a.mainNumberId, 'number_is_main', 'main'], [reserved!.id, 'number_not_active', 'reserved'], [busy!.id, 'number_not_active', 'pending']];
    for (const [id, code, what] of cases) {
      const snap = await accountSnapshot(h, a.accountId);
      const r = await login(a, id, phone.phoneId);
      assert.equal(r.status, 409, `${what}: ${r.text}`);
      assert.equal(r.body.code, code, what);
      assert.equal(await accountSnapshot(h, a.accountId), snap);
      const out = await h.call('DELETE', `/v1/numbers/${id}/handset`, { token: a.adminToken });
      assert.equal(out.status, 409, what);
      assert.equal(out.body.code, code, what);
      assert.equal(await accountSnapshot(h, a.accountId), snap);
    }
  });

  test('an unknown or foreign Phone ID answers 404 on phoneId; a handset of another site is refused', async () => {
    const b = await makeAccount(h);
    const foreign = await makePhone(b);
    const [n] = await activeNumbers(h, a, 1);
    const snap = await accountSnapshot(h, a.accountId);
    for (const phoneId of ['00:00:00:00:00:01', foreign.phoneId]) {
      const r = await login(a, n!.id, phoneId);
      assert.equal(r.status, 404, r.text);
      assert.equal(r.body.field, 'phoneId');
      assert.ok(!r.text.includes(b.domain));
    }
    const site2 = await h.call('POST', '/v1/sites', { token: a.adminToken, body: { name: `Annex ${uniq()}`, timeZone: 'Europe/Berlin', mainNumber: nextNumber() } });
    const far = await makePhone(a, { siteId: site2.body.id });
    const snap2 = await accountSnapshot(h, a.accountId);
    const r = await login(a, n!.id, far.phoneId);
    assert.equal(r.status, 409);
    assert.equal(r.body.code, 'handset_other_site');
    assert.equal(r.body.field, 'phoneId');
    assert.equal(await accountSnapshot(h, a.accountId), snap2);
    assert.notEqual(snap, snap2);
    // And another account's admin cannot reach A's number at all.
    const foreignAdmin = await login(b, n!.id, foreign.phoneId);
    assert.equal(foreignAdmin.status, 404);
  });

  test('a portal number cannot be logged into a handset; a plain user may not log in handsets', async () => {
    const phone = await makePhone(a);
    const [n] = await activeNumbers(h, a, 1);
    const portal = await h.call('POST', '/v1/office-anywhere/portals', { token: a.adminToken, body: { numberId: n!.id, scope: 'account' } });
    assert.equal(portal.status, 201, portal.text);
    const u = await makeUser(h, a);
    const snap = await accountSnapshot(h, a.accountId);
    const r = await login(a, n!.id, phone.phoneId);
    assert.equal(r.status, 409);
    assert.equal(r.body.code, 'number_in_use');
    assert.equal((await login(a, n!.id, phone.phoneId, u.token)).status, 403);
    assert.equal(await accountSnapshot(h, a.accountId), snap);
  });
});
