/**
 * Federation lifecycle with consent (spec §8): the consent matrix (every lifecycle state × policy
 * capability × three accounts; non-transitivity; the union rule), the exact consent text, the 2–10
 * member limit, additions needing fresh consent, departures effective at once with their impact,
 * extension collisions, and the kept consent record.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PRESETS, type FederationPolicy } from '../src/domain/federation.ts';
import { accountSnapshot, harness, makeAccount, makeUser, uniq, type Harness, type TenantFixture } from './support/harness.ts';
import { consentAs, distinctAdminExtensions, federate, grants, propose } from './support/federation.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(async () => h.close());

async function three(): Promise<[TenantFixture, TenantFixture, TenantFixture]> {
  const t: TenantFixture[] = [];
  for (let i = 0; i < 3; i++) t.push(await makeAccount(h));
  await distinctAdminExtensions(h, t);
  return t as [TenantFixture, TenantFixture, TenantFixture];
}

const CAPABILITIES = ['directory', 'extensionDialing', 'sharePresence', 'shareProfileImage', 'pager', 'chat'] as const;

/** Asserts exactly which ordered pairs are granted, with exactly the policy's capabilities. */
async function expectGrants(accounts: TenantFixture[], pairs: [number, number][], policy: FederationPolicy, label: string): Promise<void> {
  for (const [i, x] of accounts.entries()) {
    const g = await grants(h, x);
    for (const [j, y] of accounts.entries()) {
      if (i === j) continue;
      const want = pairs.some(([p, q]) => (p === i && q === j) || (p === j && q === i));
      const got = g.get(y.accountId);
      assert.equal(got !== undefined, want, `${label}: account ${i} → ${j} granted`);
      if (got) for (const c of CAPABILITIES) assert.equal(got[c], policy[c], `${label}: ${i} → ${j} ${c}`);
    }
  }
}

