/** Spec §2 tenancy rules through the API: accounts, sites, users, extensions, the user limit. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { accountSnapshot, harness, makeAccount, makeUser, nextNumber, uniq, type Harness, type TenantFixture } from './support/harness.ts';
import { newId } from '../src/domain/ids.ts';

let h: Harness;
let a: TenantFixture;
before(async () => {
  h = await harness();
  a = await makeAccount(h);
});
after(async () => h.close());

describe('accounts', () => {
  test('an account starts with its site, main number and admin', async () => {
    const r = await h.call('GET', `/v1/accounts/${a.accountId}`, { token: a.adminToken });
    assert.equal(r.status, 200);
    assert.equal(r.body.extMinLength, 3);
    assert.equal(r.body.extMaxLength, 4);
    const sites = await h.call('GET', '/v1/sites', { token: a.adminToken });
    assert.equal(sites.body.items.length, 1);
    assert.equal(sites.body.items[0].mainNumber, a.mainNumber);
  });

  test('extension length outside 2–6 is refused', async () => {
    const r = await h.call('PATCH', `/v1/accounts/${a.accountId}`, { token: a.adminToken, body: { extMinLength: 1 } });
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'validation_failed');
    assert.equal(r.body.field, 'extMinLength');
  });

  test('narrowing extension lengths below extensions in use is refused and changes nothing', async () => {
    const before = await accountSnapshot(h, a.accountId);
    const r = await h.call('PATCH', `/v1/accounts/${a.accountId}`, { token: a.adminToken, body: { extMinLength: 4, extMaxLength: 4 } });
    assert.equal(r.status, 409);
    assert.equal(r.body.code, 'extension_length_conflict');
    assert.deepEqual(r.body.extensions, ['100']);
    assert.equal(await accountSnapshot(h, a.accountId), before);
  });

  test('only operators create accounts', async () => {
    const r = await h.call('POST', '/v1/accounts', { token: a.adminToken, body: {} });
    assert.equal(r.status, 403);
  });

  test('a duplicate SIP domain is refused', async () => {
    const b = await makeAccount(h);
    const r = await h.call('POST', '/v1/accounts', {
      token: h.operatorToken,
      body: { name: `Other ${uniq()}`, country: 'DE', sipDomain: b.domain, firstSite: { name: 'X', timeZone: 'Europe/Berlin', mainNumber: nextNumber() }, admin: { firstName: 'A', lastName: 'B', email: `x${uniq()}@ex.com` } },
    });
    assert.equal(r.status, 409);
    assert.equal(r.body.code, 'sip_domain_taken');
  });
});

describe('sites', () => {
  test('sites are listed alphabetically, case-insensitively', async () => {
    const t = await makeAccount(h);
    for (const name of ['zurich', 'Amsterdam', 'bern']) {
      const r = await h.call('POST', '/v1/sites', { token: t.adminToken, body: { name, timeZone: 'Europe/Zurich', mainNumber: nextNumber() } });
      assert.equal(r.status, 201, r.text);
    }
    const r = await h.call('GET', '/v1/sites', { token: t.adminToken });
    assert.deepEqual(r.body.items.map((s: { name: string }) => s.name), ['Amsterdam', 'bern', 'Head office', 'zurich']);
  });

  test('a site needs a valid main number that nobody holds', async () => {
    const bad = await h.call('POST', '/v1/sites', { token: a.adminToken, body: { name: 'Bad', timeZone: 'Europe/Berlin', mainNumber: '12' } });
    assert.equal(bad.status, 400);
    const taken = await h.call('POST', '/v1/sites', { token: a.adminToken, body: { name: 'Dup', timeZone: 'Europe/Berlin', mainNumber: a.mainNumber } });
    assert.equal(taken.status, 409);
    assert.equal(taken.body.code, 'number_taken');
    assert.equal(taken.body.field, 'mainNumber');
  });

  test('an unknown time zone is refused naming the field', async () => {
    const r = await h.call('POST', '/v1/sites', { token: a.adminToken, body: { name: 'TZ', timeZone: 'Mars/Olympus', mainNumber: nextNumber() } });
    assert.equal(r.status, 400);
    assert.equal(r.body.field, 'timeZone');
  });
});

describe('users and extensions', () => {
  test('extensions are unique within the account', async () => {
    await makeUser(h, a, { extension: '301' });
    const before = await accountSnapshot(h, a.accountId);
    const r = await h.call('POST', '/v1/users', { token: a.adminToken, body: { siteId: a.siteId, firstName: 'Dup', lastName: 'Ext', email: `dup${uniq()}@x.com`, extension: '301' } });
    assert.equal(r.status, 409);
    assert.equal(r.body.code, 'extension_taken');
    assert.equal(r.body.field, 'extension');
    assert.equal(await accountSnapshot(h, a.accountId), before);
  });

  test('the same extension may exist in two accounts', async () => {
    const b = await makeAccount(h);
    await makeUser(h, b, { extension: '301' });
  });

  test("extensions follow the account's length rules", async () => {
    const r = await h.call('POST', '/v1/users', { token: a.adminToken, body: { siteId: a.siteId, firstName: 'Short', lastName: 'Ext', email: `s${uniq()}@x.com`, extension: '12' } });
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'extension_length');
  });

  test('a user search matches name, e-mail and extension, case-insensitively', async () => {
    const u = await makeUser(h, a, { firstName: 'Grace', lastName: 'Hopper', extension: '4242' });
    for (const q of ['grace', 'HOPP', '4242', u.email.toUpperCase()]) {
      const r = await h.call('GET', `/v1/users?q=${encodeURIComponent(q)}`, { token: a.adminToken });
      assert.deepEqual(r.body.items.map((x: { id: string }) => x.id), [u.id], q);
    }
  });

  test('cursor pagination walks every user once', async () => {
    const t = await makeAccount(h);
    for (let i = 0; i < 5; i++) await makeUser(h, t);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const r: { body: { items: { id: string }[]; nextCursor: string | null } } = await h.call('GET', `/v1/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: t.adminToken });
      seen.push(...r.body.items.map((x) => x.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    assert.equal(seen.length, 6);
    assert.equal(new Set(seen).size, 6);
  });

  test('the last account admin cannot be demoted or deleted', async () => {
    const r = await h.call('PATCH', `/v1/users/${a.adminId}`, { token: a.adminToken, body: { role: 'user' } });
    assert.equal(r.status, 409);
    assert.equal(r.body.code, 'last_admin');
  });
});

describe('the user limit', () => {
  test('the 10,001st user is refused, the 10,000th accepted', async () => {
    const t = await makeAccount(h);
    assert.equal(h.services.config.maxUsersPerAccount, 10000);
    // 9,998 users straight into the database (the account has its admin already), then the API.
    await h.db.owner(async (sql) => {
      await sql.query(
        `INSERT INTO users (id, account_id, site_id, first_name, last_name, email, role)
         SELECT gen_random_uuid(), $1, $2, 'Bulk', 'User ' || g, 'bulk' || g || '-' || $3 || '@limit.example', 'user' FROM generate_series(1, 9998) g`,
        [t.accountId, t.siteId, t.accountId]);
    });
    const ok = await h.call('POST', '/v1/users', { token: t.adminToken, body: { siteId: t.siteId, firstName: 'Ten', lastName: 'Thousandth', email: `tenk${uniq()}@x.com` } });
    assert.equal(ok.status, 201, ok.text);
    const before = await accountSnapshot(h, t.accountId);
    const refused = await h.call('POST', '/v1/users', { token: t.adminToken, body: { siteId: t.siteId, firstName: 'One', lastName: 'Too many', email: `over${uniq()}@x.com` } });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, 'user_limit_reached');
    assert.equal(refused.body.limit, 10000);
    assert.equal(await accountSnapshot(h, t.accountId), before);
  });

  test('the limit is configurable per deployment', async () => {
    const small = await harness({ maxUsersPerAccount: 2 });
    try {
      const t = await makeAccount(small);
      await makeUser(small, t);
      const r = await small.call('POST', '/v1/users', { token: t.adminToken, body: { siteId: t.siteId, firstName: 'X', lastName: 'Y', email: `lim${uniq()}@x.com` } });
      assert.equal(r.status, 409);
      assert.equal(r.body.code, 'user_limit_reached');
    } finally {
      await small.close();
    }
  });
});

test('a foreign site id answers 404 with no data', async () => {
  const b = await makeAccount(h);
  const r = await h.call('GET', `/v1/sites/${a.siteId}`, { token: b.adminToken });
  assert.equal(r.status, 404);
  assert.ok(!r.text.includes(a.siteId));
  const unknown = await h.call('GET', `/v1/sites/${newId()}`, { token: b.adminToken });
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.detail, r.body.detail);
});
