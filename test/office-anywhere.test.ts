/**
 * Office Anywhere configuration (spec §7): portal numbers (name, extension, scope; their number not
 * editable), alternate phones, and the readiness check of a user's three prerequisites.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { accountSnapshot, activeNumbers, allocate, harness, makeAccount, makeUser, nextNumber, uniq, type Harness, type TenantFixture } from './support/harness.ts';

let h: Harness;
let a: TenantFixture;
before(async () => {
  h = await harness();
  a = await makeAccount(h);
});
after(async () => h.close());

const createPortal = (t: TenantFixture, body: Record<string, unknown>, token = t.adminToken) => h.call('POST', '/v1/office-anywhere/portals', { token, body });

/** Asserts the call is refused with this status, code and field, and changes nothing in the account. */
async function refused(t: TenantFixture, call: () => Promise<{ status: number; body: { code: string; field?: string; detail: string }; text: string }>, status: number, code: string, field: string | null) {
  const snap = await accountSnapshot(h, t.accountId);
  const r = await call();
  assert.equal(r.status, status, r.text);
  assert.equal(r.body.code, code, r.text);
  assert.equal(r.body.field ?? null, field, r.text);
  assert.equal(await accountSnapshot(h, t.accountId), snap);
  return r;
}

async function addSite(t: TenantFixture): Promise<string> {
  const r = await h.call('POST', '/v1/sites', { token: t.adminToken, body: { name: `Branch ${uniq()}`, timeZone: 'Europe/Berlin', mainNumber: nextNumber() } });
  assert.equal(r.status, 201, r.text);
  return r.body.id as string;
}

