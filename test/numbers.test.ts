/** Spec §3 numbers through the API: inventory, the site list and its search, details, actions. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  accountSnapshot, activeNumbers, allocate, harness, makeAccount, makeUser, nextNumber, signIn, uniq, type Harness, type TenantFixture,
} from './support/harness.ts';
import { newId } from '../src/domain/ids.ts';

let h: Harness;
let a: TenantFixture;
let b: TenantFixture;
before(async () => {
  h = await harness();
  a = await makeAccount(h);
  b = await makeAccount(h);
});
after(async () => h.close());

const setStatus = (id: string, status: string) => h.db.owner((sql) => sql.query(`UPDATE numbers SET status = $2 WHERE id = $1`, [id, status]));
const setUser = (id: string, userId: string) => h.db.owner((sql) => sql.query(`UPDATE numbers SET user_id = $2 WHERE id = $1`, [id, userId]));

/** A second site in the fixture's account. */
async function addSite(t: TenantFixture, name = `Branch ${uniq()}`): Promise<string> {
  const r = await h.call('POST', '/v1/sites', { token: t.adminToken, body: { name, timeZone: 'Europe/Berlin', mainNumber: nextNumber() } });
  assert.equal(r.status, 201, r.text);
  return r.body.id as string;
}

/** All pages of a site's list for `q`, fetched `limit` at a time. */
async function listAll(token: string, siteId: string, q: string, limit = 50): Promise<{ e164: string; assignedTo: string }[]> {
  const out: { e164: string; assignedTo: string }[] = [];
  let cursor: string | null = null;
  do {
    const url: string = `/v1/sites/${siteId}/numbers?limit=${limit}&q=${encodeURIComponent(q)}${cursor ? `&cursor=${cursor}` : ''}`;
    const r = await h.call('GET', url, { token });
    assert.equal(r.status, 200, r.text);
    out.push(...r.body.items);
    cursor = r.body.nextCursor;
  } while (cursor);
  return out;
}

