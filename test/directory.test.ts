/**
 * The federated directory (spec §8 "Directory"): own account by default, the full directory and
 * chosen offices only through ACTIVE federations in which both accounts are ACTIVE members (not
 * transitive; the union of what several federations grant), each shared field exactly per policy,
 * new and removed users effective in the same response cycle, departures effective for the very next
 * request, the search rules over the API, the admin and user views, and paging.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { activeNumbers, harness, makeAccount, makeUser, signIn, uniq, type Harness, type Res, type TenantFixture } from './support/harness.ts';
import { consentAs, distinctAdminExtensions, federate, propose } from './support/federation.ts';
import { buildScaleDemo, ScaleDemoAlreadyLoaded } from '../src/cli/demo-scale.ts';
import { DEMO_PASSWORD } from '../src/cli/demo-data.ts';
import { clientFor } from '../src/cli/local-client.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(async () => h.close());

/** Policy with every sharing field off except the directory; tests switch single fields on. */
const BARE = { directory: true, extensionDialing: false, callerIdDisplay: 'name_number', sharePresence: false, shareProfileImage: false, pager: false, chat: false };

/** `n` fresh accounts with distinct admin extensions, each with one plain user. */
async function accounts(n: number): Promise<{ t: TenantFixture; user: { id: string; token: string; email: string } }[]> {
  const out: { t: TenantFixture; user: { id: string; token: string; email: string } }[] = [];
  for (let i = 0; i < n; i++) {
    const t = await makeAccount(h, { name: `Office ${String.fromCharCode(65 + i)} ${uniq()}` });
    const user = await makeUser(h, t, { firstName: 'Plain', lastName: `User${uniq()}` });
    out.push({ t, user });
  }
  await distinctAdminExtensions(h, out.map((o) => o.t));
  return out;
}

async function dir(token: string, query: Record<string, string | number> = {}): Promise<Res> {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
  return h.call('GET', `/v1/directory${qs ? `?${qs}` : ''}`, { token });
}

/** Every entry of every page (limit 100). */
async function all(token: string, query: Record<string, string | number> = {}): Promise<Record<string, any>[]> { // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON entries
  const items: Record<string, any>[] = []; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON entries
  let cursor: string | null = null;
  do {
    const r = await dir(token, { ...query, limit: 100, ...(cursor ? { cursor } : {}) });
    assert.equal(r.status, 200, r.text);
    items.push(...r.body.items);
    cursor = r.body.nextCursor;
  } while (cursor);
  return items;
}

const accountsIn = async (token: string, query: Record<string, string | number> = {}): Promise<Set<string>> => new Set((await all(token, query)).map((e) => e.accountId as string));