describe('portal numbers', () => {
  test('the name defaults to the number; extension and scope are kept; the list and get show it', async () => {
    const [n] = await activeNumbers(h, a, 1);
    const r = await createPortal(a, { numberId: n!.id, scope: 'account', extension: '7001' });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual({ ...r.body, id: undefined, createdAt: undefined }, { id: undefined, createdAt: undefined, numberId: n!.id, number: n!.e164, name: n!.e164, extension: '7001', scope: 'account', siteId: null });
    const get = await h.call('GET', `/v1/office-anywhere/portals/${r.body.id}`, { token: a.adminToken });
    assert.deepEqual(get.body, r.body);
    const list = await h.call('GET', `/v1/office-anywhere/portals?q=${encodeURIComponent(n!.e164)}`, { token: a.adminToken });
    assert.deepEqual(list.body.items, [r.body]);
    const site = await createPortal(a, { numberId: (await activeNumbers(h, a, 1))[0]!.id, scope: 'site', siteId: a.siteId, name: 'Head office portal' });
    assert.equal(site.status, 201, site.text);
    assert.equal(site.body.name, 'Head office portal');
    assert.equal(site.body.siteId, a.siteId);
    assert.equal(site.body.extension, null);
  });

  test('refused numbers: already a portal, assigned to a user, main, reserved, unknown — nothing changes', async () => {
    const [n, assigned] = await activeNumbers(h, a, 2);
    const [reserved] = await allocate(h, a, 1);
    assert.equal((await createPortal(a, { numberId: n!.id, scope: 'account' })).status, 201);
    const u = await makeUser(h, a);
    assert.equal((await h.call('PUT', `/v1/numbers/${assigned!.id}/assignment`, { token: a.adminToken, body: { userId: u.id } })).status, 200);
    await refused(a, () => createPortal(a, { numberId: n!.id, scope: 'account' }), 409, 'portal_number_in_use', 'numberId');
    await refused(a, () => createPortal(a, { numberId: assigned!.id, scope: 'account' }), 409, 'portal_number_assigned', 'numberId');
    await refused(a, () => createPortal(a, { numberId: a.mainNumberId, scope: 'account' }), 409, 'number_is_main', 'numberId');
    await refused(a, () => createPortal(a, { numberId: reserved!.id, scope: 'account' }), 409, 'number_not_active', 'numberId');
    const b = await makeAccount(h);
    const [foreign] = await activeNumbers(h, b, 1);
    await refused(a, () => createPortal(a, { numberId: foreign!.id, scope: 'account' }), 404, 'not_found', 'numberId');
  });

  test('scope rules: site needs a site of the account; account takes none', async () => {
    const [n] = await activeNumbers(h, a, 1);
    await refused(a, () => createPortal(a, { numberId: n!.id, scope: 'site' }), 400, 'validation_failed', 'siteId');
    await refused(a, () => createPortal(a, { numberId: n!.id, scope: 'account', siteId: a.siteId }), 400, 'validation_failed', 'siteId');
    const b = await makeAccount(h);
    await refused(a, () => createPortal(a, { numberId: n!.id, scope: 'site', siteId: b.siteId }), 404, 'not_found', 'siteId');
  });

  test('extensions are shared with users both ways (spec §2: one directory)', async () => {
    const t = await makeAccount(h);
    const [n1, n2] = await activeNumbers(h, t, 2);
    const u = await makeUser(h, t, { extension: '7100' });
    await refused(t, () => createPortal(t, { numberId: n1!.id, scope: 'account', extension: '7100' }), 409, 'extension_taken', 'extension');
    const p = await createPortal(t, { numberId: n1!.id, scope: 'account', extension: '7200' });
    assert.equal(p.status, 201, p.text);
    const r = await refused(t, () => h.call('POST', '/v1/users', { token: t.adminToken, body: { siteId: t.siteId, firstName: 'X', lastName: 'Y', email: `x${uniq()}@${t.domain}`, extension: '7200' } }), 409, 'extension_taken', 'extension');
    assert.match(r.text, /Office Anywhere portal/);
    await refused(t, () => h.call('PATCH', `/v1/users/${u.id}`, { token: t.adminToken, body: { extension: '7200' } }), 409, 'extension_taken', 'extension');
    const p2 = await createPortal(t, { numberId: n2!.id, scope: 'account' });
    await refused(t, () => h.call('PATCH', `/v1/office-anywhere/portals/${p2.body.id}`, { token: t.adminToken, body: { extension: '7200' } }), 409, 'extension_taken', 'extension');
    // Keeping its own extension is fine; removing it frees it for a user.
    assert.equal((await h.call('PATCH', `/v1/office-anywhere/portals/${p.body.id}`, { token: t.adminToken, body: { extension: '7200' } })).status, 200);
    const cleared = await h.call('PATCH', `/v1/office-anywhere/portals/${p.body.id}`, { token: t.adminToken, body: { extension: null } });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.extension, null);
    assert.equal((await h.call('PATCH', `/v1/users/${u.id}`, { token: t.adminToken, body: { extension: '7200' } })).status, 200);
  });

  test('the portal number is not editable; name, scope and extension are', async () => {
    const [n, other] = await activeNumbers(h, a, 2);
    const p = await createPortal(a, { numberId: n!.id, scope: 'account' });
    const url = `/v1/office-anywhere/portals/${p.body.id}`;
    const r = await refused(a, () => h.call('PATCH', url, { token: a.adminToken, body: { numberId: other!.id } }), 400, 'portal_number_immutable', 'numberId');
    assert.match(r.body.detail, /delete this portal/);
    await refused(a, () => h.call('PATCH', url, { token: a.adminToken, body: { number: other!.e164, name: 'Renamed' } }), 400, 'portal_number_immutable', 'number');
    const renamed = await h.call('PATCH', url, { token: a.adminToken, body: { name: 'Mobility', scope: 'site', siteId: a.siteId, extension: '7301' } });
    assert.equal(renamed.status, 200, renamed.text);
    assert.deepEqual([renamed.body.name, renamed.body.scope, renamed.body.siteId, renamed.body.extension, renamed.body.number], ['Mobility', 'site', a.siteId, '7301', n!.e164]);
    await refused(a, () => h.call('PATCH', url, { token: a.adminToken, body: { siteId: null } }), 400, 'validation_failed', 'siteId');
    const back = await h.call('PATCH', url, { token: a.adminToken, body: { scope: 'account', name: null } });
    assert.equal(back.status, 200, back.text);
    assert.deepEqual([back.body.name, back.body.scope, back.body.siteId], [n!.e164, 'account', null]);
  });

  test('delete frees the number and the extension', async () => {
    const t = await makeAccount(h);
    const [n] = await activeNumbers(h, t, 1);
    const p = await createPortal(t, { numberId: n!.id, scope: 'account', extension: '7400' });
    assert.equal((await h.call('DELETE', `/v1/office-anywhere/portals/${p.body.id}`, { token: t.adminToken })).status, 204);
    assert.equal((await h.call('GET', `/v1/office-anywhere/portals/${p.body.id}`, { token: t.adminToken })).status, 404);
    const ext = await h.db.owner((sql) => sql.query(`SELECT 1 FROM extensions WHERE account_id = $1 AND extension = '7400'`, [t.accountId]));
    assert.equal(ext.length, 0);
    assert.equal((await createPortal(t, { numberId: n!.id, scope: 'account', extension: '7400' })).status, 201);
  });

  test('site admins read portals serving their sites only and may not change them; users may not read them', async () => {
    const t = await makeAccount(h);
    const site2 = await addSite(t);
    const sa = await makeUser(h, t, { siteId: site2, role: 'site_admin' });
    assert.equal((await h.call('PATCH', `/v1/users/${sa.id}`, { token: t.adminToken, body: { adminSiteIds: [site2] } })).status, 200);
    const [n1, n2, n3] = await activeNumbers(h, t, 3);
    const head = await createPortal(t, { numberId: n1!.id, scope: 'site', siteId: t.siteId, name: 'Head' });
    const mine = await createPortal(t, { numberId: n2!.id, scope: 'site', siteId: site2, name: 'Branch' });
    const all = await createPortal(t, { numberId: n3!.id, scope: 'account', name: 'All' });
    const list = await h.call('GET', '/v1/office-anywhere/portals', { token: sa.token });
    assert.deepEqual(list.body.items.map((p: { id: string }) => p.id).sort(), [mine.body.id, all.body.id].sort());
    assert.equal((await h.call('GET', `/v1/office-anywhere/portals/${head.body.id}`, { token: sa.token })).status, 404);
    assert.equal((await h.call('GET', `/v1/office-anywhere/portals/${mine.body.id}`, { token: sa.token })).status, 200);
    const snap = await accountSnapshot(h, t.accountId);
    assert.equal((await h.call('PATCH', `/v1/office-anywhere/portals/${mine.body.id}`, { token: sa.token, body: { name: 'x' } })).status, 403);
    assert.equal((await h.call('DELETE', `/v1/office-anywhere/portals/${mine.body.id}`, { token: sa.token })).status, 403);
    const user = await makeUser(h, t);
    assert.equal((await h.call('GET', '/v1/office-anywhere/portals', { token: user.token })).status, 403);
    const b = await makeAccount(h);
    assert.equal((await h.call('GET', `/v1/office-anywhere/portals/${all.body.id}`, { token: b.adminToken })).status, 404);
    assert.equal((await h.call('DELETE', `/v1/office-anywhere/portals/${all.body.id}`, { token: b.adminToken })).status, 404);
    const users = await h.db.owner((sql) => sql.query(`SELECT count(*)::int AS n FROM users WHERE account_id = $1`, [t.accountId]));
    assert.equal(Number(users[0]!.n), 3);
    assert.notEqual(await accountSnapshot(h, t.accountId), snap); // only the new user
  });
});

