/**
 * Devices (spec §2 "Device", §6): SIP credentials shown once and stored only as digest HA1s, the
 * Phone ID unique across the platform, access by site, delete refused while a number is logged in.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { accountSnapshot, activeNumbers, harness, makeAccount, makeUser, nextNumber, uniq, type Harness, type TenantFixture } from './support/harness.ts';
import { digestHa1 } from '../src/domain/devices.ts';
import { buildDigestAuthorization, parseDigestChallenge, type DigestAlgorithm } from '../src/domain/digest.ts';

let h: Harness;
let a: TenantFixture;
before(async () => {
  h = await harness();
  a = await makeAccount(h);
});
after(async () => h.close());

/** A fresh MAC-style Phone ID, in colon form as a phone shows it. */
const mac = (): string => `00:0B:82:${String(uniq()).padStart(6, '0').replace(/(..)(..)(..)/, '$1:$2:$3')}`;

async function createDevice(t: TenantFixture, over: Record<string, unknown> = {}) {
  const r = await h.call('POST', '/v1/devices', { token: t.adminToken, body: { siteId: t.siteId, phoneId: mac(), model: 'T54W', name: 'Desk', ...over } });
  assert.equal(r.status, 201, r.text);
  return r.body as { device: Record<string, unknown> & { id: string; phoneId: string }; credentials: { domain: string; username: string; password: string } };
}

/** Fetches the provisioning URL like a phone: unauthenticated first, then answering the chosen challenge. */
async function phoneFetch(phoneId: string, username: string, password: string, alg: DigestAlgorithm) {
  const url = `/v1/provisioning/${phoneId}`;
  const first = await h.call('GET', url);
  assert.equal(first.status, 401);
  const raw = first.headers['www-authenticate'];
  const challenges = (Array.isArray(raw) ? raw : [raw]) as string[];
  const ch = challenges.map((c) => parseDigestChallenge(c)!).find((c) => c.algorithm === alg);
  assert.ok(ch, `no ${alg} challenge in ${JSON.stringify(challenges)}`);
  return h.call('GET', url, { headers: { authorization: buildDigestAuthorization(ch, { method: 'GET', uri: url, username, password }) } });
}

async function storedDevice(id: string) {
  return (await h.db.owner((sql) => sql.query<{ ha1_md5: string; ha1_sha256: string; phone_id: string; sip_username: string }>(`SELECT * FROM devices WHERE id = $1`, [id])))[0]!;
}

describe('credentials', () => {
  test('creation shows SIP credentials once; the database holds only HA1s for MD5 and SHA-256', async () => {
    const { device, credentials } = await createDevice(a);
    assert.equal(credentials.domain, a.domain);
    assert.ok(credentials.password.length >= 20, credentials.password);
    assert.equal(credentials.username, device.sipUsername);
    const row = await storedDevice(device.id);
    assert.equal(row.ha1_md5, digestHa1('MD5', credentials.username, a.domain, credentials.password));
    assert.equal(row.ha1_sha256, digestHa1('SHA-256', credentials.username, a.domain, credentials.password));
    const allColumns = JSON.stringify(await h.db.owner((sql) => sql.query(`SELECT * FROM devices WHERE id = $1`, [device.id])));
    assert.ok(!allColumns.includes(credentials.password), 'the password is stored');
    const audit = JSON.stringify(await h.db.owner((sql) => sql.query(`SELECT before, after FROM audit_log WHERE target_id = $1`, [device.id])));
    assert.ok(!audit.includes(credentials.password));

    // Never again: not by GET, not in the list.
    const get = await h.call('GET', `/v1/devices/${device.id}`, { token: a.adminToken });
    const list = await h.call('GET', '/v1/devices', { token: a.adminToken });
    for (const r of [get, list]) {
      assert.equal(r.status, 200);
      for (const secret of [credentials.password, row.ha1_md5, row.ha1_sha256]) assert.ok(!r.text.includes(secret));
      assert.ok(!/password|ha1/i.test(r.text), r.text);
    }
    assert.deepEqual(Object.keys(get.body).sort(), ['createdAt', 'id', 'lastProvisionedAt', 'model', 'name', 'number', 'numberId', 'phoneId', 'registration', 'sipUsername', 'siteId']);
  });

  test('a digest response computed from the shown password verifies against the stored HA1, MD5 and SHA-256', async () => {
    const { device, credentials } = await createDevice(a);
    for (const alg of ['MD5', 'SHA-256'] as const) {
      const r = await phoneFetch(device.phoneId, credentials.username, credentials.password, alg);
      assert.equal(r.status, 200, `${alg}: ${r.text}`);
      assert.equal(r.body.sipUsername, credentials.username);
      assert.equal(r.body.sipDomain, a.domain);
    }
  });

  test('rotation shows a new password once; the old one stops working', async () => {
    const { device, credentials } = await createDevice(a);
    const r = await h.call('POST', `/v1/devices/${device.id}/credentials`, { token: a.adminToken });
    assert.equal(r.status, 200, r.text);
    assert.notEqual(r.body.credentials.password, credentials.password);
    assert.equal(r.body.credentials.username, credentials.username);
    assert.equal((await phoneFetch(device.phoneId, credentials.username, credentials.password, 'SHA-256')).status, 401);
    assert.equal((await phoneFetch(device.phoneId, credentials.username, r.body.credentials.password, 'SHA-256')).status, 200);
    const audit = JSON.stringify(await h.db.owner((sql) => sql.query(`SELECT before, after FROM audit_log WHERE target_id = $1`, [device.id])));
    assert.ok(!audit.includes(r.body.credentials.password));
  });
});