describe('inventory (operator)', () => {
  test('allocates numbers reserved, in national or E.164 form', async () => {
    const e = nextNumber();
    const national = `0${e.slice(3)}`; // +4930… → 030…
    const r = await h.call('POST', `/v1/accounts/${a.accountId}/numbers`, { token: h.operatorToken, body: { siteId: a.siteId, numbers: [national] } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.body.items.length, 1);
    assert.deepEqual({ ...r.body.items[0], id: undefined }, {
      id: undefined, e164: e, siteId: a.siteId, status: 'reserved', isMain: false, assignedTo: 'Unassigned', userId: null, displayName: null, phoneId: null, extension: null,
    });
    const audit = await h.call('GET', '/v1/audit?action=number.allocate', { token: a.adminToken });
    assert.ok(audit.body.items.some((x: { after: { e164: string }[] }) => x.after.some((n) => n.e164 === e)));
  });

  test('an invalid number refuses the whole request, naming it', async () => {
    const snap = await accountSnapshot(h, a.accountId);
    const r = await h.call('POST', `/v1/accounts/${a.accountId}/numbers`, { token: h.operatorToken, body: { siteId: a.siteId, numbers: [nextNumber(), '12345', nextNumber()] } });
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'invalid_number');
    assert.equal(r.body.field, 'numbers[1]');
    assert.equal(await accountSnapshot(h, a.accountId), snap);
  });

  test("a number allocated anywhere (another account's included) refuses the whole request", async () => {
    const snap = await accountSnapshot(h, a.accountId);
    const r = await h.call('POST', `/v1/accounts/${a.accountId}/numbers`, { token: h.operatorToken, body: { siteId: a.siteId, numbers: [nextNumber(), b.mainNumber] } });
    assert.equal(r.status, 409);
    assert.equal(r.body.code, 'number_taken');
    assert.equal(r.body.field, 'numbers[1]');
    assert.equal(await accountSnapshot(h, a.accountId), snap);
    const dup = nextNumber();
    const twice = await h.call('POST', `/v1/accounts/${a.accountId}/numbers`, { token: h.operatorToken, body: { siteId: a.siteId, numbers: [dup, dup] } });
    assert.equal(twice.status, 400);
    assert.equal(twice.body.field, 'numbers[1]');
    assert.equal(await accountSnapshot(h, a.accountId), snap);
  });

  test("a site of another account is not found; admins may not allocate", async () => {
    const snap = await accountSnapshot(h, a.accountId);
    const r = await h.call('POST', `/v1/accounts/${a.accountId}/numbers`, { token: h.operatorToken, body: { siteId: b.siteId, numbers: [nextNumber()] } });
    assert.equal(r.status, 404);
    assert.equal(r.body.field, 'siteId');
    const admin = await h.call('POST', `/v1/accounts/${a.accountId}/numbers`, { token: a.adminToken, body: { siteId: a.siteId, numbers: [nextNumber()] } });
    assert.equal(admin.status, 403);
    assert.equal(await accountSnapshot(h, a.accountId), snap);
  });

  test('the inventory lists the account across sites; release only reserved, non-main numbers', async () => {
    const t = await makeAccount(h);
    const site2 = await addSite(t);
    const [r1] = await allocate(h, t, 1);
    const [r2] = await allocate(h, t, 1, site2);
    const [act] = await activeNumbers(h, t, 1);
    const list = await h.call('GET', `/v1/accounts/${t.accountId}/numbers?limit=500`, { token: h.operatorToken });
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 5); // two main numbers + three
    const reserved = await h.call('GET', `/v1/accounts/${t.accountId}/numbers?status=reserved`, { token: h.operatorToken });
    assert.deepEqual(reserved.body.items.map((x: { id: string }) => x.id).sort(), [r1!.id, r2!.id].sort());

    const snap = await accountSnapshot(h, t.accountId);
    const main = await h.call('DELETE', `/v1/accounts/${t.accountId}/numbers/${t.mainNumberId}`, { token: h.operatorToken });
    assert.equal(main.status, 409);
    assert.equal(main.body.code, 'number_is_main');
    const active = await h.call('DELETE', `/v1/accounts/${t.accountId}/numbers/${act!.id}`, { token: h.operatorToken });
    assert.equal(active.status, 409);
    assert.equal(active.body.code, 'number_not_reserved');
    const foreign = await h.call('DELETE', `/v1/accounts/${t.accountId}/numbers/${b.mainNumberId}`, { token: h.operatorToken });
    assert.equal(foreign.status, 404);
    assert.equal(await accountSnapshot(h, t.accountId), snap);

    const ok = await h.call('DELETE', `/v1/accounts/${t.accountId}/numbers/${r1!.id}`, { token: h.operatorToken });
    assert.equal(ok.status, 204);
    const again = await h.call('POST', `/v1/accounts/${t.accountId}/numbers`, { token: h.operatorToken, body: { siteId: t.siteId, numbers: [r1!.e164] } });
    assert.equal(again.status, 201, 'a released number can be allocated again');
  });
});

describe('activation', () => {
  test('reserved → active; main and already active numbers are refused', async () => {
    const [n] = await allocate(h, a, 1);
    const r = await h.call('POST', `/v1/numbers/${n!.id}/activate`, { token: a.adminToken });
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'active');
    const snap = await accountSnapshot(h, a.accountId);
    const again = await h.call('POST', `/v1/numbers/${n!.id}/activate`, { token: a.adminToken });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'number_not_reserved');
    const main = await h.call('POST', `/v1/numbers/${a.mainNumberId}/activate`, { token: a.adminToken });
    assert.equal(main.status, 409);
    assert.equal(main.body.code, 'number_is_main');
    const foreign = await h.call('POST', `/v1/numbers/${n!.id}/activate`, { token: b.adminToken });
    assert.equal(foreign.status, 404);
    assert.equal(await accountSnapshot(h, a.accountId), snap);
  });
});