describe('scope', () => {
  test('the own account is the default, with its Office and no federated flag', async () => {
    const [a, b] = await accounts(2);
    await federate(h, [a!.t, b!.t], { preset: 'federated' });
    const items = await all(a!.user.token);
    assert.deepEqual(new Set(items.map((e) => e.accountId)), new Set([a!.t.accountId]));
    assert.equal(items.length, 2);
    const office = (await h.call('GET', `/v1/accounts/${a!.t.accountId}`, { token: a!.t.adminToken })).body.name;
    for (const e of items) {
      assert.equal(e.office, office);
      assert.equal(e.federated, false);
    }
    assert.deepEqual(await accountsIn(a!.user.token, { scope: 'own' }), new Set([a!.t.accountId]));
  });

  test('other accounts appear only once the federation is active with both accounts active in it', async () => {
    const [a, b] = await accounts(2);
    const f = await propose(h, a!.t, [b!.t], { preset: 'federated' });
    assert.deepEqual(await accountsIn(a!.user.token, { scope: 'all' }), new Set([a!.t.accountId]), 'proposed');
    assert.equal((await consentAs(h, a!.t, f)).status, 200);
    assert.deepEqual(await accountsIn(a!.user.token, { scope: 'all' }), new Set([a!.t.accountId]), 'one of two consented');
    assert.deepEqual(await accountsIn(b!.user.token, { scope: 'all' }), new Set([b!.t.accountId]), 'the pending side sees nothing either');
    assert.equal((await consentAs(h, b!.t, f)).body.status, 'active');
    assert.deepEqual(await accountsIn(a!.user.token, { scope: 'all' }), new Set([a!.t.accountId, b!.t.accountId]), 'active');
    assert.deepEqual(await accountsIn(b!.user.token, { scope: 'all' }), new Set([a!.t.accountId, b!.t.accountId]), 'all-to-all');
    const federated = (await all(a!.user.token, { scope: 'all' })).filter((e) => e.accountId === b!.t.accountId);
    assert.equal(federated.length, 2);
    assert.ok(federated.every((e) => e.federated === true));
  });

  test('a federation without the directory grants no directory', async () => {
    const [a, b] = await accounts(2);
    await federate(h, [a!.t, b!.t], { preset: 'federated', policy: { directory: false } });
    assert.deepEqual(await accountsIn(a!.user.token, { scope: 'all' }), new Set([a!.t.accountId]));
    const r = await dir(a!.user.token, { scope: 'offices', offices: b!.t.accountId });
    assert.equal(r.status, 404);
    assert.equal(r.body.field, 'offices');
  });

  test('visibility is not transitive: with A–B and B–C, A sees B but not C', async () => {
    const [a, b, c] = await accounts(3);
    await federate(h, [a!.t, b!.t], { preset: 'linked' });
    await federate(h, [b!.t, c!.t], { preset: 'linked' });
    assert.deepEqual(await accountsIn(a!.user.token, { scope: 'all' }), new Set([a!.t.accountId, b!.t.accountId]));
    assert.deepEqual(await accountsIn(c!.user.token, { scope: 'all' }), new Set([c!.t.accountId, b!.t.accountId]));
    assert.deepEqual(await accountsIn(b!.user.token, { scope: 'all' }), new Set([a!.t.accountId, b!.t.accountId, c!.t.accountId]));
    const r = await dir(a!.user.token, { scope: 'offices', offices: c!.t.accountId });
    assert.equal(r.status, 404);
    assert.equal(r.body.code, 'not_found');
    assert.equal(r.body.field, 'offices');
  });

  test('chosen offices: only those accounts; an office not granted is refused', async () => {
    const [a, b, c, d] = await accounts(4);
    await federate(h, [a!.t, b!.t, c!.t], { preset: 'federated' });
    assert.deepEqual(await accountsIn(a!.user.token, { scope: 'offices', offices: b!.t.accountId }), new Set([b!.t.accountId]));
    assert.deepEqual(await accountsIn(a!.user.token, { scope: 'offices', offices: `${a!.t.accountId},${c!.t.accountId}` }), new Set([a!.t.accountId, c!.t.accountId]));
    assert.deepEqual(await accountsIn(a!.user.token, { offices: c!.t.accountId }), new Set([c!.t.accountId]), 'offices alone implies scope=offices');
    for (const offices of [d!.t.accountId, `${b!.t.accountId},${d!.t.accountId}`, '0190c0de-0000-7000-8000-000000000000']) {
      const r = await dir(a!.user.token, { scope: 'offices', offices });
      assert.equal(r.status, 404, offices);
      assert.equal(r.body.code, 'not_found');
      assert.equal(r.body.field, 'offices');
      assert.ok(!r.text.includes(d!.t.domain));
    }
    const bad = await dir(a!.user.token, { scope: 'offices', offices: 'not-an-id' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'offices');
    const none = await dir(a!.user.token, { scope: 'offices' });
    assert.equal(none.status, 400);
    assert.equal(none.body.code, 'validation_failed');
    assert.equal(none.body.field, 'offices');
    const mixed = await dir(a!.user.token, { scope: 'all', offices: b!.t.accountId });
    assert.equal(mixed.status, 400);
    assert.equal(mixed.body.field, 'offices');
  });

  test('the offices list: own account first, then the granted ones; admins see which federations grant them', async () => {
    const [a, b, c, d] = await accounts(4);
    const f1 = await federate(h, [a!.t, b!.t], { preset: 'federated', name: `F1 ${uniq()}` });
    const f2 = await federate(h, [a!.t, c!.t], { preset: 'linked', name: `F2 ${uniq()}` });
    await federate(h, [a!.t, d!.t], { preset: 'federated', policy: { directory: false } });
    const u = await h.call('GET', '/v1/directory/offices', { token: a!.user.token });
    assert.equal(u.status, 200, u.text);
    const names = await Promise.all([a, b, c].map(async (x) => (await h.call('GET', `/v1/accounts/${x!.t.accountId}`, { token: x!.t.adminToken })).body.name as string));
    const others = [{ accountId: b!.t.accountId, name: names[1]!, federated: true }, { accountId: c!.t.accountId, name: names[2]!, federated: true }]
      .sort((x, y) => x.name.localeCompare(y.name));
    assert.deepEqual(u.body.items, [{ accountId: a!.t.accountId, name: names[0], federated: false }, ...others]);
    const adm = await h.call('GET', '/v1/directory/offices', { token: a!.t.adminToken });
    const byId = new Map((adm.body.items as { accountId: string; grantedBy: { federationId: string }[] }[]).map((o) => [o.accountId, o.grantedBy.map((g) => g.federationId)]));
    assert.deepEqual(byId.get(a!.t.accountId), []);
    assert.deepEqual(byId.get(b!.t.accountId), [f1]);
    assert.deepEqual(byId.get(c!.t.accountId), [f2]);
    assert.equal(byId.has(d!.t.accountId), false);
  });
});

describe('what a federation shares', () => {
  /** The entry of `userId` as `token` sees it in the full directory. */
  const entryOf = async (token: string, userId: string) => (await all(token, { scope: 'all' })).find((e) => e.userId === userId);

  test('with nothing shared: name, e-mail, number and Office only; extension, presence and image are null and the extension is not searchable', async () => {
    const [a, b] = await accounts(2);
    await h.call('PATCH', `/v1/users/${b!.user.id}`, { token: b!.t.adminToken, body: { profileImageUrl: 'https://img.example/b.png' } });
    const [n] = await activeNumbers(h, b!.t, 1);
    assert.equal((await h.call('PUT', `/v1/numbers/${n!.id}/assignment`, { token: b!.t.adminToken, body: { userId: b!.user.id } })).status, 200);
    await federate(h, [a!.t, b!.t], { policy: BARE });
    const e = await entryOf(a!.user.token, b!.user.id);
    const me = (await h.call('GET', `/v1/users/${b!.user.id}`, { token: b!.t.adminToken })).body;
    assert.deepEqual(e, {
      userId: b!.user.id, accountId: b!.t.accountId, office: e!.office, federated: true, firstName: 'Plain', lastName: me.lastName, email: b!.user.email,
      extension: null, number: n!.e164, presence: null, profileImageUrl: null,
    });
    assert.ok(me.extension);
    const byExt = await all(a!.user.token, { scope: 'all', q: me.extension });
    assert.equal(byExt.some((x) => x.userId === b!.user.id), false, 'a hidden extension is not searched');
    // B's own users see everything of B.
    const own = (await all(b!.user.token)).find((x) => x.userId === b!.user.id);
    assert.equal(own!.extension, me.extension);
    assert.equal(own!.presence, 'offline');
    assert.equal(own!.profileImageUrl, 'https://img.example/b.png');
  });

  for (const [field, policy, check] of [
    ['presence', { sharePresence: true }, (e: Record<string, unknown>) => e.presence === 'offline' && e.extension === null && e.profileImageUrl === null],
    ['profile image', { shareProfileImage: true }, (e: Record<string, unknown>) => e.profileImageUrl === 'https://img.example/x.png' && e.presence === null && e.extension === null],
    ['extension (extension dialing)', { extensionDialing: true }, (e: Record<string, unknown>) => typeof e.extension === 'string' && e.presence === null && e.profileImageUrl === null],
    ['extension (name + extension display)', { callerIdDisplay: 'name_extension' }, (e: Record<string, unknown>) => typeof e.extension === 'string' && e.presence === null],
  ] as const) {
    test(`${field} is shared exactly when the policy says so`, async () => {
      const [a, b] = await accounts(2);
      await h.call('PATCH', `/v1/users/${b!.user.id}`, { token: b!.t.adminToken, body: { profileImageUrl: 'https://img.example/x.png' } });
      await federate(h, [a!.t, b!.t], { policy: { ...BARE, ...policy } });
      const e = await entryOf(a!.user.token, b!.user.id);
      assert.ok(e && check(e), JSON.stringify(e));
    });
  }

  test('two federations between the same accounts: the union of what they share', async () => {
    const [a, b] = await accounts(2);
    await federate(h, [a!.t, b!.t], { policy: BARE });
    await h.db.owner((sql) => sql.query(`UPDATE users SET presence = 'busy' WHERE id = $1`, [b!.user.id]));
    await h.services.bus.publish({ type: 'presence.updated', accountId: b!.t.accountId, id: b!.user.id });
    assert.equal((await entryOf(a!.user.token, b!.user.id))!.presence, null);
    await federate(h, [a!.t, b!.t], { policy: { ...BARE, sharePresence: true } });
    const e = await entryOf(a!.user.token, b!.user.id);
    assert.equal(e!.presence, 'busy');
    assert.equal(e!.extension, null);
  });
});

describe('changes are effective at once', () => {
  test('a new user is searchable by every member as soon as POST /v1/users answers; a deleted one is gone as soon as DELETE answers', async () => {
    const [a, b] = await accounts(2);
    await federate(h, [a!.t, b!.t], { preset: 'federated' });
    await dir(a!.user.token, { scope: 'all', q: 'x' }); // the index is built before the change
    const last = `Newcomer${uniq()}`;
    const created = await h.call('POST', '/v1/users', { token: b!.t.adminToken, body: { siteId: b!.t.siteId, firstName: 'Nina', lastName: last, email: `nina${uniq()}@${b!.t.domain}` } });
    assert.equal(created.status, 201, created.text);
    const found = await dir(a!.user.token, { scope: 'all', q: last.slice(0, 6) });
    assert.deepEqual(found.body.items.map((e: { userId: string }) => e.userId), [created.body.id]);
    assert.equal(found.body.items[0].office, (await h.call('GET', `/v1/accounts/${b!.t.accountId}`, { token: b!.t.adminToken })).body.name);
    const own = await dir(b!.user.token, { q: 'nina' });
    assert.ok(own.body.items.some((e: { userId: string }) => e.userId === created.body.id));
    const renamed = await h.call('PATCH', `/v1/users/${created.body.id}`, { token: b!.t.adminToken, body: { lastName: `Renamed${uniq()}` } });
    assert.equal(renamed.status, 200);
    assert.equal((await dir(a!.user.token, { scope: 'all', q: last })).body.items.length, 0);
    assert.equal((await dir(a!.user.token, { scope: 'all', q: renamed.body.lastName })).body.items.length, 1);
    assert.equal((await h.call('DELETE', `/v1/users/${created.body.id}`, { token: b!.t.adminToken })).status, 204);
    assert.equal((await dir(a!.user.token, { scope: 'all', q: renamed.body.lastName })).body.items.length, 0);
    assert.equal((await dir(b!.user.token, { q: renamed.body.lastName })).body.items.length, 0);
  });

  test('assigning and unassigning a number shows at once', async () => {
    const [a] = await accounts(1);
    await dir(a!.user.token);
    const [n] = await activeNumbers(h, a!.t, 1);
    assert.equal((await h.call('PUT', `/v1/numbers/${n!.id}/assignment`, { token: a!.t.adminToken, body: { userId: a!.user.id } })).status, 200);
    const hit = await dir(a!.user.token, { q: n!.e164.slice(-5) });
    assert.deepEqual(hit.body.items.map((e: { userId: string; number: string }) => [e.userId, e.number]), [[a!.user.id, n!.e164]]);
    assert.equal((await h.call('DELETE', `/v1/numbers/${n!.id}/assignment`, { token: a!.t.adminToken })).status, 200);
    assert.equal((await dir(a!.user.token, { q: n!.e164.slice(-5) })).body.items.length, 0);
    assert.equal((await all(a!.user.token)).find((e) => e.userId === a!.user.id)!.number, null);
  });

  test('after leaving, the very next request no longer shows the other account (both sides)', async () => {
    const [a, b] = await accounts(2);
    const f = await federate(h, [a!.t, b!.t], { preset: 'linked' });
    assert.equal((await accountsIn(a!.user.token, { scope: 'all' })).size, 2);
    const left = await h.call('POST', `/v1/federations/${f}/leave`, { token: b!.t.adminToken });
    assert.equal(left.status, 200, left.text);
    assert.deepEqual(await accountsIn(a!.user.token, { scope: 'all' }), new Set([a!.t.accountId]));
    assert.deepEqual(await accountsIn(b!.user.token, { scope: 'all' }), new Set([b!.t.accountId]));
    const r = await dir(a!.user.token, { scope: 'offices', offices: b!.t.accountId });
    assert.equal(r.status, 404);
  });

  test('the grant is read for every request: a federation ended in the database is gone on the next request', async () => {
    const [a, b] = await accounts(2);
    const f = await federate(h, [a!.t, b!.t], { preset: 'federated' });
    assert.equal((await accountsIn(a!.user.token, { scope: 'all' })).size, 2);
    await h.db.owner((sql) => sql.query(`UPDATE federations SET status = 'dissolved', ended_at = now() WHERE id = $1`, [f]));
    assert.deepEqual(await accountsIn(a!.user.token, { scope: 'all' }), new Set([a!.t.accountId]));
  });

  test('renaming an account renames its Office at once', async () => {
    const [a, b] = await accounts(2);
    await federate(h, [a!.t, b!.t], { preset: 'federated' });
    await dir(a!.user.token, { scope: 'all' });
    const name = `Renamed Office ${uniq()}`;
    assert.equal((await h.call('PATCH', `/v1/accounts/${b!.t.accountId}`, { token: b!.t.adminToken, body: { name } })).status, 200);
    assert.ok((await all(a!.user.token, { scope: 'offices', offices: b!.t.accountId })).every((e) => e.office === name));
    assert.ok((await all(b!.user.token)).every((e) => e.office === name));
  });
});

describe('search', () => {
  test('first name, last name prefix, e-mail, extension and number fragment, across the full directory', async () => {
    const [a, b] = await accounts(2);
    await federate(h, [a!.t, b!.t], { preset: 'linked' });
    const tag = `q${uniq()}`;
    const greta = await makeUser(h, b!.t, { firstName: 'Gréta', lastName: `Ölberg${tag}`, email: `g.oelberg.${tag}@${b!.t.domain}`, extension: '7311' });
    const hans = await makeUser(h, a!.t, { firstName: `Hans${tag}`, lastName: 'Olbers', extension: '7322' });
    const [n] = await activeNumbers(h, b!.t, 1);
    await h.call('PUT', `/v1/numbers/${n!.id}/assignment`, { token: b!.t.adminToken, body: { userId: greta.id } });
    const ids = async (q: string, scope = 'all') => (await all(a!.user.token, { scope, q })).map((e) => e.userId as string);
    assert.deepEqual(await ids(`hans${tag}`), [hans.id], 'first name prefix');
    assert.deepEqual(await ids(`olberg${tag}`), [greta.id], 'last name, accents ignored');
    assert.deepEqual((await ids('ÖLB')).filter((id) => [greta.id, hans.id].includes(id)), [greta.id, hans.id], 'last name prefix, ordered by last name');
    assert.deepEqual(await ids(`g.oelberg.${tag}`), [greta.id], 'e-mail');
    assert.deepEqual(await ids(tag), [greta.id], 'a word of the e-mail');
    assert.deepEqual(await ids('73'), [greta.id, hans.id], 'extension prefix, across both accounts');
    assert.deepEqual(await ids('7311'), [greta.id], 'whole extension');
    assert.deepEqual(await ids(n!.e164.slice(-6)), [greta.id], 'number fragment');
    assert.deepEqual(await ids(`0${n!.e164.slice(3, 5)} ${n!.e164.slice(5)}`), [greta.id], 'national form with a blank');
    assert.deepEqual(await ids(`hans${tag}`, 'own'), [hans.id]);
    assert.deepEqual(await ids(`olberg${tag}`, 'own'), [], 'the own scope does not reach the federated account');
    assert.deepEqual(await ids('zzzz-nobody'), []);
  });

  test('paging with the cursor walks the merged list once, in name order', async () => {
    const [a, b] = await accounts(2);
    await federate(h, [a!.t, b!.t], { preset: 'federated' });
    for (const [t, last] of [[a, 'Pager Delta'], [b, 'Pager Alpha'], [a, 'Pager Charlie'], [b, 'Pager Bravo'], [b, 'Pager Echo']] as const) {
      await makeUser(h, t!.t, { firstName: 'P', lastName: last });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await dir(a!.user.token, { scope: 'all', q: 'pager', limit: 2, ...(cursor ? { cursor } : {}) });
      assert.equal(r.status, 200, r.text);
      assert.ok(r.body.items.length <= 2);
      seen.push(...r.body.items.map((e: { lastName: string }) => e.lastName));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor);
    assert.deepEqual(seen, ['Pager Alpha', 'Pager Bravo', 'Pager Charlie', 'Pager Delta', 'Pager Echo']);
    assert.equal(pages, 3);
    const bad = await dir(a!.user.token, { cursor: 'garbage' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'cursor');
  });

  test('limits: q up to 100 characters, limit up to 100 (default 25)', async () => {
    const [a] = await accounts(1);
    for (let i = 0; i < 30; i++) await makeUser(h, a!.t, { firstName: 'Bulk', lastName: `Person${String(i).padStart(2, '0')}` });
    const r = await dir(a!.user.token);
    assert.equal(r.body.items.length, 25);
    assert.ok(r.body.nextCursor);
    const long = await dir(a!.user.token, { q: 'x'.repeat(101) });
    assert.equal(long.status, 400);
    assert.equal(long.body.field, 'querystring.q');
    const big = await dir(a!.user.token, { limit: 101 });
    assert.equal(big.status, 400);
    assert.equal(big.body.field, 'querystring.limit');
  });
});

describe('views', () => {
  test('the admin view names the granting federations; the user view does not', async () => {
    const [a, b] = await accounts(2);
    const f1 = await federate(h, [a!.t, b!.t], { preset: 'federated', name: `Alpha link ${uniq()}` });
    const f2 = await federate(h, [a!.t, b!.t], { policy: BARE, name: `Beta link ${uniq()}` });
    const adminItems = await all(a!.t.adminToken, { scope: 'all' });
    const fed = adminItems.find((e) => e.userId === b!.user.id)!;
    assert.deepEqual(fed.grantedBy.map((g: { federationId: string }) => g.federationId).sort(), [f1, f2].sort());
    assert.ok(fed.grantedBy.every((g: { name: string }) => typeof g.name === 'string' && g.name.length > 0));
    assert.deepEqual(adminItems.find((e) => e.userId === a!.user.id)!.grantedBy, []);
    const userItems = await all(a!.user.token, { scope: 'all' });
    assert.ok(userItems.length > 0);
    assert.ok(userItems.every((e) => !('grantedBy' in e)));
    // A site admin gets the admin view too; an operator acting in the account as well.
    const sa = await makeUser(h, a!.t, { role: 'site_admin' });
    assert.ok((await all(sa.token, { scope: 'all' })).every((e) => Array.isArray(e.grantedBy)));
    const op = await h.call('GET', '/v1/directory?scope=all', { token: h.operatorToken, headers: { 'tandem-account': a!.t.accountId } });
    assert.equal(op.status, 200, op.text);
    assert.ok(op.body.items.some((e: { userId: string; grantedBy: unknown[] }) => e.userId === b!.user.id && e.grantedBy.length === 2));
    const noAccount = await h.call('GET', '/v1/directory', { token: h.operatorToken });
    assert.equal(noAccount.status, 400);
    assert.equal(noAccount.body.field, 'Tandem-Account');
  });

  test('without a token the directory answers 401', async () => {
    const r = await h.call('GET', '/v1/directory');
    assert.equal(r.status, 401);
    assert.equal((await h.call('GET', '/v1/directory/offices')).status, 401);
  });
});

describe('the scale demo data set (tandem demo --scale, small)', () => {
  test('accounts through the API, bulk users with one audit row per account, active federations; searchable at once; a second run is refused', async () => {
    const [x] = await accounts(1);
    await dir(x!.user.token); // the index is built before the bulk insert, which must reach it by its event
    const c = await clientFor(h.services);
    try {
      const s = await buildScaleDemo(c, { accounts: 3, usersPerAccount: 40, numbersPerAccount: 10 });
      assert.equal(s.users, 120);
      assert.equal(s.numbers, 30);
      assert.equal(s.assigned, 24, 'every 5th bulk user, while the 10 numbers last: 8 per account');
      assert.deepEqual(s.federations.map((f) => [f.preset, f.members]), [['linked', 3], ['federated', 3], ['custom', 3]]);
      const ids = s.accounts.map((a) => a.id);
      const audit = await h.db.owner((sql) => sql.query<{ account_id: string; after: Record<string, number> }>(
        `SELECT account_id, after FROM audit_log WHERE action = 'demo.scale_seed' AND account_id = ANY($1::uuid[]) ORDER BY account_id`, [ids]));
      assert.deepEqual(audit.map((r) => r.account_id), [...ids].sort());
      assert.ok(audit.every((r) => r.after.users === 38 && r.after.numbers === 10 && r.after.assignedNumbers === 8 && r.after.extensions === 38));
      const feds = await h.db.owner((sql) => sql.query<{ status: string }>(`SELECT status FROM federations WHERE id = ANY($1::uuid[])`, [s.federations.map((f) => f.id)]));
      assert.deepEqual(feds.map((f) => f.status), ['active', 'active', 'active']);
      const token = await signIn(h, s.accounts[0]!.userEmail, DEMO_PASSWORD);
      const items = await all(token, { scope: 'all' });
      assert.equal(items.length, 120);
      assert.deepEqual(new Set(items.map((e) => e.accountId)), new Set(ids));
      assert.equal(items.filter((e) => e.number !== null).length, 24);
      assert.ok(items.every((e) => e.extension !== null && e.presence !== null), 'the linked federation shows extensions, the custom one presence');
      assert.equal((await all(x!.user.token, { scope: 'all' })).some((e) => ids.includes(e.accountId)), false, 'nobody else sees them');
      await assert.rejects(buildScaleDemo(c, { accounts: 3, usersPerAccount: 40, numbersPerAccount: 10 }), ScaleDemoAlreadyLoaded);
    } finally {
      await c.close();
    }
  });
});
