/**
 * The cross-tenant matrix, generated from the route table: every route × every method × the
 * identities {admin of another account, user of another account, site admin of another site, a user
 * acting on another user, no credentials}, aimed at account A's objects. Each call must be refused
 * (401/403/404) when it names one of A's objects; whatever the answer, A's data must be unchanged
 * and the body must carry none of the data the identity may not see. A route without a policy fails.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRoutes } from '../src/http/app.ts';
import type { RouteDef } from '../src/http/route.ts';
import { federate } from './support/federation.ts';
import { recordCall } from '../src/services/call-records.ts';
import { accountSnapshot, activeNumbers, harness, makeAccount, makeUser, uniq, type Harness, type TenantFixture } from './support/harness.ts';

/** Routes any caller may use without credentials; everything else must name roles. */
const PUBLIC_ROUTES = new Set(['POST /v1/auth/login', 'GET /v1/provisioning/:phoneId']);
/** Path parameters that name no object of A (a calendar month): such a call is answered about the caller's own account. */
const NON_OBJECT_PARAMS: Record<string, string> = { month: '2025-06' };

let h: Harness;
let routes: RouteDef[];
let a: TenantFixture;
let b: TenantFixture;
const A: Record<string, string> = {}; // path parameter → A's object
let secrets: { account: string[]; site1: string[]; user1: string[] };
let identities: { name: string; token: string | null; sameAccount: boolean; forbidden: () => string[] }[];
/**
 * The directory card of a colleague (id, name, e-mail, number) is what the directory exists to show
 * inside one account (spec §8 Directory): for the directory routes, identities of account A may see it.
 */
let directoryCard: string[] = [];

async function apiToken(h: Harness, sessionToken: string): Promise<string> {
  const r = await h.call('POST', '/v1/api-tokens', { token: sessionToken, body: { name: 'matrix' } });
  assert.equal(r.status, 201, r.text);
  return r.body.token as string;
}

before(async () => {
  h = await harness();
  routes = await loadRoutes();
  a = await makeAccount(h, { name: `Matrix Alpha ${uniq()}` });
  b = await makeAccount(h, { name: `Matrix Beta ${uniq()}` });
  const site2 = await h.call('POST', '/v1/sites', { token: a.adminToken, body: { name: 'Matrix Second Site', timeZone: 'Europe/Berlin', mainNumber: `+4930777${String(uniq()).padStart(4, '0')}` } });
  assert.equal(site2.status, 201, site2.text);
  const u1 = await makeUser(h, a, { firstName: 'Ulrike', lastName: 'Targetperson' });
  const u2 = await makeUser(h, a, { firstName: 'Otto', lastName: 'Otheruser' });
  const sa = await makeUser(h, a, { siteId: site2.body.id, role: 'site_admin', firstName: 'Siegfried', lastName: 'Siteadmin' });
  const saPatch = await h.call('PATCH', `/v1/users/${sa.id}`, { token: a.adminToken, body: { adminSiteIds: [site2.body.id] } });
  assert.equal(saPatch.status, 200, saPatch.text);
  const [n1, n2] = await activeNumbers(h, a, 2);
  const assign = await h.call('PUT', `/v1/numbers/${n1!.id}/assignment`, { token: a.adminToken, body: { userId: u1.id } });
  assert.equal(assign.status, 200, assign.text);
  const phoneId = `00AABB${String(uniq()).padStart(6, '0')}`;
  const dev = await h.call('POST', '/v1/devices', { token: a.adminToken, body: { siteId: a.siteId, phoneId, name: 'Matrix desk phone' } });
  assert.equal(dev.status, 201, dev.text);
  const portal = await h.call('POST', '/v1/office-anywhere/portals', { token: a.adminToken, body: { numberId: n2!.id, scope: 'site', siteId: a.siteId, name: 'Matrix portal' } });
  assert.equal(portal.status, 201, portal.text);
  const alt = await h.call('POST', `/v1/users/${u1.id}/alternate-phones`, { token: a.adminToken, body: { number: '+4915123456789', label: 'Matrix mobile' } });
  assert.equal(alt.status, 201, alt.text);
  const u1Token = await h.call('POST', '/v1/api-tokens', { token: u1.token, body: { name: 'u1 token' } });
  // A federation of A with a third account (never with B, whose admin is one of the foreign identities).
  const c = await makeAccount(h, { name: `Matrix Gamma ${uniq()}` });
  const federationId = await federate(h, [a, c], { preset: 'federated', name: 'Matrix federation' });
  const rule = await h.call('POST', '/v1/call-rules', { token: a.adminToken, body: { name: 'Matrix rule', dialPlan: 'national' } });
  assert.equal(rule.status, 201, rule.text);
  assert.equal((await h.call('PUT', `/v1/call-rules/${rule.body.id}/users`, { token: a.adminToken, body: { userIds: [u1.id] } })).status, 200);
  // A call of u1 to the public network, in June 2025: the call log and the invoice have data to guard.
  const at = new Date('2025-06-02T10:00:00Z');
  const [leg] = await recordCall(h.services, [{
    accountId: a.accountId, direction: 'outbound', userId: u1.id, routeClass: 'public_national', metering: 'national', result: 'answered',
    from: { accountId: a.accountId, office: null, userId: u1.id, name: 'Ulrike Targetperson', extension: u1.extension, number: n1!.e164 },
    to: { accountId: null, office: null, userId: null, name: null, extension: null, number: '+4915123456780' },
    startedAt: at, answeredAt: at, endedAt: new Date(at.getTime() + 90_000),
  }]);
  // A carrier trunk (operator-wide, spec §10): no tenant identity may see or change it.
  const trunk = await h.call('POST', '/v1/trunks', { token: h.operatorToken, body: { name: 'Matrix carrier', host: 'matrix-carrier.example', username: 'matrix', password: 'matrix trunk secret' } });
  assert.equal(trunk.status, 201, trunk.text);
  Object.assign(A, {
    recordId: leg!.id, trunkId: trunk.body.id,
    accountId: a.accountId, siteId: a.siteId, userId: u1.id, numberId: n1!.id, deviceId: dev.body.device.id, phoneId: dev.body.device.phoneId,
    portalId: portal.body.id, alternatePhoneId: alt.body.id, tokenId: u1Token.body.id, federationId, ruleId: rule.body.id,
  });
  const u1Secrets = [u1.id, u1.email, 'Targetperson', n1!.id, n1!.e164, alt.body.id, '+4915123456789', u1Token.body.id, leg!.id, leg!.interactionId, '+4915123456780',
    trunk.body.id, 'matrix-carrier.example']; // the operator's trunk: no tenant identity may see it
  directoryCard = [u1.id, u1.email, 'Targetperson', n1!.e164];
  const site1Secrets = [...u1Secrets, a.siteId, n2!.id, n2!.e164, portal.body.id, dev.body.device.id, phoneId, 'Matrix portal', 'Matrix desk phone', a.mainNumber];
  secrets = {
    user1: u1Secrets,
    site1: site1Secrets,
    account: [...site1Secrets, a.accountId, a.domain, 'Matrix Alpha', site2.body.id, 'Matrix Second Site', u2.email, sa.email, a.adminId, federationId, 'Matrix federation', 'Matrix Gamma', rule.body.id, 'Matrix rule'],
  };
  const bUser = await makeUser(h, b);
  identities = [
    { name: 'admin of another account', token: await apiToken(h, b.adminToken), sameAccount: false, forbidden: () => secrets.account },
    { name: 'user of another account', token: await apiToken(h, bUser.token), sameAccount: false, forbidden: () => secrets.account },
    { name: 'site admin of another site', token: await apiToken(h, sa.token), sameAccount: true, forbidden: () => secrets.site1 },
    { name: 'a user acting on another user', token: await apiToken(h, u2.token), sameAccount: true, forbidden: () => secrets.user1 },
    { name: 'no credentials', token: null, sameAccount: false, forbidden: () => secrets.account },
  ];
});
after(async () => h?.close());

