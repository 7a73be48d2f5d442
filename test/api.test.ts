/** API quality: problem+json, OpenAPI, idempotency, health, metrics, authentication, audit. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ERRORS } from '../src/domain/errors.ts';
import { loadRoutes } from '../src/http/app.ts';
import { accountSnapshot, harness, makeAccount, makeUser, nextNumber, uniq, type Harness, type TenantFixture } from './support/harness.ts';

let h: Harness;
let a: TenantFixture;
before(async () => {
  h = await harness();
  a = await makeAccount(h);
});
after(async () => h.close());

describe('problem+json', () => {
  test('a validation error names the field, has a stable code and the problem media type', async () => {
    const r = await h.call('POST', '/v1/users', { token: a.adminToken, body: { siteId: a.siteId, firstName: 'A', lastName: 'B', email: 'x@y.z', extension: 'abc' } });
    assert.equal(r.status, 400);
    assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
    assert.equal(r.body.code, 'validation_failed');
    assert.equal(r.body.field, 'extension');
    assert.equal(r.body.type, 'https://tandem.dev/problems/validation-failed');
    assert.match(r.body.instance, /^urn:tandem:request:/);
    assert.equal(typeof r.body.detail, 'string');
  });

  test('malformed JSON is a 400 problem', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/sites', headers: { authorization: `Bearer ${a.adminToken}`, 'content-type': 'application/json' }, payload: '{"name":' });
    assert.equal(res.statusCode, 400);
    assert.equal(JSON.parse(res.body).code, 'validation_failed');
  });

  test('an unknown route is a 404 problem', async () => {
    const r = await h.call('GET', '/v1/nothing-here', { token: a.adminToken });
    assert.equal(r.status, 404);
    assert.equal(r.body.code, 'not_found');
  });

  test('every catalogued error has a 4xx status and a title', () => {
    for (const [code, e] of Object.entries(ERRORS)) {
      assert.ok(e.status >= 400 && e.status < 500, code);
      assert.ok(e.title.length > 5, code);
    }
  });
});

describe('OpenAPI', () => {
  test('/openapi.json is OpenAPI 3.1 and describes every route with its responses', async () => {
    const r = await h.call('GET', '/openapi.json');
    assert.equal(r.status, 200);
    assert.equal(r.body.openapi, '3.1.0');
    for (const def of await loadRoutes()) {
      const path = def.url.replace(/:(\w+)/g, '{$1}');
      const op = r.body.paths[path]?.[def.method.toLowerCase()];
      assert.ok(op, `${def.method} ${path} is missing from the OpenAPI document`);
      assert.ok(op.summary, `${def.method} ${path} has no summary`);
      assert.ok(Object.keys(op.responses).some((s) => s.startsWith('2')), `${def.method} ${path} has no success response`);
      assert.ok(op.responses['4XX'] ?? op.responses['4xx'], `${def.method} ${path} documents no problem response`);
    }
  });

  test('the interactive docs page is served', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /swagger/i);
  });
});

describe('health and metrics', () => {
  test('/livez, /readyz and /metrics answer', async () => {
    assert.equal((await h.call('GET', '/livez')).status, 200);
    assert.deepEqual((await h.call('GET', '/readyz')).body, { status: 'ready' });
    const m = await h.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(m.statusCode, 200);
    assert.match(m.body, /tandem_http_request_duration_seconds_bucket/);
  });
});

describe('Idempotency-Key', () => {
  const site = () => ({ name: `Idem ${uniq()}`, timeZone: 'Europe/Berlin', mainNumber: nextNumber() });

  test('a replay returns the first response and creates nothing more', async () => {
    const body = site();
    const key = `k-${uniq()}`;
    const first = await h.call('POST', '/v1/sites', { token: a.adminToken, body, headers: { 'idempotency-key': key } });
    assert.equal(first.status, 201);
    const snap = await accountSnapshot(h, a.accountId);
    const again = await h.call('POST', '/v1/sites', { token: a.adminToken, body, headers: { 'idempotency-key': key } });
    assert.equal(again.status, 201);
    assert.deepEqual(again.body, first.body);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.equal(await accountSnapshot(h, a.accountId), snap);
  });

  test('the same key with a different body is refused', async () => {
    const key = `k-${uniq()}`;
    assert.equal((await h.call('POST', '/v1/sites', { token: a.adminToken, body: site(), headers: { 'idempotency-key': key } })).status, 201);
    const snap = await accountSnapshot(h, a.accountId);
    const r = await h.call('POST', '/v1/sites', { token: a.adminToken, body: site(), headers: { 'idempotency-key': key } });
    assert.equal(r.status, 422);
    assert.equal(r.body.code, 'idempotency_key_reused');
    assert.equal(r.body.field, 'Idempotency-Key');
    assert.equal(await accountSnapshot(h, a.accountId), snap);
  });

  test('a stored answer keeps no secret shown once: the replay shows it redacted', async () => {
    const key = `k-${uniq()}`;
    const first = await h.call('POST', '/v1/api-tokens', { token: a.adminToken, body: { name: 'once' }, headers: { 'idempotency-key': key } });
    assert.equal(first.status, 201);
    assert.match(first.body.token, /^tdk_/);
    const replay = await h.call('POST', '/v1/api-tokens', { token: a.adminToken, body: { name: 'once' }, headers: { 'idempotency-key': key } });
    assert.equal(replay.status, 201);
    assert.equal(replay.body.id, first.body.id);
    assert.equal(replay.body.token, '[redacted]');
    const stored = await h.db.owner((sql) => sql.query(`SELECT response::text AS r FROM idempotency_keys WHERE key = $1`, [key]));
    assert.ok(!String(stored[0]!.r).includes(first.body.token));
  });

  test('a refusal is replayed too, and keys are scoped per identity', async () => {
    const key = `k-${uniq()}`;
    const body = { name: 'Bad', timeZone: 'Nowhere/Land', mainNumber: nextNumber() };
    const r1 = await h.call('POST', '/v1/sites', { token: a.adminToken, body, headers: { 'idempotency-key': key } });
    const r2 = await h.call('POST', '/v1/sites', { token: a.adminToken, body, headers: { 'idempotency-key': key } });
    assert.equal(r1.status, 400);
    assert.deepEqual(r2.body, r1.body);
    const other = await makeAccount(h);
    const r3 = await h.call('POST', '/v1/sites', { token: other.adminToken, body: site(), headers: { 'idempotency-key': key } });
    assert.equal(r3.status, 201, 'another identity may use the same key');
  });
});

describe('authentication', () => {
  test('a wrong password and an unknown e-mail get the same answer', async () => {
    const u = await makeUser(h, a);
    const wrong = await h.call('POST', '/v1/auth/login', { body: { email: u.email, password: 'not the password' } });
    const unknown = await h.call('POST', '/v1/auth/login', { body: { email: `nobody${uniq()}@x.com`, password: 'not the password' } });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(wrong.body.detail, unknown.body.detail);
  });

  test('API tokens act as their identity, are listed without secrets and stop working when revoked', async () => {
    const u = await makeUser(h, a);
    const created = await h.call('POST', '/v1/api-tokens', { token: u.token, body: { name: 'script' } });
    assert.equal(created.status, 201);
    const token = created.body.token as string;
    const me = await h.call('GET', '/v1/me', { token });
    assert.equal(me.body.id, u.id);
    const list = await h.call('GET', '/v1/api-tokens', { token: u.token });
    assert.equal(list.body.items.length, 1);
    assert.ok(!list.text.includes(token));
    assert.equal((await h.call('DELETE', `/v1/api-tokens/${created.body.id}`, { token: u.token })).status, 204);
    assert.equal((await h.call('GET', '/v1/me', { token })).status, 401);
  });

  test('logout ends the session', async () => {
    const u = await makeUser(h, a);
    assert.equal((await h.call('POST', '/v1/auth/logout', { token: u.token })).status, 204);
    assert.equal((await h.call('GET', '/v1/me', { token: u.token })).status, 401);
  });

  test('only operators may name an account with Tandem-Account; operators act inside it', async () => {
    const r = await h.call('GET', '/v1/sites', { token: a.adminToken, headers: { 'tandem-account': a.accountId } });
    assert.equal(r.status, 403);
    const op = await h.call('GET', '/v1/sites', { token: h.operatorToken, headers: { 'tandem-account': a.accountId } });
    assert.equal(op.status, 200);
    assert.equal(op.body.items[0].accountId, a.accountId);
  });

  test('a deleted user’s token stops working at once', async () => {
    const u = await makeUser(h, a);
    assert.equal((await h.call('DELETE', `/v1/users/${u.id}`, { token: a.adminToken })).status, 204);
    assert.equal((await h.call('GET', '/v1/me', { token: u.token })).status, 401);
  });

  test('a user changes their password with the current one', async () => {
    const u = await makeUser(h, a);
    const bad = await h.call('PUT', '/v1/me/password', { token: u.token, body: { currentPassword: 'wrong one', newPassword: 'brand new password' } });
    assert.equal(bad.status, 403, 'the session is valid: not 401, which clients read as "sign in again"');
    assert.equal(bad.body.code, 'wrong_current_password');
    assert.equal(bad.body.field, 'currentPassword');
    assert.equal((await h.call('PUT', '/v1/me/password', { token: u.token, body: { currentPassword: 'user password 1', newPassword: 'brand new password' } })).status, 204);
    assert.equal((await h.call('POST', '/v1/auth/login', { body: { email: u.email, password: 'brand new password' } })).status, 200);
  });
});

describe('audit', () => {
  test('a mutation writes one audit row with actor, request id and before/after; secrets are redacted', async () => {
    const u = await makeUser(h, a);
    const r = await h.call('PATCH', `/v1/users/${u.id}`, { token: a.adminToken, body: { firstName: 'Renamed', password: 'secret password 99' }, headers: { 'x-request-id': `req-${uniq()}` } });
    assert.equal(r.status, 200);
    const requestId = r.headers['x-request-id'] as string;
    const log = await h.call('GET', `/v1/audit?requestId=${requestId}`, { token: a.adminToken });
    assert.equal(log.body.items.length, 1);
    const row = log.body.items[0];
    assert.equal(row.action, 'user.update');
    assert.equal(row.actorId, a.adminId);
    assert.equal(row.before.firstName, 'User');
    assert.equal(row.after.firstName, 'Renamed');
    assert.ok(!log.text.includes('secret password 99'));
  });

  test('filters: by who acted and by time ([from, to)); a reversed range is refused naming "to"', async () => {
    const t = await makeAccount(h);
    const admin2 = await makeUser(h, t, { role: 'account_admin' });
    await new Promise((r) => setTimeout(r, 5));
    const startedAt = new Date().toISOString(); // after the account and admin2 were created, before admin2's change
    await new Promise((r) => setTimeout(r, 5));
    const byFirst = await makeUser(h, t);
    assert.equal((await h.call('PATCH', `/v1/users/${byFirst.id}`, { token: admin2.token, body: { firstName: 'BySecond' } })).status, 200);
    const mine = await h.call('GET', `/v1/audit?actorId=${admin2.id}`, { token: t.adminToken });
    assert.equal(mine.status, 200, mine.text);
    assert.deepEqual(mine.body.items.map((x: { action: string; targetId: string }) => [x.action, x.targetId]), [['user.update', byFirst.id]]);
    const first = await h.call('GET', `/v1/audit?actorId=${t.adminId}&limit=500`, { token: t.adminToken });
    assert.ok(first.body.items.length > 0 && first.body.items.every((x: { actorId: string }) => x.actorId === t.adminId));
    const since = await h.call('GET', `/v1/audit?from=${encodeURIComponent(startedAt)}&limit=500`, { token: t.adminToken });
    assert.ok(since.body.items.some((x: { actorId: string }) => x.actorId === admin2.id));
    assert.ok(since.body.items.every((x: { at: string }) => x.at >= startedAt));
    const until = await h.call('GET', `/v1/audit?to=${encodeURIComponent(startedAt)}&limit=500`, { token: t.adminToken });
    assert.ok(until.body.items.length > 0 && until.body.items.every((x: { at: string }) => x.at < startedAt), 'the account was created before');
    const reversed = await h.call('GET', `/v1/audit?from=${encodeURIComponent(startedAt)}&to=2020-01-01T00:00:00Z`, { token: t.adminToken });
    assert.equal(reversed.status, 400);
    assert.equal(reversed.body.field, 'to');
    const notId = await h.call('GET', '/v1/audit?actorId=someone', { token: t.adminToken });
    assert.equal(notId.status, 400);
  });

  test('a refused write leaves no audit row', async () => {
    const before = (await h.call('GET', '/v1/audit?limit=500', { token: a.adminToken })).body.items.length;
    const r = await h.call('POST', '/v1/users', { token: a.adminToken, body: { siteId: a.siteId, firstName: 'X', lastName: 'Y', email: `z${uniq()}@x.com`, extension: '100' } });
    assert.equal(r.status, 409);
    assert.equal((await h.call('GET', '/v1/audit?limit=500', { token: a.adminToken })).body.items.length, before);
  });

  test("admins read only their own account's audit log; users not at all", async () => {
    const b = await makeAccount(h);
    const log = await h.call('GET', '/v1/audit?limit=500', { token: b.adminToken });
    assert.ok(log.body.items.every((x: { accountId: string }) => x.accountId === b.accountId));
    const u = await makeUser(h, b);
    assert.equal((await h.call('GET', '/v1/audit', { token: u.token })).status, 403);
  });
});