describe('Phone ID', () => {
  test('is normalised: any separators and case, stored upper-case without separators', async () => {
    const id = `00-0b-82-${String(uniq()).padStart(6, '0').replace(/(..)(..)(..)/, '$1-$2-$3')}`;
    const { device } = await createDevice(a, { phoneId: id });
    assert.equal(device.phoneId, id.replace(/-/g, '').toUpperCase());
    assert.equal((await storedDevice(device.id)).phone_id, device.phoneId);
  });

  test('is unique across the platform, in any spelling; refusals change nothing', async () => {
    const b = await makeAccount(h);
    const { device } = await createDevice(a);
    const spelled = device.phoneId.toLowerCase().replace(/(..)(?!$)/g, '$1:');
    for (const t of [a, b]) {
      const snap = await accountSnapshot(h, t.accountId);
      const r = await h.call('POST', '/v1/devices', { token: t.adminToken, body: { siteId: t.siteId, phoneId: spelled } });
      assert.equal(r.status, 409, r.text);
      assert.equal(r.body.code, 'phone_id_taken');
      assert.equal(r.body.field, 'phoneId');
      assert.equal(await accountSnapshot(h, t.accountId), snap);
    }
  });

  test('a malformed Phone ID is refused naming the field', async () => {
    const r = await h.call('POST', '/v1/devices', { token: a.adminToken, body: { siteId: a.siteId, phoneId: '00:1A:2B!' } });
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'validation_failed');
    assert.equal(r.body.field, 'phoneId');
  });
});