test('every route has an access policy, and only the known routes are public', () => {
  assert.ok(routes.length >= 40, `expected the whole API in the route table, found ${routes.length} routes`);
  for (const r of routes) {
    const key = `${r.method} ${r.url}`;
    assert.ok(r.policy, `${key} has no policy`);
    if ('public' in r.policy) assert.ok(PUBLIC_ROUTES.has(key), `${key} is public but not on the list of public routes`);
    else assert.ok(r.policy.roles.length > 0, `${key} allows no role`);
  }
});

test('every route refuses foreign identities and leaks nothing', async () => {
  const failures: string[] = [];
  let calls = 0;
  for (const r of routes) {
    const key = `${r.method} ${r.url}`;
    if ('public' in r.policy) continue;
    const params = [...r.url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
    const missing = params.filter((p) => !(p in A) && !(p in NON_OBJECT_PARAMS));
    if (missing.length > 0) {
      failures.push(`${key}: the matrix has no fixture for :${missing.join(', :')} — add one`);
      continue;
    }
    const query = (r.schema.querystring as { examples?: Record<string, string>[] } | undefined)?.examples?.[0];
    const url = r.url.replace(/:(\w+)/g, (_m, p: string) => A[p] ?? NON_OBJECT_PARAMS[p]!) + (query ? `?${new URLSearchParams(query).toString()}` : '');
    const examples = (r.schema.body as { examples?: unknown[] } | undefined)?.examples;
    if (r.schema.body && !examples?.length) {
      failures.push(`${key}: the body schema has no example`);
      continue;
    }
    const body = examples?.[0];
    for (const id of identities) {
      const snapBefore = await accountSnapshot(h, a.accountId);
      const res = await h.call(r.method, url, { token: id.token, ...(body !== undefined ? { body } : {}) });
      calls++;
      const namesA = params.some((p) => p in A);
      if (id.token === null && res.status !== 401) failures.push(`${key} [${id.name}]: ${res.status} instead of 401`);
      if (namesA && ![401, 403, 404].includes(res.status)) failures.push(`${key} [${id.name}]: answered ${res.status}, not refused — ${res.text.slice(0, 200)}`);
      if (res.status >= 500) failures.push(`${key} [${id.name}]: server error ${res.text.slice(0, 200)}`);
      const visible = id.sameAccount && r.url.startsWith('/v1/directory') ? directoryCard : [];
      const leaked = id.forbidden().filter((s) => !visible.includes(s) && res.text.includes(s));
      if (leaked.length > 0) failures.push(`${key} [${id.name}]: body carries foreign data ${JSON.stringify(leaked)}`);
      if ((await accountSnapshot(h, a.accountId)) !== snapBefore) failures.push(`${key} [${id.name}]: account A's data changed`);
    }
  }
  assert.ok(calls >= 200, `only ${calls} calls were made`);
  assert.deepEqual(failures, []);
});
