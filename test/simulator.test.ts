/**
 * The dial-plan simulator through the API (issue 4 item 8) on data created through the API, read
 * from the live snapshot: spec §8's cross-account dialling, §9's order, and §4's inbound behaviour,
 * each with its explanation.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { activeNumbers, harness, makeAccount, makeUser, type Harness, type TenantFixture } from './support/harness.ts';
import { distinctAdminExtensions, federate } from './support/federation.ts';

let h: Harness;
let a: TenantFixture;
let b: TenantFixture;
let c: TenantFixture;
let ana: { id: string; extension: string | null };
let bea: { id: string; extension: string | null };
let bNumber: string;
let cNumber: string;

const sim = (t: TenantFixture, from: string, dial: string) => h.call('POST', '/v1/routing/simulate/outbound', { token: t.adminToken, body: { from, dial } });

before(async () => {
  h = await harness();
  a = await makeAccount(h, { name: 'Sim Alpha' });
  b = await makeAccount(h, { name: 'Sim Beta' });
  c = await makeAccount(h, { name: 'Sim Gamma' });
  await distinctAdminExtensions(h, [a, b, c]);
  ana = await makeUser(h, a, { firstName: 'Ana', lastName: 'Alpha', extension: '4201' });
  bea = await makeUser(h, b, { firstName: 'Bea', lastName: 'Beta', extension: '301' });
  const [nb] = await activeNumbers(h, b, 1);
  bNumber = nb!.e164;
  assert.equal((await h.call('PUT', `/v1/numbers/${nb!.id}/assignment`, { token: b.adminToken, body: { userId: bea.id } })).status, 200);
  const [nc] = await activeNumbers(h, c, 1);
  cNumber = nc!.e164;
  await federate(h, [a, b], { preset: 'linked' });
  await federate(h, [a, c], { preset: 'federated' });
  const rule = await h.call('POST', '/v1/call-rules', { token: a.adminToken, body: { name: 'To Beta', dialPlan: 'national', organizationConnect: [{ prefix: '9', destinationAccountId: b.accountId }] } });
  assert.equal(rule.status, 201, rule.text);
  assert.equal((await h.call('PUT', `/v1/call-rules/${rule.body.id}/users`, { token: a.adminToken, body: { userIds: [ana.id] } })).status, 200);
});
after(async () => h.close());

describe('outbound', () => {
  test('an own extension', async () => {
    const r = await sim(a, '4201', String((await h.call('GET', `/v1/users/${a.adminId}`, { token: a.adminToken })).body.extension));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.decision.routeClass, 'own_extension');
    assert.equal(r.body.decision.metering, 'on_net_own');
    assert.ok(r.body.decision.explanation.length >= 3);
  });

  test('an Organization Connect prefix reaches the extension in the linked account (spec §8)', async () => {
    const r = await sim(a, '4201', '9301');
    assert.equal(r.body.decision.ok, true, JSON.stringify(r.body.decision));
    assert.equal(r.body.decision.routeClass, 'org_connect');
    assert.equal(r.body.decision.callee.userId, bea.id);
    assert.equal(r.body.decision.callee.office, 'Sim Beta');
    assert.equal(r.body.decision.metering, 'on_net_linked');
  });

  test('plain extension dialling into the linked account, and main*ext', async () => {
    const plain = await sim(a, '4201', '301');
    assert.equal(plain.body.decision.routeClass, 'linked_extension');
    const star = await sim(a, '4201', `${b.mainNumber}*301`);
    assert.equal(star.body.decision.routeClass, 'main_star_extension', JSON.stringify(star.body.decision));
    assert.equal(star.body.decision.callee.userId, bea.id);
  });

  test('a federated account is reached by its numbers, on-net and free, not by extension', async () => {
    const n = await sim(a, '4201', cNumber);
    assert.equal(n.body.decision.routeClass, 'on_net_number');
    assert.equal(n.body.decision.metering, 'on_net_federated');
    const national = await sim(a, '4201', `0${cNumber.slice(3)}`);
    assert.equal(national.body.decision.routeClass, 'on_net_number', 'national form of a German number');
    const star = await sim(a, '4201', `${c.mainNumber}*100`);
    assert.equal(star.body.decision.ok, false);
    assert.equal(star.body.decision.sipStatus, 403);
  });

  test('the caller ID shown across the linked federation is name + extension with the office', async () => {
    const r = await sim(a, '4201', '9301');
    assert.equal(r.body.decision.callerId.name, 'Ana Alpha');
    assert.equal(r.body.decision.callerId.extension, '4201');
    assert.equal(r.body.decision.callerId.office, 'Sim Alpha');
  });

  test('injection strings never route', async () => {
    for (const dial of ['sip:301@evil.example', '301;user=phone', '30&1', 'abc', '١٢٣']) {
      const r = await sim(a, '4201', dial);
      assert.equal(r.status, 200);
      assert.equal(r.body.decision.ok, false, dial);
      assert.deepEqual(r.body.decision.explanation.map((s: { rule: string }) => s.rule), ['grammar'], dial);
    }
  });

  test('emergency is always allowed', async () => {
    const r = await sim(a, '4201', '112');
    assert.equal(r.body.decision.routeClass, 'emergency');
  });

  test('a change acknowledged by the API is in the next simulation', async () => {
    const u = await makeUser(h, a, { firstName: 'Neu', lastName: 'Nutzer', extension: '4777' });
    const r = await sim(a, '4201', '4777');
    assert.equal(r.body.decision.callee.userId, u.id);
  });
});

describe('inbound', () => {
  test('do-not-disturb with voicemail goes to voicemail at once; without, the caller hears busy', async () => {
    const [n] = await activeNumbers(h, b, 1);
    const u = await makeUser(h, b, { extension: '302' });
    await h.call('PUT', `/v1/numbers/${n!.id}/assignment`, { token: b.adminToken, body: { userId: u.id } });
    await h.call('PATCH', `/v1/numbers/${n!.id}/features`, { token: b.adminToken, body: { doNotDisturb: true } });
    const vm = await h.call('POST', '/v1/routing/simulate/inbound', { token: b.adminToken, body: { to: '302', from: '+4930123456' } });
    assert.equal(vm.status, 200, vm.text);
    assert.equal(vm.body.immediate.action, 'voicemail');
    await h.call('PATCH', `/v1/numbers/${n!.id}/features`, { token: b.adminToken, body: { voicemail: false } });
    const busy = await h.call('POST', '/v1/routing/simulate/inbound', { token: b.adminToken, body: { to: n!.e164 } });
    assert.equal(busy.body.immediate.action, 'busy');
  });

  test('the desk handset and active alternate phones ring together; no answer after three rings of 6 s goes to voicemail', async () => {
    const nums = await h.call('GET', `/v1/sites/${b.siteId}/numbers?q=${encodeURIComponent(bNumber)}`, { token: b.adminToken });
    const numberId = nums.body.items[0].id as string;
    const dev = await h.call('POST', '/v1/devices', { token: b.adminToken, body: { siteId: b.siteId, phoneId: '00AABBCC0301' } });
    assert.equal(dev.status, 201, dev.text);
    assert.equal((await h.call('PUT', `/v1/numbers/${numberId}/handset`, { token: b.adminToken, body: { phoneId: '00AABBCC0301' } })).status, 200);
    await h.call('PATCH', `/v1/users/${bea.id}`, { token: b.adminToken, body: { officeAnywhereEnabled: true } });
    assert.equal((await h.call('POST', `/v1/users/${bea.id}/alternate-phones`, { token: b.adminToken, body: { number: '+4915123450301' } })).status, 201);
    assert.equal((await h.call('POST', `/v1/users/${bea.id}/alternate-phones`, { token: b.adminToken, body: { number: '+4915123450302', active: false } })).status, 201);
    const r = await h.call('POST', '/v1/routing/simulate/inbound', { token: b.adminToken, body: { to: bNumber } });
    assert.deepEqual(r.body.ring.map((e: { kind: string; phoneId?: string; e164?: string }) => e.phoneId ?? e.e164), ['00AABBCC0301', '+4915123450301']);
    assert.equal(r.body.ringSeconds, 18);
    assert.equal(r.body.onNoAnswer.action, 'voicemail');
    assert.equal(r.body.onBusy.action, 'call_waiting');
  });
});

describe('access', () => {
  test('a caller of another account is not found; users may not simulate', async () => {
    const r = await sim(b, '4201', '100');
    assert.equal(r.status, 404);
    assert.equal(r.body.field, 'from');
    const u = await makeUser(h, a);
    assert.equal((await h.call('POST', '/v1/routing/simulate/outbound', { token: u.token, body: { from: '4201', dial: '100' } })).status, 403);
  });
});