describe('the consent matrix: only active, consented, in-scope membership grants anything', () => {
  for (const preset of ['linked', 'federated'] as const) {
    const policy = PRESETS[preset];
    test(`${preset}: proposed, partly consented, active, adding, left, removed, dissolved, withdrawn, declined`, async () => {
      const [a, b, c] = await three();
      const all = [a, b, c];
      // proposed: nothing
      const f = await propose(h, a, [b, c], { preset });
      await expectGrants(all, [], policy, 'proposed');
      // two of three consented: nothing
      assert.equal((await consentAs(h, a, f)).status, 200);
      assert.equal((await consentAs(h, b, f)).status, 200);
      await expectGrants(all, [], policy, 'partly consented');
      // all consented: all-to-all
      const act = await consentAs(h, c, f);
      assert.equal(act.body.status, 'active');
      await expectGrants(all, [[0, 1], [0, 2], [1, 2]], policy, 'active');
      // B leaves: A–C only
      assert.equal((await h.call('POST', `/v1/federations/${f}/leave`, { token: b.adminToken })).status, 200);
      await expectGrants(all, [[0, 2]], policy, 'after B left');
      // B is added again: a new round; B is granted nothing until every account consents again
      const add = await h.call('POST', `/v1/federations/${f}/members`, { token: a.adminToken, body: { sipDomain: b.domain } });
      assert.equal(add.status, 200, add.text);
      assert.equal(add.body.round, 2);
      assert.ok(add.body.members.every((m: { consentedThisRound: boolean }) => !m.consentedThisRound));
      await expectGrants(all, [[0, 2]], policy, 'adding B (pending)');
      for (const t of [b, a]) assert.equal((await consentAs(h, t, f)).status, 200);
      await expectGrants(all, [[0, 2]], policy, 'adding B, C not yet consented');
      assert.equal((await consentAs(h, c, f)).status, 200);
      await expectGrants(all, [[0, 1], [0, 2], [1, 2]], policy, 'B re-added');
      // C removed by A: A–B only
      assert.equal((await h.call('DELETE', `/v1/federations/${f}/members/${c.accountId}`, { token: a.adminToken })).status, 200);
      await expectGrants(all, [[0, 1]], policy, 'after C removed');
      // dissolved: nothing
      assert.equal((await h.call('POST', `/v1/federations/${f}/dissolve`, { token: b.adminToken })).status, 200);
      await expectGrants(all, [], policy, 'dissolved');
      // withdrawn and declined proposals grant nothing, even after consents
      const w = await propose(h, a, [b], { preset });
      await consentAs(h, a, w);
      assert.equal((await h.call('POST', `/v1/federations/${w}/withdraw`, { token: a.adminToken })).body.status, 'withdrawn');
      const d = await propose(h, a, [c], { preset });
      await consentAs(h, a, d);
      assert.equal((await h.call('POST', `/v1/federations/${d}/decline`, { token: c.adminToken, body: { reason: 'no' } })).body.status, 'declined');
      await expectGrants(all, [], policy, 'withdrawn and declined');
    });
  }

  test('visibility is never transitive: A–B and B–C do not let A see C', async () => {
    const [a, b, c] = await three();
    await federate(h, [a, b]);
    await federate(h, [b, c]);
    await expectGrants([a, b, c], [[0, 1], [1, 2]], PRESETS.linked, 'chain');
  });

  test('two accounts in several federations get the union of what those grant', async () => {
    const [a, b] = await three();
    const linked = await federate(h, [a, b], { preset: 'linked' });
    const federated = await federate(h, [a, b], { preset: 'federated' });
    const g = (await grants(h, a)).get(b.accountId)!;
    assert.equal(g.extensionDialing, true, 'from linked');
    assert.equal(g.sharePresence, true, 'from federated');
    assert.equal(g.shareProfileImage, true, 'from federated');
    assert.equal(g.showExtension, true, 'linked shows name + extension');
    assert.deepEqual((g.federations as { id: string }[]).map((x) => x.id).sort(), [linked, federated].sort());
    // Leaving one keeps what the other grants.
    await h.call('POST', `/v1/federations/${federated}/leave`, { token: b.adminToken });
    const after = (await grants(h, a)).get(b.accountId)!;
    assert.equal(after.sharePresence, false);
    assert.equal(after.extensionDialing, true);
  });

  test('every policy field can be set; the presets are exactly the spec table', async () => {
    assert.deepEqual(PRESETS.linked, { directory: true, extensionDialing: true, metered: false, callerIdDisplay: 'name_extension', sharePresence: false, shareProfileImage: false, pager: false, chat: true });
    assert.deepEqual(PRESETS.federated, { directory: true, extensionDialing: false, metered: false, callerIdDisplay: 'name_number', sharePresence: true, shareProfileImage: true, pager: false, chat: true });
    const [a, b] = await three();
    const custom: FederationPolicy = { directory: false, extensionDialing: false, metered: true, callerIdDisplay: 'name_number', sharePresence: true, shareProfileImage: false, pager: true, chat: false };
    const f = await federate(h, [a, b], { preset: 'federated', policy: custom });
    const got = await h.call('GET', `/v1/federations/${f}`, { token: a.adminToken });
    assert.deepEqual(got.body.policy, custom);
    assert.equal(got.body.preset, 'custom');
    const g = (await grants(h, a)).get(b.accountId)!;
    assert.equal(g.directory, false);
    assert.equal(g.pager, true);
    assert.equal(g.metered, true);
  });

  test('the presets are served as the spec table gives them (the portal fills its proposal form from them); admins only', async () => {
    const [a] = await three();
    const r = await h.call('GET', '/v1/federations/presets', { token: a.adminToken });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.items, [{ preset: 'linked', policy: PRESETS.linked }, { preset: 'federated', policy: PRESETS.federated }]);
    const u = await makeUser(h, a);
    assert.equal((await h.call('GET', '/v1/federations/presets', { token: u.token })).status, 403);
    assert.equal((await h.call('GET', '/v1/federations/presets')).status, 401);
  });
});