describe('access and changes', () => {
  test('a site admin manages devices of their sites only; others answer 404', async () => {
    const t = await makeAccount(h);
    const site2 = await h.call('POST', '/v1/sites', { token: t.adminToken, body: { name: `Branch ${uniq()}`, timeZone: 'Europe/Berlin', mainNumber: nextNumber() } });
    assert.equal(site2.status, 201, site2.text);
    const sa = await makeUser(h, t, { siteId: site2.body.id, role: 'site_admin' });
    assert.equal((await h.call('PATCH', `/v1/users/${sa.id}`, { token: t.adminToken, body: { adminSiteIds: [site2.body.id] } })).status, 200);
    const head = await createDevice(t);
    const own = await h.call('POST', '/v1/devices', { token: sa.token, body: { siteId: site2.body.id, phoneId: mac() } });
    assert.equal(own.status, 201, own.text);
    const snap = await accountSnapshot(h, t.accountId);
    const foreignSite = await h.call('POST', '/v1/devices', { token: sa.token, body: { siteId: t.siteId, phoneId: mac() } });
    assert.equal(foreignSite.status, 404);
    assert.equal(foreignSite.body.field, 'siteId');
    for (const [m, u] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['POST', '/credentials']] as const) {
      const r = await h.call(m, `/v1/devices/${head.device.id}${u}`, { token: sa.token, ...(m === 'PATCH' ? { body: { name: 'x' } } : {}) });
      assert.equal(r.status, 404, `${m} ${u}`);
    }
    const moveAway = await h.call('PATCH', `/v1/devices/${own.body.device.id}`, { token: sa.token, body: { siteId: t.siteId } });
    assert.equal(moveAway.status, 404);
    assert.equal(await accountSnapshot(h, t.accountId), snap);
    const list = await h.call('GET', '/v1/devices', { token: sa.token });
    assert.deepEqual(list.body.items.map((d: { id: string }) => d.id), [own.body.device.id]);
    const user = await makeUser(h, t);
    assert.equal((await h.call('GET', '/v1/devices', { token: user.token })).status, 403);
    const other = await makeAccount(h);
    assert.equal((await h.call('GET', `/v1/devices/${head.device.id}`, { token: other.adminToken })).status, 404);
  });

  test('list pages by Phone ID and q finds by name, model or Phone ID fragment', async () => {
    const t = await makeAccount(h);
    const made: { id: string; phoneId: string }[] = [];
    for (let i = 0; i < 3; i++) made.push((await createDevice(t, { name: i === 1 ? 'Kitchen phone' : `Desk ${i}`, model: i === 2 ? 'Snom D785' : 'T54W' })).device);
    const p1 = await h.call('GET', '/v1/devices?limit=2', { token: t.adminToken });
    assert.equal(p1.body.items.length, 2);
    const p2 = await h.call('GET', `/v1/devices?limit=2&cursor=${p1.body.nextCursor}`, { token: t.adminToken });
    assert.equal(p2.body.nextCursor, null);
    assert.deepEqual([...p1.body.items, ...p2.body.items].map((d: { phoneId: string }) => d.phoneId), made.map((d) => d.phoneId).sort());
    const kitchen = await h.call('GET', '/v1/devices?q=kitch', { token: t.adminToken });
    assert.deepEqual(kitchen.body.items.map((d: { id: string }) => d.id), [made[1]!.id]);
    const snom = await h.call('GET', '/v1/devices?q=SNOM', { token: t.adminToken });
    assert.deepEqual(snom.body.items.map((d: { id: string }) => d.id), [made[2]!.id]);
    const tail = made[0]!.phoneId.slice(-4);
    const byId = await h.call('GET', `/v1/devices?q=${encodeURIComponent(`${tail.slice(0, 2)}:${tail.slice(2)}`.toLowerCase())}`, { token: t.adminToken });
    assert.ok(byId.body.items.some((d: { id: string }) => d.id === made[0]!.id));
  });

  test('rename, and delete refused while a number is logged in (nothing changes), allowed after logout', async () => {
    const t = await makeAccount(h);
    const { device } = await createDevice(t);
    const renamed = await h.call('PATCH', `/v1/devices/${device.id}`, { token: t.adminToken, body: { name: 'Reception', model: 'Snom D785' } });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, 'Reception');
    assert.equal(renamed.body.model, 'Snom D785');
    const [n] = await activeNumbers(h, t, 1);
    assert.equal((await h.call('PUT', `/v1/numbers/${n!.id}/handset`, { token: t.adminToken, body: { phoneId: device.phoneId } })).status, 200);
    const snap = await accountSnapshot(h, t.accountId);
    const del = await h.call('DELETE', `/v1/devices/${device.id}`, { token: t.adminToken });
    assert.equal(del.status, 409);
    assert.equal(del.body.code, 'device_in_use');
    assert.match(del.body.detail, new RegExp(`\\${n!.e164}`));
    const site2 = await h.call('POST', '/v1/sites', { token: t.adminToken, body: { name: `Other ${uniq()}`, timeZone: 'Europe/Berlin', mainNumber: nextNumber() } });
    const snap2 = await accountSnapshot(h, t.accountId);
    const move = await h.call('PATCH', `/v1/devices/${device.id}`, { token: t.adminToken, body: { siteId: site2.body.id } });
    assert.equal(move.status, 409);
    assert.equal(move.body.code, 'device_in_use');
    assert.equal(await accountSnapshot(h, t.accountId), snap2);
    assert.notEqual(snap, snap2);
    // The login completes (the phone fetches its configuration), then the admin logs the number out.
    const creds = await h.call('POST', `/v1/devices/${device.id}/credentials`, { token: t.adminToken });
    assert.equal((await phoneFetch(device.phoneId, creds.body.credentials.username, creds.body.credentials.password, 'MD5')).status, 200);
    assert.equal((await h.call('DELETE', `/v1/numbers/${n!.id}/handset`, { token: t.adminToken })).status, 204);
    assert.equal((await h.call('DELETE', `/v1/devices/${device.id}`, { token: t.adminToken })).status, 204);
    assert.equal((await h.call('GET', `/v1/devices/${device.id}`, { token: t.adminToken })).status, 404);
  });
});