describe('assignment and display name', () => {
  test('assigns a user of the same account; a foreign or unknown user is not found', async () => {
    const [n] = await activeNumbers(h, a, 1);
    const u = await makeUser(h, a, { firstName: 'Grace', lastName: 'Hopper' });
    const foreignUser = await makeUser(h, b);
    const snap = await accountSnapshot(h, a.accountId);
    for (const userId of [foreignUser.id, newId()]) {
      const r = await h.call('PUT', `/v1/numbers/${n!.id}/assignment`, { token: a.adminToken, body: { userId } });
      assert.equal(r.status, 404);
      assert.equal(r.body.code, 'not_found');
      assert.equal(r.body.field, 'userId');
    }
    assert.equal(await accountSnapshot(h, a.accountId), snap);
    const r = await h.call('PUT', `/v1/numbers/${n!.id}/assignment`, { token: a.adminToken, body: { userId: u.id } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.userId, u.id);
    assert.equal(r.body.assignedTo, 'Grace Hopper');
    const user = await h.call('GET', `/v1/users/${u.id}`, { token: a.adminToken });
    assert.equal(user.body.number, n!.e164);
  });

  test('a user holds at most one number', async () => {
    const [n1, n2] = await activeNumbers(h, a, 2);
    const u = await makeUser(h, a);
    assert.equal((await h.call('PUT', `/v1/numbers/${n1!.id}/assignment`, { token: a.adminToken, body: { userId: u.id } })).status, 200);
    const snap = await accountSnapshot(h, a.accountId);
    const r = await h.call('PUT', `/v1/numbers/${n2!.id}/assignment`, { token: a.adminToken, body: { userId: u.id } });
    assert.equal(r.status, 409);
    assert.equal(r.body.code, 'user_has_number');
    assert.equal(r.body.field, 'userId');
    assert.equal(r.body.number, n1!.e164);
    assert.ok(r.body.detail.includes(n1!.e164));
    assert.equal(await accountSnapshot(h, a.accountId), snap);
  });

  test('a display name overrides "assigned to" but not the assignment; unassigning keeps it', async () => {
    const [n] = await activeNumbers(h, a, 1);
    const u = await makeUser(h, a, { firstName: 'Alan', lastName: 'Turing' });
    await h.call('PUT', `/v1/numbers/${n!.id}/assignment`, { token: a.adminToken, body: { userId: u.id } });
    const set = await h.call('PUT', `/v1/numbers/${n!.id}/display-name`, { token: a.adminToken, body: { line1: 'Front desk', line2: 'Ground floor' } });
    assert.equal(set.status, 200, set.text);
    assert.equal(set.body.assignedTo, 'Front desk Ground floor');
    assert.equal(set.body.userId, u.id);
    assert.deepEqual(set.body.displayName, { line1: 'Front desk', line2: 'Ground floor' });
    const details = await h.call('GET', `/v1/numbers/${n!.id}`, { token: a.adminToken });
    assert.equal(details.body.user.id, u.id);
    assert.equal(details.body.assignedTo, 'Front desk Ground floor');

    const un = await h.call('DELETE', `/v1/numbers/${n!.id}/assignment`, { token: a.adminToken });
    assert.equal(un.status, 200);
    assert.equal(un.body.userId, null);
    assert.equal(un.body.assignedTo, 'Front desk Ground floor');
    const snap = await accountSnapshot(h, a.accountId);
    const again = await h.call('DELETE', `/v1/numbers/${n!.id}/assignment`, { token: a.adminToken });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'number_has_no_user');
    assert.equal(await accountSnapshot(h, a.accountId), snap);

    await h.call('PUT', `/v1/numbers/${n!.id}/assignment`, { token: a.adminToken, body: { userId: u.id } });
    const cleared = await h.call('DELETE', `/v1/numbers/${n!.id}/display-name`, { token: a.adminToken });
    assert.equal(cleared.status, 200);
    assert.equal(cleared.body.displayName, null);
    assert.equal(cleared.body.assignedTo, 'Alan Turing');
    const line1Only = await h.call('PUT', `/v1/numbers/${n!.id}/display-name`, { token: a.adminToken, body: { line1: 'Lab' } });
    assert.equal(line1Only.body.assignedTo, 'Lab');
    const tooLong = await h.call('PUT', `/v1/numbers/${n!.id}/display-name`, { token: a.adminToken, body: { line1: 'x'.repeat(41) } });
    assert.equal(tooLong.status, 400);
    assert.equal(tooLong.body.field, 'line1');
  });

  test('a plain user may not assign (403) and sees only their own number (404 otherwise)', async () => {
    const [mine, other] = await activeNumbers(h, a, 2);
    const u = await makeUser(h, a);
    await h.call('PUT', `/v1/numbers/${mine!.id}/assignment`, { token: a.adminToken, body: { userId: u.id } });
    assert.equal((await h.call('PUT', `/v1/numbers/${other!.id}/assignment`, { token: u.token, body: { userId: u.id } })).status, 403);
    const own = await h.call('GET', `/v1/numbers/${mine!.id}`, { token: u.token });
    assert.equal(own.status, 200);
    assert.equal(own.body.user.extension, u.extension);
    assert.equal((await h.call('GET', `/v1/numbers/${other!.id}`, { token: u.token })).status, 404);
    assert.equal((await h.call('GET', `/v1/numbers/${mine!.id}`, { token: b.adminToken })).status, 404);
  });
});