describe('consent', () => {
  test('only the exact text the API gives is accepted, and a wrong one changes nothing', async () => {
    const [a, b] = await three();
    const f = await propose(h, a, [b]);
    const text = (await h.call('GET', `/v1/federations/${f}/consent-text`, { token: b.adminToken })).body.text as string;
    assert.match(text, /all users of .* become visible to all users of every member account/);
    const snap = await accountSnapshot(h, b.accountId);
    const r = await h.call('POST', `/v1/federations/${f}/consent`, { token: b.adminToken, body: { text: text.toLowerCase() } });
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'consent_text_mismatch');
    assert.equal(r.body.field, 'text');
    assert.equal(await accountSnapshot(h, b.accountId), snap);
    assert.equal((await h.call('GET', `/v1/federations/${f}`, { token: a.adminToken })).body.members.filter((m: { consentedThisRound: boolean }) => m.consentedThisRound).length, 0);
  });

  test('a consent cannot be given twice in a round; users cannot consent at all', async () => {
    const [a, b] = await three();
    const f = await propose(h, a, [b]);
    assert.equal((await consentAs(h, a, f)).status, 200);
    const text = (await h.call('GET', `/v1/federations/${f}/consent-text`, { token: a.adminToken })).body;
    assert.equal(text.consented, true);
    const again = await h.call('POST', `/v1/federations/${f}/consent`, { token: a.adminToken, body: { text: text.text } });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'federation_state');
    const u = await makeUser(h, b);
    assert.equal((await h.call('POST', `/v1/federations/${f}/consent`, { token: u.token, body: { text: 'x' } })).status, 403);
  });

  test('the consent record keeps every step with who, when and the exact text; the application cannot delete it', async () => {
    const [a, b] = await three();
    const f = await propose(h, a, [b]);
    const textB = (await h.call('GET', `/v1/federations/${f}/consent-text`, { token: b.adminToken })).body.text;
    await consentAs(h, a, f);
    await h.call('POST', `/v1/federations/${f}/consent`, { token: b.adminToken, body: { text: textB } });
    await h.call('POST', `/v1/federations/${f}/leave`, { token: b.adminToken });
    for (const t of [a, b]) {
      const rec = await h.call('GET', `/v1/federations/${f}/record`, { token: t.adminToken });
      assert.equal(rec.status, 200);
      assert.deepEqual(rec.body.items.map((x: { action: string }) => x.action), ['propose', 'consent', 'consent', 'leave']);
      const consentB = rec.body.items.find((x: { action: string; accountId: string }) => x.action === 'consent' && x.accountId === b.accountId);
      assert.equal(consentB.text, textB);
      assert.equal(consentB.actorId, b.adminId);
    }
    assert.equal((await h.call('DELETE', `/v1/federations/${f}/record`, { token: a.adminToken })).status, 404);
    await assert.rejects(h.db.tenant(a.accountId, (sql) => sql.query('DELETE FROM federation_consents')), /permission denied/);
    await assert.rejects(h.db.tenant(a.accountId, (sql) => sql.query(`UPDATE federation_consents SET text = 'x'`)), /permission denied/);
  });

  test('an account that was never a member gets 404, and sees nothing of the federation', async () => {
    const [a, b, c] = await three();
    const f = await propose(h, a, [b]);
    for (const path of ['', '/consent-text', '/record', '/collisions']) {
      const r = await h.call('GET', `/v1/federations/${f}${path}`, { token: c.adminToken });
      assert.equal(r.status, 404, path);
      assert.ok(!r.text.includes(a.accountId));
    }
    assert.deepEqual((await h.call('GET', '/v1/federations', { token: c.adminToken })).body.items, []);
  });

  test('every step writes an audit row in the acting account', async () => {
    const [a, b] = await three();
    const f = await federate(h, [a, b]);
    await h.call('POST', `/v1/federations/${f}/leave`, { token: a.adminToken });
    const log = await h.call('GET', `/v1/audit?targetId=${f}`, { token: a.adminToken });
    assert.deepEqual(log.body.items.map((x: { action: string }) => x.action).reverse(), ['federation.propose', 'federation.consent', 'federation.leave']);
    const logB = await h.call('GET', `/v1/audit?targetId=${f}`, { token: b.adminToken });
    assert.deepEqual(logB.body.items.map((x: { action: string }) => x.action), ['federation.activate']);
  });
});

