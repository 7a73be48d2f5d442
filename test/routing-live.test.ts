/**
 * The live routing snapshot (issue 4 item 5): compiled from the database, then patched from bus
 * events, so after any admin change the API acknowledged, the next decision reads the new state.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { routingFor } from '../src/routing/live.ts';
import { activeNumbers, harness, makeAccount, makeUser, type Harness, type TenantFixture } from './support/harness.ts';
import { distinctAdminExtensions, federate } from './support/federation.ts';

let h: Harness;
let a: TenantFixture;
let b: TenantFixture;
before(async () => {
  h = await harness();
  a = await makeAccount(h, { name: 'Live Alpha' });
  b = await makeAccount(h, { name: 'Live Beta' });
  await distinctAdminExtensions(h, [a, b]);
});
after(async () => h.close());

test('the snapshot holds accounts, users, extensions and numbers as stored', async () => {
  const u = await makeUser(h, a, { firstName: 'Lina', lastName: 'Live', extension: '321' });
  const [n] = await activeNumbers(h, a, 1);
  assert.equal((await h.call('PUT', `/v1/numbers/${n!.id}/assignment`, { token: a.adminToken, body: { userId: u.id } })).status, 200);
  const snap = await routingFor(h.services).snapshot();
  const acct = snap.accounts.get(a.accountId)!;
  assert.equal(acct.name, 'Live Alpha');
  assert.deepEqual(acct.extensions.get('321'), { type: 'user', id: u.id });
  assert.equal(acct.users.get(u.id)!.number, n!.e164);
  assert.equal(snap.numbers.get(n!.e164)!.userId, u.id);
  assert.equal(snap.numbers.get(a.mainNumber)!.isMain, true);
});

test('an acknowledged change is in the snapshot for the next decision', async () => {
  const live = routingFor(h.services);
  await live.warm();
  const u = await makeUser(h, a, { extension: '654' });
  assert.deepEqual((await live.snapshot()).accounts.get(a.accountId)!.extensions.get('654'), { type: 'user', id: u.id });
  const [n] = await activeNumbers(h, a, 1);
  const f = await h.call('PATCH', `/v1/numbers/${n!.id}/features`, { token: a.adminToken, body: { doNotDisturb: true } });
  assert.equal(f.status, 200, f.text);
  assert.equal((await live.snapshot()).numbers.get(n!.e164)!.features.doNotDisturb, true);
  assert.equal((await h.call('DELETE', `/v1/users/${u.id}`, { token: a.adminToken })).status, 204);
  assert.equal((await live.snapshot()).accounts.get(a.accountId)!.extensions.has('654'), false);
});

test('federation grants appear on activation and disappear on the next decision after leaving', async () => {
  const live = routingFor(h.services);
  await live.warm();
  const f = await federate(h, [a, b]);
  assert.equal((await live.snapshot()).accounts.get(a.accountId)!.grants.get(b.accountId)?.extensionDialing, true);
  assert.equal((await h.call('POST', `/v1/federations/${f}/leave`, { token: b.adminToken })).status, 200);
  const snap = await live.snapshot();
  assert.equal(snap.accounts.get(a.accountId)!.grants.has(b.accountId), false);
  assert.equal(snap.accounts.get(b.accountId)!.grants.has(a.accountId), false);
});

test('the build time is measured', async () => {
  assert.ok(routingFor(h.services).buildMs > 0);
});