describe('portal numbers and the rest of the account', () => {
  test('a portal number cannot then be assigned to a user', async () => {
    const [n] = await activeNumbers(h, a, 1);
    assert.equal((await createPortal(a, { numberId: n!.id, scope: 'account' })).status, 201);
    const u = await makeUser(h, a);
    const r = await refused(a, () => h.call('PUT', `/v1/numbers/${n!.id}/assignment`, { token: a.adminToken, body: { userId: u.id } }), 409, 'portal_number_in_use', null);
    assert.match(r.body.detail, /portal/);
  });

  test('a site with a portal scoped to it cannot be deleted', async () => {
    const siteId = await addSite(a);
    const [n] = await activeNumbers(h, a, 1);
    assert.equal((await createPortal(a, { numberId: n!.id, scope: 'site', siteId, extension: '7999' })).status, 201);
    const r = await refused(a, () => h.call('DELETE', `/v1/sites/${siteId}`, { token: a.adminToken }), 409, 'site_in_use', null);
    assert.match(r.body.detail, /1 Office Anywhere portal/);
  });
});

describe('alternate phones', () => {
  test('the user adds their own: national form parsed per the account country, kind from the number, active by default', async () => {
    const u = await makeUser(h, a);
    const mobile = await h.call('POST', `/v1/users/${u.id}/alternate-phones`, { token: u.token, body: { number: '0151 23456789', label: 'Mobile' } });
    assert.equal(mobile.status, 201, mobile.text);
    assert.deepEqual({ ...mobile.body, id: undefined, createdAt: undefined }, { id: undefined, createdAt: undefined, userId: u.id, number: '+4915123456789', kind: 'mobile', label: 'Mobile', active: true });
    const home = await h.call('POST', `/v1/users/${u.id}/alternate-phones`, { token: a.adminToken, body: { number: '030 12345678', active: false } });
    assert.equal(home.status, 201, home.text);
    assert.deepEqual([home.body.kind, home.body.active, home.body.label], ['landline', false, '']);
    const list = await h.call('GET', `/v1/users/${u.id}/alternate-phones`, { token: u.token });
    assert.deepEqual(list.body.items, [mobile.body, home.body]);
    const patched = await h.call('PATCH', `/v1/users/${u.id}/alternate-phones/${home.body.id}`, { token: u.token, body: { active: true, label: 'Home' } });
    assert.equal(patched.status, 200);
    assert.deepEqual([patched.body.active, patched.body.label, patched.body.number], [true, 'Home', '+493012345678']);
    const moved = await h.call('PATCH', `/v1/users/${u.id}/alternate-phones/${home.body.id}`, { token: u.token, body: { number: '+33612345678' } });
    assert.equal(moved.status, 200);
    assert.deepEqual([moved.body.number, moved.body.kind], ['+33612345678', 'mobile']);
    assert.equal((await h.call('DELETE', `/v1/users/${u.id}/alternate-phones/${home.body.id}`, { token: u.token })).status, 204);
    assert.equal((await h.call('GET', `/v1/users/${u.id}/alternate-phones`, { token: u.token })).body.items.length, 1);
  });

  test('invalid, premium, office and duplicate numbers are refused naming the field; nothing changes', async () => {
    const u = await makeUser(h, a);
    const [office] = await activeNumbers(h, a, 1);
    const post = (number: string) => () => h.call('POST', `/v1/users/${u.id}/alternate-phones`, { token: u.token, body: { number } });
    await refused(a, post('000 000'), 400, 'invalid_number', 'number');
    await refused(a, post('+499001234567'), 409, 'destination_not_allowed', 'number');
    await refused(a, post(office!.e164), 409, 'alternate_phone_is_office_number', 'number');
    await refused(a, post(a.mainNumber), 409, 'alternate_phone_is_office_number', 'number');
    const first = await h.call('POST', `/v1/users/${u.id}/alternate-phones`, { token: u.token, body: { number: '+4915111111111' } });
    assert.equal(first.status, 201, first.text);
    await refused(a, post('0151 11111111'), 409, 'alternate_phone_exists', 'number');
    const second = await h.call('POST', `/v1/users/${u.id}/alternate-phones`, { token: u.token, body: { number: '+4915122222222' } });
    await refused(a, () => h.call('PATCH', `/v1/users/${u.id}/alternate-phones/${second.body.id}`, { token: u.token, body: { number: '+4915111111111' } }), 409, 'alternate_phone_exists', 'number');
    // Another user may list the same number.
    const v = await makeUser(h, a);
    assert.equal((await h.call('POST', `/v1/users/${v.id}/alternate-phones`, { token: v.token, body: { number: '+4915111111111' } })).status, 201);
  });

  test('countries outside the account whitelist are refused', async () => {
    const t = await makeAccount(h, { intlWhitelist: ['AT'] });
    const u = await makeUser(h, t);
    await refused(t, () => h.call('POST', `/v1/users/${u.id}/alternate-phones`, { token: u.token, body: { number: '+33612345678' } }), 409, 'destination_not_allowed', 'number');
    assert.equal((await h.call('POST', `/v1/users/${u.id}/alternate-phones`, { token: u.token, body: { number: '+436641234567' } })).status, 201);
  });

  test("another user, a site admin of another site and another account answer 404 and change nothing", async () => {
    const t = await makeAccount(h);
    const site2 = await addSite(t);
    const sa = await makeUser(h, t, { siteId: site2, role: 'site_admin' });
    assert.equal((await h.call('PATCH', `/v1/users/${sa.id}`, { token: t.adminToken, body: { adminSiteIds: [site2] } })).status, 200);
    const u = await makeUser(h, t);
    const other = await makeUser(h, t);
    const b = await makeAccount(h);
    const alt = await h.call('POST', `/v1/users/${u.id}/alternate-phones`, { token: u.token, body: { number: '+4915133333333' } });
    assert.equal(alt.status, 201);
    for (const token of [other.token, sa.token, b.adminToken]) {
      const snap = await accountSnapshot(h, t.accountId);
      const calls = [
        h.call('GET', `/v1/users/${u.id}/alternate-phones`, { token }),
        h.call('POST', `/v1/users/${u.id}/alternate-phones`, { token, body: { number: '+4915144444444' } }),
        h.call('PATCH', `/v1/users/${u.id}/alternate-phones/${alt.body.id}`, { token, body: { active: false } }),
        h.call('DELETE', `/v1/users/${u.id}/alternate-phones/${alt.body.id}`, { token }),
        h.call('GET', `/v1/users/${u.id}/office-anywhere`, { token }),
      ];
      for (const r of await Promise.all(calls)) {
        assert.equal(r.status, 404, r.text);
        assert.ok(!r.text.includes('+4915133333333'));
      }
      assert.equal(await accountSnapshot(h, t.accountId), snap);
    }
    // An alternate phone id of another user, under this user's path, is not found either.
    const own = await h.call('POST', `/v1/users/${other.id}/alternate-phones`, { token: other.token, body: { number: '+4915155555555' } });
    assert.equal((await h.call('DELETE', `/v1/users/${other.id}/alternate-phones/${alt.body.id}`, { token: other.token })).status, 404);
    assert.equal(own.status, 201);
  });
});

