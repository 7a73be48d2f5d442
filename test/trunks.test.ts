/**
 * Carrier trunks through the API (spec §10 "Carrier trunks configured by the operator"; issue 5 item 4):
 * create, list, get, update, delete on a real database; validation that names the field and changes
 * nothing; duplicate names; the password never returned nor audited; operators only; events; and the
 * SIP service's read (passwords included, priority order).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DomainEvent } from '../src/bus/index.ts';
import { newId } from '../src/domain/ids.ts';
import { checkTrunk, compileTrustList } from '../src/domain/trunks.ts';
import { loadTrunksForSip } from '../src/services/trunks.ts';
import { DEMO_TRUNK } from '../src/cli/demo-data.ts';
import { clientFor } from '../src/cli/local-client.ts';
import { resolveTrunk, trunkBody, trunkTable } from '../src/cli/trunks.ts';
import { harness, makeAccount, makeUser, type Harness, type TenantFixture } from './support/harness.ts';

let h: Harness;
let a: TenantFixture;
const events: DomainEvent[] = [];
before(async () => {
  h = await harness();
  a = await makeAccount(h);
  h.services.bus.subscribe((e) => void (e.type.startsWith('trunk.') && events.push(e)));
});
after(async () => h?.close());

// Distinctive, so that finding it in any answer, audit row or event is never a coincidence.
const PASSWORD = 'Pw-7Qx!trunk-secret';
const NEW_PASSWORD = 'Pw-9Zr!rotated-secret';

const op = (method: string, url: string, body?: unknown) => h.call(method, url, { token: h.operatorToken, ...(body !== undefined ? { body } : {}) });
const create = async (body: Record<string, unknown>) => {
  const r = await op('POST', '/v1/trunks', body);
  assert.equal(r.status, 201, r.text);
  return r.body as Record<string, unknown> & { id: string };
};
const settings = (t: Record<string, unknown>) => {
  const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = t;
  return rest;
};
/** The trunk table and the trunk audit rows, as one comparable string (for "nothing changed"). */
const trunkState = () => h.db.owner(async (sql) => JSON.stringify([
  await sql.query(`SELECT to_jsonb(t) AS j FROM sip_trunks t ORDER BY id`),
  await sql.query(`SELECT count(*)::int AS n FROM audit_log WHERE target_type = 'trunk'`),
]));
const auditOf = (id: string) => h.db.owner((sql) => sql.query<{ action: string; account_id: string | null; actor_type: string; before: unknown; after: unknown }>(
  `SELECT action, account_id, actor_type, before, after FROM audit_log WHERE target_type = 'trunk' AND target_id = $1 ORDER BY at, id`, [id]));