describe('every action except activation needs an active, non-main number', () => {
  test('main, reserved and pending numbers refuse every action and nothing changes', async () => {
    const t = await makeAccount(h);
    const [reserved] = await allocate(h, t, 1);
    const [pending] = await activeNumbers(h, t, 1);
    const users = [await makeUser(h, t), await makeUser(h, t), await makeUser(h, t)];
    const spare = await makeUser(h, t);
    const assert200 = await h.call('PUT', `/v1/numbers/${pending!.id}/assignment`, { token: t.adminToken, body: { userId: users[2]!.id } });
    assert.equal(assert200.status, 200);
    await setStatus(pending!.id, 'pending');
    // So that the PIN actions reach the status guard, the main and reserved numbers get a user too.
    await setUser(t.mainNumberId, users[0]!.id);
    await setUser(reserved!.id, users[1]!.id);
    const cases = [
      { id: t.mainNumberId, user: users[0]!, code: 'number_is_main' },
      { id: reserved!.id, user: users[1]!, code: 'number_not_active' },
      { id: pending!.id, user: users[2]!, code: 'number_not_active' },
    ];
    const snap = await accountSnapshot(h, t.accountId);
    for (const c of cases) {
      const actions: [string, string, string, unknown][] = [
        ['PUT', 'assignment', t.adminToken, { userId: spare.id }],
        ['DELETE', 'assignment', t.adminToken, undefined],
        ['PUT', 'display-name', t.adminToken, { line1: 'Reception', line2: '' }],
        ['DELETE', 'display-name', t.adminToken, undefined],
        ['PATCH', 'features', t.adminToken, { doNotDisturb: true }],
        ['PATCH', 'features', c.user.token, { voicemail: false }],
        ['POST', 'pin/reset', t.adminToken, undefined],
        ['PUT', 'pin', c.user.token, { currentPin: '000000', newPin: '739146' }],
        ['POST', 'pin/verify', c.user.token, { pin: '739146' }],
      ];
      for (const [method, path, token, body] of actions) {
        const r = await h.call(method, `/v1/numbers/${c.id}/${path}`, { token, body });
        assert.equal(r.status, 409, `${method} ${path} on ${c.code}: ${r.text}`);
        assert.equal(r.body.code, c.code, `${method} ${path}`);
      }
    }
    assert.equal(await accountSnapshot(h, t.accountId), snap);
    // Activation: the pending number is not reserved.
    const act = await h.call('POST', `/v1/numbers/${pending!.id}/activate`, { token: t.adminToken });
    assert.equal(act.body.code, 'number_not_reserved');
  });
});