describe('readiness', () => {
  test('each missing prerequisite is reported, then ready once all three are met', async () => {
    const t = await makeAccount(h);
    const site2 = await addSite(t);
    const u = await makeUser(h, t);
    const check = async (token = t.adminToken) => {
      const r = await h.call('GET', `/v1/users/${u.id}/office-anywhere`, { token });
      assert.equal(r.status, 200, r.text);
      return r.body as { ready: boolean; checks: { name: string; ok: boolean; message: string }[] };
    };
    const flags = (r: { checks: { name: string; ok: boolean }[] }) => r.checks.map((c) => `${c.name}:${c.ok}`);
    let r = await check(u.token);
    assert.equal(r.ready, false);
    assert.deepEqual(flags(r), ['portal_number:false', 'user_enabled:false', 'active_alternate_phone:false']);
    assert.match(r.checks[0]!.message, /No Office Anywhere portal number serves the site Head office/);
    assert.match(r.checks[1]!.message, /not enabled for Office Anywhere/);
    assert.match(r.checks[2]!.message, /no alternate phone/);

    // A portal for another site does not count; one for the account does.
    const [n1, n2] = await activeNumbers(h, t, 2);
    assert.equal((await createPortal(t, { numberId: n1!.id, scope: 'site', siteId: site2 })).status, 201);
    assert.deepEqual(flags(await check()), ['portal_number:false', 'user_enabled:false', 'active_alternate_phone:false']);
    assert.equal((await createPortal(t, { numberId: n2!.id, scope: 'account', name: 'Mobility' })).status, 201);
    r = await check();
    assert.deepEqual(flags(r), ['portal_number:true', 'user_enabled:false', 'active_alternate_phone:false']);
    assert.match(r.checks[0]!.message, new RegExp(`Mobility \\(\\${n2!.e164}\\)`));

    assert.equal((await h.call('PATCH', `/v1/users/${u.id}`, { token: t.adminToken, body: { officeAnywhereEnabled: true } })).status, 200);
    assert.deepEqual(flags(await check()), ['portal_number:true', 'user_enabled:true', 'active_alternate_phone:false']);

    const alt = await h.call('POST', `/v1/users/${u.id}/alternate-phones`, { token: u.token, body: { number: '+4915166666666', active: false } });
    r = await check();
    assert.deepEqual(flags(r), ['portal_number:true', 'user_enabled:true', 'active_alternate_phone:false']);
    assert.match(r.checks[2]!.message, /None of the user's 1 alternate phone is active/);
    assert.equal((await h.call('PATCH', `/v1/users/${u.id}/alternate-phones/${alt.body.id}`, { token: u.token, body: { active: true } })).status, 200);
    r = await check(u.token);
    assert.equal(r.ready, true);
    assert.deepEqual(flags(r), ['portal_number:true', 'user_enabled:true', 'active_alternate_phone:true']);
  });

  test('a site-scoped portal serves users of that site', async () => {
    const t = await makeAccount(h);
    const u = await makeUser(h, t);
    const [n] = await activeNumbers(h, t, 1);
    assert.equal((await createPortal(t, { numberId: n!.id, scope: 'site', siteId: t.siteId })).status, 201);
    const r = await h.call('GET', `/v1/users/${u.id}/office-anywhere`, { token: u.token });
    assert.equal(r.body.checks[0].ok, true);
  });
});