describe('carrier trunks', () => {
  test('create: settings normalised, password stored but never returned, audited without it, event published', async () => {
    events.length = 0;
    const r = await op('POST', '/v1/trunks', {
      name: ' Carrier Berlin ', host: 'SIP.Carrier.Example', transport: 'TCP', port: 5070, username: 'tandem-trunk-01', password: PASSWORD,
      priority: 10, inboundAddresses: ['203.0.113.9/28', '2001:0DB8:0005::10', '203.0.113.0/28'],
    });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(settings(r.body), {
      name: 'Carrier Berlin', host: 'sip.carrier.example', port: 5070, transport: 'TCP', username: 'tandem-trunk-01', hasPassword: true,
      priority: 10, enabled: true, inboundAddresses: ['203.0.113.0/28', '2001:db8:5::10'],
    });
    assert.ok(!r.text.includes(PASSWORD));
    assert.equal('password' in r.body, false);

    const got = await op('GET', `/v1/trunks/${r.body.id}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, r.body);
    assert.ok(!got.text.includes(PASSWORD));

    const stored = await h.db.owner((sql) => sql.query<{ password: string }>(`SELECT password FROM sip_trunks WHERE id = $1`, [r.body.id]));
    assert.equal(stored[0]!.password, PASSWORD, 'stored as given: it answers the carrier\'s digest challenge');

    const audit = await auditOf(r.body.id);
    assert.deepEqual(audit.map((x) => [x.action, x.account_id, x.actor_type]), [['trunk.create', null, 'operator']]);
    assert.ok(!JSON.stringify(audit).includes(PASSWORD));
    assert.deepEqual(audit[0]!.after, {
      id: r.body.id, name: 'Carrier Berlin', host: 'sip.carrier.example', port: 5070, transport: 'TCP', username: 'tandem-trunk-01', passwordState: 'set',
      priority: 10, enabled: true, inboundAddresses: ['203.0.113.0/28', '2001:db8:5::10'],
    });

    assert.deepEqual(events.map((e) => [e.type, e.id, e.accountId, e.data]), [['trunk.created', r.body.id, null, { name: 'Carrier Berlin' }]]);
    assert.ok(!JSON.stringify(events).includes(PASSWORD));
  });

  test('create fills the defaults: UDP, port 5060 (5061 for TLS), priority 100, enabled, no credentials', async () => {
    const udp = await create({ name: 'Defaults UDP', host: '198.51.100.20' });
    assert.deepEqual(settings(udp), {
      name: 'Defaults UDP', host: '198.51.100.20', port: 5060, transport: 'UDP', username: null, hasPassword: false, priority: 100, enabled: true, inboundAddresses: [],
    });
    const tls = await create({ name: 'Defaults TLS', host: '[2001:db8::20]', transport: 'TLS' });
    assert.deepEqual([tls.host, tls.port, tls.transport], ['2001:db8::20', 5061, 'TLS']);
  });

  test('a refused write names the field, says why and changes nothing', async () => {
    const existing = await create({ name: 'Refusal target', host: 'refusal.example', username: 'u1', password: PASSWORD });
    const cases: [string, string, Record<string, unknown>, string, RegExp][] = [
      ['POST', '/v1/trunks', { name: 'Bad host', host: 'sip:carrier.example' }, 'host', /has a scheme/],
      ['POST', '/v1/trunks', { name: 'Bad host', host: 'carrier.example:5060' }, 'host', /port field/],
      ['POST', '/v1/trunks', { name: 'Bad port', host: 'carrier.example', port: 70000 }, 'port', /port/],
      ['POST', '/v1/trunks', { name: 'Bad transport', host: 'carrier.example', transport: 'WS' }, 'transport', /transport/],
      ['POST', '/v1/trunks', { name: 'Bad priority', host: 'carrier.example', priority: 1001 }, 'priority', /priority/],
      ['POST', '/v1/trunks', { name: 'Bad creds', host: 'carrier.example', username: 'only-user' }, 'password', /needs a password/],
      ['POST', '/v1/trunks', { name: 'Bad creds', host: 'carrier.example', password: PASSWORD }, 'username', /needs a user name/],
      ['POST', '/v1/trunks', { name: '   ', host: 'carrier.example' }, 'name', /cannot be empty/],
      ['POST', '/v1/trunks', { name: 'Open door', host: 'carrier.example', inboundAddresses: ['203.0.113.1', '0.0.0.0/0'] }, 'inboundAddresses',
        /^Inbound address "0\.0\.0\.0\/0" \(entry 2\) would trust every IPv4 address/],
      ['POST', '/v1/trunks', { name: 'Open door', host: 'carrier.example', inboundAddresses: ['::/0'] }, 'inboundAddresses', /"::\/0" \(entry 1\) would trust every IPv6 address/],
      ['POST', '/v1/trunks', { name: 'Multicast', host: 'carrier.example', inboundAddresses: ['224.0.0.5'] }, 'inboundAddresses', /"224\.0\.0\.5" \(entry 1\) is a multicast address/],
      ['POST', '/v1/trunks', { name: 'Broadcast', host: 'carrier.example', inboundAddresses: ['255.255.255.255'] }, 'inboundAddresses', /is the broadcast address/],
      ['POST', '/v1/trunks', { name: 'Not an IP', host: 'carrier.example', inboundAddresses: ['carrier.example'] }, 'inboundAddresses', /not an IPv4 or IPv6 address or a CIDR block/],
      ['POST', '/v1/trunks', { name: 'Extra', host: 'carrier.example', secret: 'x' }, 'secret', /Unexpected property/],
      ['PATCH', `/v1/trunks/${existing.id}`, { host: 'sips:carrier.example' }, 'host', /has a scheme/],
      ['PATCH', `/v1/trunks/${existing.id}`, { inboundAddresses: ['10.0.0.0/0'] }, 'inboundAddresses', /every IPv4 address/],
      ['PATCH', `/v1/trunks/${existing.id}`, { username: null, password: NEW_PASSWORD }, 'username', /needs a user name/],
    ];
    for (const [method, url, body, field, detail] of cases) {
      const before = await trunkState();
      const r = await op(method, url, body);
      const label = `${method} ${JSON.stringify(body)}`;
      assert.equal(r.status, 400, `${label}: ${r.text}`);
      assert.equal(r.body.code, 'validation_failed', label);
      assert.equal(r.body.field, field, label);
      assert.match(r.body.detail, detail, label);
      assert.equal(await trunkState(), before, `${label} changed nothing`);
    }
  });

  test('a duplicate name (without regard to case) is 409 trunk_name_taken, on create and on rename', async () => {
    await create({ name: 'Carrier Hamburg', host: 'hh.carrier.example' });
    const other = await create({ name: 'Carrier Munich', host: 'muc.carrier.example' });
    const before = await trunkState();
    const dup = await op('POST', '/v1/trunks', { name: 'carrier HAMBURG', host: 'x.carrier.example' });
    assert.equal(dup.status, 409, dup.text);
    assert.equal(dup.body.code, 'trunk_name_taken');
    assert.equal(dup.body.field, 'name');
    assert.equal(dup.body.detail, 'A carrier trunk named "carrier HAMBURG" exists already (names are compared without regard to case)');
    const rename = await op('PATCH', `/v1/trunks/${other.id}`, { name: 'Carrier Hamburg' });
    assert.equal(rename.status, 409, rename.text);
    assert.equal(rename.body.code, 'trunk_name_taken');
    assert.equal(await trunkState(), before);
    const recase = await op('PATCH', `/v1/trunks/${other.id}`, { name: 'CARRIER MUNICH' });
    assert.equal(recase.status, 200, 'a trunk may change the case of its own name');
    assert.equal(recase.body.name, 'CARRIER MUNICH');
  });

  test('an id that does not exist is 404 on get, update and delete', async () => {
    const id = newId();
    for (const [method, body] of [['GET', undefined], ['PATCH', { priority: 1 }], ['DELETE', undefined]] as const) {
      const r = await op(method, `/v1/trunks/${id}`, body);
      assert.equal(r.status, 404, `${method}: ${r.text}`);
      assert.equal(r.body.code, 'not_found');
      assert.equal(r.body.detail, 'Trunk was not found');
    }
  });

  test('update: absent fields stay, a password alone is replaced, username null removes the credentials; audited without secrets', async () => {
    const t = await create({ name: 'Carrier Update', host: 'upd.carrier.example', username: 'upd-user', password: PASSWORD, inboundAddresses: ['192.0.2.10'] });
    events.length = 0;
    const p1 = await op('PATCH', `/v1/trunks/${t.id}`, { priority: 5, enabled: false, inboundAddresses: ['192.0.2.77/24', '::ffff:198.51.100.7'] });
    assert.equal(p1.status, 200, p1.text);
    assert.deepEqual(settings(p1.body), {
      name: 'Carrier Update', host: 'upd.carrier.example', port: 5060, transport: 'UDP', username: 'upd-user', hasPassword: true,
      priority: 5, enabled: false, inboundAddresses: ['192.0.2.0/24', '198.51.100.7'],
    });
    const p2 = await op('PATCH', `/v1/trunks/${t.id}`, { password: NEW_PASSWORD });
    assert.equal(p2.status, 200, p2.text);
    assert.deepEqual([p2.body.username, p2.body.hasPassword], ['upd-user', true]);
    assert.ok(!p2.text.includes(NEW_PASSWORD));
    const stored = async () => (await h.db.owner((sql) => sql.query<{ username: string | null; password: string | null }>(`SELECT username, password FROM sip_trunks WHERE id = $1`, [t.id])))[0]!;
    assert.deepEqual(await stored(), { username: 'upd-user', password: NEW_PASSWORD });
    const p3 = await op('PATCH', `/v1/trunks/${t.id}`, { username: null });
    assert.equal(p3.status, 200, p3.text);
    assert.deepEqual([p3.body.username, p3.body.hasPassword], [null, false]);
    assert.deepEqual(await stored(), { username: null, password: null });

    const audit = await auditOf(t.id);
    assert.deepEqual(audit.map((x) => x.action), ['trunk.create', 'trunk.update', 'trunk.update', 'trunk.update']);
    const text = JSON.stringify(audit);
    assert.ok(!text.includes(PASSWORD) && !text.includes(NEW_PASSWORD), 'no password in any audit row');
    const state = (x: unknown) => (x as { passwordState: string }).passwordState;
    assert.deepEqual(audit.slice(1).map((x) => [state(x.before), state(x.after)]), [['set', 'set'], ['set', 'replaced'], ['set', 'none']]);
    assert.deepEqual((audit[1]!.before as { priority: number }).priority, 100);
    assert.deepEqual((audit[1]!.after as { priority: number }).priority, 5);
    assert.deepEqual(events.map((e) => [e.type, e.id]), [['trunk.updated', t.id], ['trunk.updated', t.id], ['trunk.updated', t.id]]);
    assert.ok(!JSON.stringify(events).includes(NEW_PASSWORD));
  });

  test('delete: 204, gone afterwards, audited and published', async () => {
    const t = await create({ name: 'Carrier Delete', host: 'del.carrier.example', username: 'del', password: PASSWORD });
    events.length = 0;
    const r = await op('DELETE', `/v1/trunks/${t.id}`);
    assert.equal(r.status, 204, r.text);
    assert.equal((await op('GET', `/v1/trunks/${t.id}`)).status, 404);
    const audit = await auditOf(t.id);
    assert.deepEqual(audit.map((x) => x.action), ['trunk.create', 'trunk.delete']);
    assert.equal((audit[1]!.before as { name: string }).name, 'Carrier Delete');
    assert.ok(!JSON.stringify(audit).includes(PASSWORD));
    assert.deepEqual(events.map((e) => [e.type, e.id, e.data]), [['trunk.deleted', t.id, { name: 'Carrier Delete' }]]);
  });

  test('list: priority order, then name; pages with cursor; q matches name or host', async () => {
    await create({ name: 'Order b', host: 'order-b.example', priority: 300 });
    await create({ name: 'order A', host: 'order-a.example', priority: 300 });
    await create({ name: 'Order c', host: 'order-c.example', priority: 200 });
    const all = await op('GET', '/v1/trunks?limit=500');
    assert.equal(all.status, 200);
    const names = (all.body.items as { name: string }[]).map((t) => t.name);
    assert.deepEqual(names.filter((n) => /^order /i.test(n)), ['Order c', 'order A', 'Order b']);
    const prios = (all.body.items as { priority: number }[]).map((t) => t.priority);
    assert.deepEqual(prios, [...prios].sort((x, y) => x - y));
    assert.ok(!all.text.includes(PASSWORD));

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { name: string }[]; nextCursor: string | null } } = await op('GET', `/v1/trunks?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(page.status, 200);
      assert.ok(page.body.items.length <= 2);
      paged.push(...page.body.items.map((t) => t.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(paged, names, 'paging with the cursor gives the same list');

    const q = await op('GET', '/v1/trunks?q=ORDER-');
    assert.deepEqual((q.body.items as { name: string }[]).map((t) => t.name), ['Order c', 'order A', 'Order b'], 'q matches the host');
    const bad = await op('GET', '/v1/trunks?cursor=nonsense');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'cursor');
  });

  test('only operators: account admins and users are refused (403), no credentials 401, and nothing changes', async () => {
    const t = await create({ name: 'Carrier Guarded', host: 'guard.carrier.example', username: 'guard', password: PASSWORD });
    const user = await makeUser(h, a);
    const calls: [string, string, unknown][] = [
      ['GET', '/v1/trunks', undefined], ['POST', '/v1/trunks', { name: 'Sneaky', host: 'sneaky.example' }], ['GET', `/v1/trunks/${t.id}`, undefined],
      ['PATCH', `/v1/trunks/${t.id}`, { priority: 0 }], ['DELETE', `/v1/trunks/${t.id}`, undefined],
    ];
    const before = await trunkState();
    for (const [who, token, status] of [['account admin', a.adminToken, 403], ['user', user.token, 403], ['nobody', null, 401]] as const) {
      for (const [method, url, body] of calls) {
        const r = await h.call(method, url, { token, ...(body !== undefined ? { body } : {}) });
        assert.equal(r.status, status, `${who} ${method} ${url}: ${r.text}`);
        assert.ok(!r.text.includes('guard.carrier.example'), `${who} ${method} ${url} leaks nothing`);
      }
    }
    assert.equal(await trunkState(), before);
  });

  test('loadTrunksForSip: every trunk with its password, by priority (lower first) then name', async () => {
    await create({ name: 'Sip z', host: 'z.example', priority: 1, username: 'zz', password: PASSWORD, inboundAddresses: ['127.0.0.2'] });
    await create({ name: 'sip Y', host: 'y.example', priority: 1, enabled: false });
    await create({ name: 'Sip x', host: 'x.example', priority: 0 });
    const trunks = await loadTrunksForSip(h.db);
    assert.deepEqual(trunks.filter((t) => /^sip /i.test(t.name)).map((t) => [t.name, t.priority, t.enabled]), [['Sip x', 0, true], ['sip Y', 1, false], ['Sip z', 1, true]]);
    const z = trunks.find((t) => t.name === 'Sip z')!;
    assert.deepEqual({ ...z, id: '' }, {
      id: '', name: 'Sip z', host: 'z.example', port: 5060, transport: 'UDP', username: 'zz', password: PASSWORD, priority: 1, enabled: true, inboundAddresses: ['127.0.0.2'],
    });
    const keys = trunks.map((t) => [t.priority, t.name.toLowerCase()] as const);
    assert.deepEqual(keys, [...keys].sort((p, q) => p[0] - q[0] || (p[1] < q[1] ? -1 : p[1] > q[1] ? 1 : 0)));
  });

  test('CLI: options become the request body; a trunk is found by id or exact name; the table shows no password', async () => {
    assert.deepEqual(trunkBody({ host: 'cli.example', port: '5070', transport: 'tls', username: 'cli', passwordStdin: true, priority: '0', inbound: ['203.0.113.1', '2001:db8::/32'], disable: true },
      () => `${PASSWORD}\nignored\n`), { host: 'cli.example', port: 5070, transport: 'TLS', username: 'cli', password: PASSWORD, priority: 0, enabled: false, inboundAddresses: ['203.0.113.1', '2001:db8::/32'] });
    assert.deepEqual(trunkBody({ clearCredentials: true, clearInbound: true, enable: true }), { username: null, enabled: true, inboundAddresses: [] });
    assert.deepEqual(trunkBody({}), {});
    assert.throws(() => trunkBody({ port: '50x' }), /--port must be a whole number, got "50x"/);
    assert.throws(() => trunkBody({ password: 'a', passwordStdin: true }), /either with --password or with --password-stdin/);
    assert.throws(() => trunkBody({ enable: true, disable: true }), /--enable or --disable, not both/);
    assert.throws(() => trunkBody({ clearCredentials: true, username: 'x' }), /--clear-credentials takes no/);

    const made = await create({ name: 'Carrier CLI', host: '2001:db8::77', port: 5062, transport: 'TCP', username: 'cli-user', password: PASSWORD, priority: 7, inboundAddresses: ['2001:db8::/48'] });
    const c = await clientFor(h.services);
    try {
      assert.equal((await resolveTrunk(c, 'carrier cli')).id, made.id);
      assert.equal((await resolveTrunk(c, made.id)).name, 'Carrier CLI');
      await assert.rejects(resolveTrunk(c, 'No Such Carrier'), /^Error: No trunk is named "No Such Carrier" or has that id \(the trunks: /);
      const lines = trunkTable([await resolveTrunk(c, 'Carrier CLI')]);
      assert.equal(lines.length, 2);
      assert.match(lines[0]!, /^PRIORITY\s+NAME\s+GATEWAY\s+ENABLED\s+CREDENTIALS\s+TRUSTED INBOUND$/);
      assert.equal(lines[1], '7         Carrier CLI  [2001:db8::77]:5062;transport=tcp  yes      cli-user (password set)  2001:db8::/48');
    } finally {
      await c.close();
    }
  });

  test('the demo trunk is valid as written, and trusts 127.0.0.2 but not the phones on 127.0.0.1', () => {
    const settings = checkTrunk({ ...DEMO_TRUNK, inboundAddresses: [...DEMO_TRUNK.inboundAddresses] });
    assert.deepEqual(settings, { name: 'Demo carrier', host: '127.0.0.2', port: 5080, transport: 'UDP', username: null, password: null, priority: 10, enabled: true, inboundAddresses: ['127.0.0.2'] });
    const list = compileTrustList([{ id: 'demo', ...settings }]);
    assert.equal(list.match('127.0.0.2')?.name, 'Demo carrier');
    assert.equal(list.match('127.0.0.1'), null);
  });
});