describe('membership limits', () => {
  test('a federation has 2 to 10 accounts; the 11th is refused when proposing and when adding', async () => {
    const accounts: TenantFixture[] = [];
    for (let i = 0; i < 11; i++) accounts.push(await makeAccount(h));
    const [first, ...rest] = accounts;
    const over = await h.call('POST', '/v1/federations', { token: first!.adminToken, body: { name: 'Too big', memberSipDomains: rest.map((t) => t.domain) } });
    assert.equal(over.status, 409);
    assert.equal(over.body.code, 'federation_full');
    const alone = await h.call('POST', '/v1/federations', { token: first!.adminToken, body: { name: 'Alone', memberSipDomains: [first!.domain] } });
    assert.equal(alone.status, 400);
    const f = await propose(h, first!, rest.slice(0, 9), { preset: 'federated' });
    const add = await h.call('POST', `/v1/federations/${f}/members`, { token: first!.adminToken, body: { sipDomain: rest[9]!.domain } });
    assert.equal(add.status, 409);
    assert.equal(add.body.code, 'federation_full');
  });

  test('an account may be in many federations', async () => {
    const [a, b, c] = await three();
    await federate(h, [a, b]);
    await federate(h, [a, c]);
    await federate(h, [a, b, c], { preset: 'federated' });
    assert.equal((await h.call('GET', '/v1/federations', { token: a.adminToken })).body.items.length, 3);
  });
});

describe('departures', () => {
  test('the impact preview is what the departure then reports, and the change is effective on the next request', async () => {
    const [a, b, c] = await three();
    const f = await federate(h, [a, b, c]);
    await makeUser(h, b);
    const preview = await h.call('GET', `/v1/federations/${f}/impact?action=leave`, { token: b.adminToken });
    assert.equal(preview.status, 200, preview.text);
    const byName = new Map(preview.body.visibility.map((v: { accountId: string; users: number; loseSightOf: string[] }) => [v.accountId, v]));
    assert.equal((byName.get(b.accountId) as { users: number }).users, 2);
    assert.equal((byName.get(b.accountId) as { loseSightOf: string[] }).loseSightOf.length, 2);
    assert.equal((byName.get(a.accountId) as { users: number }).users, 1);
    assert.equal(byName.size, 3);
    assert.equal(preview.body.extensionReach.length, 3);
    const left = await h.call('POST', `/v1/federations/${f}/leave`, { token: b.adminToken });
    assert.equal(left.status, 200);
    assert.deepEqual(left.body.impact, preview.body);
    assert.equal((await grants(h, a)).has(b.accountId), false);
    assert.equal((await grants(h, b)).size, 0);
  });

  test('a link kept by another federation is not reported as lost', async () => {
    const [a, b] = await three();
    const f1 = await federate(h, [a, b]);
    await federate(h, [a, b], { preset: 'federated' });
    const preview = await h.call('GET', `/v1/federations/${f1}/impact?action=dissolve`, { token: a.adminToken });
    assert.deepEqual(preview.body.visibility, []);
    assert.equal(preview.body.extensionReach.length, 2, 'the federated preset does not give extension dialing');
  });

  test('a federation left with one active member is dissolved', async () => {
    const [a, b] = await three();
    const f = await federate(h, [a, b]);
    const r = await h.call('DELETE', `/v1/federations/${f}/members/${b.accountId}`, { token: a.adminToken });
    assert.equal(r.body.status, 'dissolved');
    const rb = await h.call('GET', `/v1/federations/${f}`, { token: b.adminToken });
    assert.equal(rb.body.members.find((m: { accountId: string }) => m.accountId === b.accountId).status, 'removed');
  });
});