describe('site list and search', () => {
  test('assigned-to text and case-insensitive search on it and on number fragments, paginated', async () => {
    const t = await makeAccount(h);
    const nums = await activeNumbers(h, t, 4);
    const ada = await makeUser(h, t, { firstName: 'Ada', lastName: 'Lovelace' });
    const bob = await makeUser(h, t, { firstName: 'Bob', lastName: 'Lovelace' });
    await h.call('PUT', `/v1/numbers/${nums[0]!.id}/assignment`, { token: t.adminToken, body: { userId: ada.id } });
    await h.call('PUT', `/v1/numbers/${nums[1]!.id}/assignment`, { token: t.adminToken, body: { userId: bob.id } });
    await h.call('PUT', `/v1/numbers/${nums[2]!.id}/display-name`, { token: t.adminToken, body: { line1: 'Conference', line2: 'Room B' } });

    const all = await listAll(t.adminToken, t.siteId, '');
    const byNumber = new Map(all.map((x) => [x.e164, x.assignedTo]));
    assert.deepEqual(all.map((x) => x.e164), [...all.map((x) => x.e164)].sort(), 'ordered by number');
    assert.equal(byNumber.get(t.mainNumber), 'Main number');
    assert.equal(byNumber.get(nums[0]!.e164), 'Ada Lovelace');
    assert.equal(byNumber.get(nums[2]!.e164), 'Conference Room B');
    assert.equal(byNumber.get(nums[3]!.e164), 'Unassigned');

    assert.deepEqual((await listAll(t.adminToken, t.siteId, 'main NUMBER')).map((x) => x.e164), [t.mainNumber]);
    assert.deepEqual((await listAll(t.adminToken, t.siteId, 'ada lOVElace')).map((x) => x.e164), [nums[0]!.e164]);
    assert.deepEqual((await listAll(t.adminToken, t.siteId, 'UNASSIGNED')).map((x) => x.e164), [nums[3]!.e164]);
    assert.deepEqual((await listAll(t.adminToken, t.siteId, 'room b')).map((x) => x.e164), [nums[2]!.e164]);
    // A fragment of the number, as typed with spaces too.
    const tail = nums[1]!.e164.slice(-5);
    assert.deepEqual((await listAll(t.adminToken, t.siteId, tail)).map((x) => x.e164), [nums[1]!.e164]);
    assert.deepEqual((await listAll(t.adminToken, t.siteId, `${tail.slice(0, 2)} ${tail.slice(2)}`)).map((x) => x.e164), [nums[1]!.e164]);
    // Pagination with q: both Lovelaces, one per page.
    const paged = await listAll(t.adminToken, t.siteId, 'lovelace', 1);
    assert.deepEqual(paged.map((x) => x.e164).sort(), [nums[0]!.e164, nums[1]!.e164].sort());
    // A display name hides the user's name from the search too (search and display agree).
    await h.call('PUT', `/v1/numbers/${nums[1]!.id}/display-name`, { token: t.adminToken, body: { line1: 'Helpdesk' } });
    assert.deepEqual((await listAll(t.adminToken, t.siteId, 'lovelace')).map((x) => x.e164), [nums[0]!.e164]);
    // % and _ are literal.
    assert.deepEqual(await listAll(t.adminToken, t.siteId, '%'), []);
  });

  test('the site list filtered by status; an unknown status is refused by name', async () => {
    const t = await makeAccount(h);
    const [active] = await activeNumbers(h, t, 1);
    const [reserved] = await allocate(h, t, 1);
    const list = async (status: string) => h.call('GET', `/v1/sites/${t.siteId}/numbers?status=${status}&limit=500`, { token: t.adminToken });
    const onlyActive = (await list('active')).body.items.map((x: { e164: string }) => x.e164);
    assert.ok(onlyActive.includes(active!.e164) && !onlyActive.includes(reserved!.e164), onlyActive.join());
    assert.ok((await list('active')).body.items.every((x: { status: string }) => x.status === 'active'));
    assert.deepEqual((await list('reserved')).body.items.map((x: { e164: string }) => x.e164), [reserved!.e164]);
    const bad = await list('gone');
    assert.equal(bad.status, 400);
    assert.match(bad.body.field, /status/);
  });

  test("each row shows the extension reaching the number and, while in use, its default PIN", async () => {
    const t = await makeAccount(h);
    const [n1, n2] = await activeNumbers(h, t, 2);
    const ada = await makeUser(h, t, { firstName: 'Ada', lastName: 'Extension', extension: '4711' });
    assert.equal((await h.call('PUT', `/v1/numbers/${n1!.id}/assignment`, { token: t.adminToken, body: { userId: ada.id } })).status, 200);
    const portal = await h.call('POST', '/v1/office-anywhere/portals', { token: t.adminToken, body: { numberId: n2!.id, scope: 'account', extension: '4712' } });
    assert.equal(portal.status, 201, portal.text);
    const rows = new Map((await listAll(t.adminToken, t.siteId, '')).map((x) => [x.e164, x as unknown as { extension: string | null; defaultPin: string | null }]));
    assert.equal(rows.get(n1!.e164)!.extension, '4711', "the user's extension");
    assert.equal(rows.get(n2!.e164)!.extension, '4712', "the Office Anywhere portal's extension");
    assert.equal(rows.get(t.mainNumber)!.extension, null);
    const pin = (await h.call('GET', `/v1/numbers/${n1!.id}/pin`, { token: t.adminToken })).body.defaultPin as string;
    assert.match(pin, /^\d+$/);
    assert.equal(rows.get(n1!.e164)!.defaultPin, pin);
    // a custom PIN is private: the list then shows no PIN at all
    assert.equal((await h.call('PUT', `/v1/numbers/${n1!.id}/pin`, { token: ada.token, body: { currentPin: pin, newPin: '739146' } })).status, 200);
    const after = (await listAll(t.adminToken, t.siteId, n1!.e164)) as unknown as { defaultPin: string | null }[];
    assert.equal(after[0]!.defaultPin, null);
  });

  test('a site admin sees only the sites given to them; other accounts see nothing', async () => {
    const t = await makeAccount(h);
    const site2 = await addSite(t);
    const [n1] = await activeNumbers(h, t, 1);
    const [n2] = await activeNumbers(h, t, 1, site2);
    const sa = await makeUser(h, t, { siteId: site2 });
    const p = await h.call('PATCH', `/v1/users/${sa.id}`, { token: t.adminToken, body: { role: 'site_admin', adminSiteIds: [site2] } });
    assert.equal(p.status, 200, p.text);
    const token = await signIn(h, sa.email, 'user password 1');
    assert.equal((await h.call('GET', `/v1/sites/${t.siteId}/numbers`, { token })).status, 404);
    const own = await h.call('GET', `/v1/sites/${site2}/numbers`, { token });
    assert.equal(own.status, 200);
    assert.ok(own.body.items.some((x: { id: string }) => x.id === n2!.id));
    assert.equal((await h.call('GET', `/v1/numbers/${n1!.id}`, { token })).status, 404);
    assert.equal((await h.call('POST', `/v1/numbers/${n1!.id}/pin/reset`, { token })).status, 404);
    assert.equal((await h.call('GET', `/v1/numbers/${n2!.id}`, { token })).status, 200);
    assert.equal((await h.call('GET', `/v1/sites/${t.siteId}/numbers`, { token: b.adminToken })).status, 404);
    const plain = await makeUser(h, t);
    assert.equal((await h.call('GET', `/v1/sites/${t.siteId}/numbers`, { token: plain.token })).status, 403);
  });
});

describe('details', () => {
  test('a read-only view of everything about the number, without secrets', async () => {
    const [n] = await activeNumbers(h, a, 1);
    const r = await h.call('GET', `/v1/numbers/${n!.id}`, { token: a.adminToken });
    assert.equal(r.status, 200);
    assert.equal(r.body.e164, n!.e164);
    assert.deepEqual(r.body.pin, { state: 'default', locked: false, failures: 0 });
    assert.equal(r.body.features.noAnswerRingSeconds, 18);
    assert.deepEqual(r.body.features.authorizationCode, { enabled: false });
    assert.equal(r.body.handset, null);
    assert.equal(r.body.officeAnywherePortal, null);
    assert.equal(r.body.user, null);
    assert.ok(!('defaultPin' in r.body) && !('pinHash' in r.body) && !r.text.includes('pin_hash'));
    const op = await h.call('GET', `/v1/numbers/${n!.id}`, { token: h.operatorToken, headers: { 'tandem-account': a.accountId } });
    assert.equal(op.status, 200);
  });
});