describe('extension collisions', () => {
  test('collisions are reported, block activation of plain extension dialing, and can be resolved', async () => {
    const a = await makeAccount(h);
    const b = await makeAccount(h);
    // Both admins have extension 100 (the test fixture gives every admin 100).
    const f = await propose(h, a, [b], { preset: 'linked' });
    const col = await h.call('GET', `/v1/federations/${f}/collisions`, { token: b.adminToken });
    assert.equal(col.status, 200);
    assert.deepEqual(col.body.items.map((c: { extension: string }) => c.extension), ['100']);
    assert.deepEqual(col.body.items[0].accounts.map((x: { accountId: string }) => x.accountId).sort(), [a.accountId, b.accountId].sort());
    assert.equal(col.body.items[0].accounts[0].targets[0].type, 'user');
    assert.equal((await consentAs(h, a, f)).status, 200);
    const snap = await accountSnapshot(h, b.accountId);
    const last = await consentAs(h, b, f);
    assert.equal(last.status, 409);
    assert.equal(last.body.code, 'federation_collisions');
    assert.equal(await accountSnapshot(h, b.accountId), snap);
    // Resolve: B's admin takes another extension; the last consent now activates.
    assert.equal((await h.call('PATCH', `/v1/users/${b.adminId}`, { token: b.adminToken, body: { extension: '101' } })).status, 200);
    assert.deepEqual((await h.call('GET', `/v1/federations/${f}/collisions`, { token: a.adminToken })).body.items, []);
    assert.equal((await consentAs(h, b, f)).body.status, 'active');
  });

  test('turning plain extension dialing off before activation resolves collisions (consent starts again)', async () => {
    const a = await makeAccount(h);
    const b = await makeAccount(h);
    const f = await propose(h, a, [b], { preset: 'linked' });
    await consentAs(h, a, f);
    const p = await h.call('PATCH', `/v1/federations/${f}/policy`, { token: b.adminToken, body: { extensionDialing: false } });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.body.round, 2);
    assert.equal(p.body.preset, 'custom');
    assert.equal((await consentAs(h, a, f)).status, 200);
    assert.equal((await consentAs(h, b, f)).body.status, 'active');
  });

  test('an active federation may share less at once, but sharing more needs fresh consent', async () => {
    const [a, b] = await three();
    const f = await federate(h, [a, b], { preset: 'federated' });
    const less = await h.call('PATCH', `/v1/federations/${f}/policy`, { token: a.adminToken, body: { sharePresence: false } });
    assert.equal(less.status, 200);
    assert.equal((await grants(h, b)).get(a.accountId)!.sharePresence, false);
    const more = await h.call('PATCH', `/v1/federations/${f}/policy`, { token: a.adminToken, body: { extensionDialing: true } });
    assert.equal(more.status, 409);
    assert.equal(more.body.code, 'policy_widening_needs_consent');
    assert.equal(more.body.field, 'extensionDialing');
  });

  test('creating an extension that collides inside an active federation is refused, naming the other account', async () => {
    const [a, b] = await three();
    await federate(h, [a, b]);
    await makeUser(h, b, { extension: '4321' });
    const name = (await h.call('GET', `/v1/accounts/${b.accountId}`, { token: b.adminToken })).body.name as string;
    const snap = await accountSnapshot(h, a.accountId);
    const r = await h.call('POST', '/v1/users', { token: a.adminToken, body: { siteId: a.siteId, firstName: 'Dup', lastName: 'Ext', email: `dup${uniq()}@x.com`, extension: '4321' } });
    assert.equal(r.status, 409);
    assert.equal(r.body.code, 'extension_collision');
    assert.equal(r.body.field, 'extension');
    assert.ok(r.body.detail.includes(name), r.body.detail);
    assert.equal(await accountSnapshot(h, a.accountId), snap);
    // Without plain extension dialing the same extension is fine.
    const [c, d] = await three();
    await federate(h, [c, d], { preset: 'federated' });
    await makeUser(h, d, { extension: '4321' });
    await makeUser(h, c, { extension: '4321' });
  });
});
