/**
 * Outbound call rules and Organization Connect (spec §8 "Organization Connect (prefix dialing)",
 * §9): CRUD, prefix rows to federated accounts, the refusals (no federation allowing extension
 * reach, collisions with extensions and other prefixes), assignment to users, and rows that turn
 * inactive — with the reason — when the destination leaves, and active again when re-federated.
 *
 * Federations are made active directly in the database (the federation lifecycle has its own tests).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NO_EXTENSION_DIALING_REASON, NO_FEDERATION_REASON } from '../src/domain/call-rules.ts';
import { PRESETS, type Preset } from '../src/domain/federation.ts';
import { newId } from '../src/domain/ids.ts';
import { assertExtensionClearOfPrefixes, prefixBlockingExtension } from '../src/services/call-rules.ts';
import { accountSnapshot, harness, makeAccount, makeUser, uniq, type Harness, type Res, type TenantFixture } from './support/harness.ts';

let h: Harness;
before(async () => {
  h = await harness();
});
after(async () => h.close());

/** An account whose admin has extension 300, so prefixes 1 and 2 are free. */
async function account(name: string): Promise<TenantFixture> {
  const t = await makeAccount(h, { name: `${name} ${uniq()}` });
  const r = await h.call('PATCH', `/v1/users/${t.adminId}`, { token: t.adminToken, body: { extension: '300' } });
  assert.equal(r.status, 200, r.text);
  return t;
}

const nameOf = async (t: TenantFixture): Promise<string> =>
  (await h.db.owner((sql) => sql.query<{ name: string }>(`SELECT name FROM accounts WHERE id = $1`, [t.accountId])))[0]!.name;

/** Makes a federation of the accounts directly in the database; every member active unless the federation is proposed. */
async function federate(members: TenantFixture[], opts: { preset?: Preset; status?: 'active' | 'proposed' } = {}): Promise<string> {
  const id = newId();
  const preset = opts.preset ?? 'linked';
  const status = opts.status ?? 'active';
  const p = PRESETS[preset];
  await h.db.owner(async (sql) => {
    await sql.query(
      `INSERT INTO federations (id, name, status, proposed_by_account, preset, directory, extension_dialing, metered, caller_id_display, share_presence, share_profile_image, pager, chat)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [id, `Federation ${uniq()}`, status, members[0]!.accountId, preset, p.directory, p.extensionDialing, p.metered, p.callerIdDisplay, p.sharePresence, p.shareProfileImage, p.pager, p.chat]);
    for (const m of members) {
      await sql.query(`INSERT INTO federation_members (federation_id, account_id, status, invited_round, consented_round) VALUES ($1, $2, $3, 1, $4)`,
        [id, m.accountId, status === 'active' ? 'active' : 'pending', status === 'active' ? 1 : null]);
    }
  });
  return id;
}

/** Every row of the account including its call rules, prefixes and assignments. */
async function snapshot(t: TenantFixture): Promise<string> {
  const parts = [await accountSnapshot(h, t.accountId)];
  for (const table of ['call_rules', 'call_rule_prefixes', 'call_rule_users']) {
    const rows = await h.db.owner((sql) => sql.query(`SELECT to_jsonb(x) AS j FROM ${table} x WHERE account_id = $1 ORDER BY to_jsonb(x)::text`, [t.accountId]));
    parts.push(`${table}:${JSON.stringify(rows.map((r) => r.j))}`);
  }
  return parts.join('\n');
}

/** Asserts the call is refused with this status, code and field, and changes nothing in the account. */
async function refused(t: TenantFixture, call: () => Promise<Res>, status: number, code: string, field: string | null): Promise<Res> {
  const snap = await snapshot(t);
  const r = await call();
  assert.equal(r.status, status, r.text);
  assert.equal(r.body.code, code, r.text);
  assert.equal(r.body.field ?? null, field, r.text);
  assert.equal(await snapshot(t), snap);
  return r;
}

const create = (t: TenantFixture, body: Record<string, unknown>, token = t.adminToken) => h.call('POST', '/v1/call-rules', { token, body });
const get = (t: TenantFixture, ruleId: string) => h.call('GET', `/v1/call-rules/${ruleId}`, { token: t.adminToken });
const row = (prefix: string, d: TenantFixture) => ({ prefix, destinationAccountId: d.accountId });
const activeRow = (prefix: string, d: TenantFixture, name: string) => ({ prefix, destinationAccountId: d.accountId, destinationName: name, active: true, inactiveReason: null });

async function auditActions(t: TenantFixture, ruleId: string): Promise<string[]> {
  const rows = await h.db.owner((sql) => sql.query<{ action: string }>(
    `SELECT action FROM audit_log WHERE account_id = $1 AND target_type = 'call_rule' AND target_id = $2 ORDER BY at, id`, [t.accountId, ruleId]));
  return rows.map((r) => r.action);
}

describe('rules and Organization Connect rows', () => {
  let a: TenantFixture; let b: TenantFixture; let c: TenantFixture;
  let bName: string; let cName: string;
  before(async () => {
    [a, b, c] = [await account('Alpha'), await account('Beta'), await account('Gamma')];
    [bName, cName] = [await nameOf(b), await nameOf(c)];
    await federate([a, b, c]);
  });

  test('create, get, list, change and delete a rule with several prefix rows (A→B prefix 1, A→C prefix 2); every change is audited', async () => {
    const r = await create(a, { name: 'Head office', dialPlan: 'international', countryWhitelist: ['FR', 'AT'], organizationConnect: [row('1', b), row('2', c)] });
    assert.equal(r.status, 201, r.text);
    const id = r.body.id as string;
    assert.deepEqual({ ...r.body, createdAt: undefined, updatedAt: undefined }, {
      id, name: 'Head office', dialPlan: 'international', countryWhitelist: ['FR', 'AT'],
      organizationConnect: [activeRow('1', b, bName), activeRow('2', c, cName)],
      active: true, userIds: [], createdAt: undefined, updatedAt: undefined,
    });
    assert.deepEqual((await get(a, id)).body, r.body);
    const list = await h.call('GET', '/v1/call-rules?q=head', { token: a.adminToken });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.body, { items: [r.body], nextCursor: null });
    assert.deepEqual((await h.call('GET', '/v1/call-rules?q=nothing-like-it', { token: a.adminToken })).body.items, []);

    const patch = await h.call('PATCH', `/v1/call-rules/${id}`, { token: a.adminToken, body: { name: 'Head office (national)', dialPlan: 'national', countryWhitelist: [] } });
    assert.equal(patch.status, 200, patch.text);
    assert.equal(patch.body.name, 'Head office (national)');
    assert.equal(patch.body.dialPlan, 'national');
    assert.deepEqual(patch.body.countryWhitelist, []);
    assert.deepEqual(patch.body.organizationConnect, r.body.organizationConnect, 'the table is kept when not sent');

    const swap = await h.call('PATCH', `/v1/call-rules/${id}`, { token: a.adminToken, body: { organizationConnect: [row('7', c), row('1', b)] } });
    assert.equal(swap.status, 200, swap.text);
    assert.deepEqual(swap.body.organizationConnect, [activeRow('7', c, cName), activeRow('1', b, bName)], 'the table is replaced, in the order sent');

    const del = await h.call('DELETE', `/v1/call-rules/${id}`, { token: a.adminToken });
    assert.equal(del.status, 204, del.text);
    assert.equal((await get(a, id)).status, 404);
    assert.equal((await h.call('GET', '/v1/call-rules?q=head', { token: a.adminToken })).body.items.length, 0);
    assert.deepEqual(await auditActions(a, id), ['call_rule.create', 'call_rule.update', 'call_rule.update', 'call_rule.delete']);
  });

  test('the spec example both ways: from A prefix 1 reaches B, from B prefix 2 reaches A', async () => {
    const fromA = await create(a, { name: `To Beta ${uniq()}`, dialPlan: 'national', organizationConnect: [row('1', b)] });
    assert.equal(fromA.status, 201, fromA.text);
    const fromB = await create(b, { name: 'To Alpha', dialPlan: 'national', organizationConnect: [row('2', a)] });
    assert.equal(fromB.status, 201, fromB.text);
    assert.deepEqual(fromB.body.organizationConnect, [activeRow('2', a, await nameOf(a))]);
  });

  test('a rule without Organization Connect rows is allowed and active; dial plan internal_only', async () => {
    const r = await create(a, { name: `Internal ${uniq()}`, dialPlan: 'internal_only' });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual([r.body.organizationConnect, r.body.countryWhitelist, r.body.active], [[], [], true]);
  });

  test('the destination may be named by its SIP domain', async () => {
    const r = await create(a, { name: `By domain ${uniq()}`, dialPlan: 'national', organizationConnect: [{ prefix: '4', destinationSipDomain: b.domain.toUpperCase() }] });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.body.organizationConnect, [activeRow('4', b, bName)]);
  });

  test('the name is unique in the account, case-insensitively; another account may use it', async () => {
    const name = `Sales ${uniq()}`;
    const first = await create(a, { name, dialPlan: 'national' });
    assert.equal(first.status, 201, first.text);
    await refused(a, () => create(a, { name: name.toUpperCase(), dialPlan: 'national' }), 409, 'call_rule_name_taken', 'name');
    const other = await create(a, { name: `Other ${uniq()}`, dialPlan: 'national' });
    await refused(a, () => h.call('PATCH', `/v1/call-rules/${other.body.id}`, { token: a.adminToken, body: { name: name.toLowerCase() } }), 409, 'call_rule_name_taken', 'name');
    assert.equal((await create(b, { name, dialPlan: 'national' })).status, 201);
  });

  test('dial plan and whitelist: the whitelist belongs to the international plan, holds known countries once, within the account list', async () => {
    const r1 = await refused(a, () => create(a, { name: `W ${uniq()}`, dialPlan: 'national', countryWhitelist: ['FR'] }), 400, 'validation_failed', 'countryWhitelist');
    assert.match(r1.body.detail, /only to the international dial plan/);
    await refused(a, () => create(a, { name: `W ${uniq()}`, dialPlan: 'international', countryWhitelist: ['FR', 'ZZ'] }), 400, 'validation_failed', 'countryWhitelist[1]');
    await refused(a, () => create(a, { name: `W ${uniq()}`, dialPlan: 'international', countryWhitelist: ['FR', 'FR'] }), 400, 'validation_failed', 'countryWhitelist[1]');
    await refused(a, () => create(a, { name: `W ${uniq()}`, dialPlan: 'everything' }), 400, 'validation_failed', 'dialPlan');
    const intl = await create(a, { name: `W ${uniq()}`, dialPlan: 'international', countryWhitelist: ['FR'] });
    assert.equal(intl.status, 201, intl.text);
    await refused(a, () => h.call('PATCH', `/v1/call-rules/${intl.body.id}`, { token: a.adminToken, body: { dialPlan: 'national' } }), 400, 'validation_failed', 'countryWhitelist');
    const narrow = await makeAccount(h, { intlWhitelist: ['FR'] });
    const r2 = await refused(narrow, () => create(narrow, { name: 'W', dialPlan: 'international', countryWhitelist: ['US'] }), 400, 'validation_failed', 'countryWhitelist[0]');
    assert.match(r2.body.detail, /US is not on this account's list of countries it may call/);
  });

  test('prefixes in one rule may not be equal or start one another', async () => {
    const dup = await refused(a, () => create(a, { name: `P ${uniq()}`, dialPlan: 'national', organizationConnect: [row('1', b), row('1', c)] }), 409, 'prefix_collision', 'organizationConnect[1].prefix');
    assert.equal(dup.body.detail, 'Prefix 1 is listed twice in this rule (also as organizationConnect[0])');
    const over = await refused(a, () => create(a, { name: `P ${uniq()}`, dialPlan: 'national', organizationConnect: [row('2', c), row('1', b), row('12', c)] }), 409, 'prefix_collision', 'organizationConnect[2].prefix');
    assert.match(over.body.detail, /^Prefix 12 collides with prefix 1 \(organizationConnect\[1\]\) of this rule: 12 starts with 1/);
    await refused(a, () => create(a, { name: `P ${uniq()}`, dialPlan: 'national', organizationConnect: [row('0', b)] }), 400, 'validation_failed', 'organizationConnect[0].prefix');
    await refused(a, () => create(a, { name: `P ${uniq()}`, dialPlan: 'national', organizationConnect: [row('12345', b)] }), 400, 'validation_failed', 'organizationConnect[0].prefix');
    const r = await create(a, { name: `P ${uniq()}`, dialPlan: 'national', organizationConnect: [row('8', b)] });
    await refused(a, () => h.call('PATCH', `/v1/call-rules/${r.body.id}`, { token: a.adminToken, body: { organizationConnect: [row('8', b), row('89', c)] } }), 409, 'prefix_collision', 'organizationConnect[1].prefix');
  });

  test('a prefix leads to one account in every rule: another rule may reuse it only for the same destination, and may not start it', async () => {
    const t = await account('Delta');
    const [d1, d2] = [await account('Epsilon'), await account('Zeta')];
    await federate([t, d1, d2]);
    const sales = await create(t, { name: 'Sales', dialPlan: 'national', organizationConnect: [row('5', d1)] });
    assert.equal(sales.status, 201, sales.text);
    const support = await create(t, { name: 'Support', dialPlan: 'national', organizationConnect: [row('5', d1)] });
    assert.equal(support.status, 201, support.text);
    const other = await refused(t, () => create(t, { name: 'Ops', dialPlan: 'national', organizationConnect: [row('6', d2), row('5', d2)] }), 409, 'prefix_collision', 'organizationConnect[1].prefix');
    assert.equal(other.body.detail, 'Prefix 5 collides with another rule: the call rule "Sales" uses prefix 5 for another account; a prefix must lead to the same account in every rule');
    const longer = await refused(t, () => create(t, { name: 'Ops', dialPlan: 'national', organizationConnect: [row('56', d1)] }), 409, 'prefix_collision', 'organizationConnect[0].prefix');
    assert.match(longer.body.detail, /prefix 5 of the call rule "Sales" starts 56/);
    // a rule's own stored rows are not another rule's: Sales may keep 5 and add 7
    const patch = await h.call('PATCH', `/v1/call-rules/${sales.body.id}`, { token: t.adminToken, body: { organizationConnect: [row('5', d1), row('7', d2)] } });
    assert.equal(patch.status, 200, patch.text);
    await refused(t, () => h.call('PATCH', `/v1/call-rules/${support.body.id}`, { token: t.adminToken, body: { organizationConnect: [row('7', d1)] } }), 409, 'prefix_collision', 'organizationConnect[0].prefix');
  });

  test('a prefix may not collide with an extension of the account: extension 123 refuses prefix 1 and prefix 1234', async () => {
    const t = await account('Collide');
    await federate([t, b]);
    await makeUser(h, t, { extension: '123' });
    const short = await refused(t, () => create(t, { name: 'X', dialPlan: 'national', organizationConnect: [row('1', b)] }), 409, 'prefix_collision', 'organizationConnect[0].prefix');
    assert.match(short.body.detail, /^Prefix 1 collides with extension 123 of this account: 123 starts with 1/);
    const long = await refused(t, () => create(t, { name: 'X', dialPlan: 'national', organizationConnect: [row('2', b), row('1234', b)] }), 409, 'prefix_collision', 'organizationConnect[1].prefix');
    assert.match(long.body.detail, /^Prefix 1234 collides with extension 123 of this account: the prefix starts with 123/);
    assert.equal((await create(t, { name: 'X', dialPlan: 'national', organizationConnect: [row('13', b)] })).status, 201, 'prefix 13 does not collide with 123');
  });

  test('an extension that collides with a prefix of the account is found for the extension claim', async () => {
    const t = await account('Claim');
    await federate([t, b]);
    const r = await create(t, { name: 'Branch link', dialPlan: 'national', organizationConnect: [row('5', b), row('6123', b)] });
    assert.equal(r.status, 201, r.text);
    const check = (ext: string) => h.db.tenant(t.accountId, (sql) => assertExtensionClearOfPrefixes(sql, t.accountId, ext, 'extension'));
    await assert.rejects(check('512'), (e: unknown) => (e as { code: string; field: string; message: string }).code === 'prefix_collision'
      && (e as { field: string }).field === 'extension'
      && /^Extension 512 collides with Organization Connect prefix 5 of the call rule "Branch link": 512 starts with the prefix/.test((e as Error).message));
    await assert.rejects(check('612'), /Extension 612 collides with Organization Connect prefix 6123 of the call rule "Branch link": the prefix starts with 612/);
    await check('613');
    await check('700');
    assert.deepEqual(await h.db.tenant(t.accountId, (sql) => prefixBlockingExtension(sql, t.accountId, '599')), { prefix: '5', ruleId: r.body.id, ruleName: 'Branch link' });
    assert.equal(await h.db.tenant(b.accountId, (sql) => prefixBlockingExtension(sql, b.accountId, '599')), null, 'another account\'s prefixes never block');
  });
});

describe('destinations must share an active federation that allows extension dialing', () => {
  let a: TenantFixture; let linked: TenantFixture; let stranger: TenantFixture; let partner: TenantFixture; let proposed: TenantFixture;
  before(async () => {
    [a, linked, stranger, partner, proposed] = [await account('Origin'), await account('Linked'), await account('Stranger'), await account('Partner'), await account('Proposed')];
    await federate([a, linked]);
    await federate([a, partner], { preset: 'federated' });
    await federate([a, proposed], { status: 'proposed' });
  });

  const body = (prefixRow: Record<string, unknown>) => ({ name: `D ${uniq()}`, dialPlan: 'national', organizationConnect: [row('1', linked), prefixRow] });

  test('no federation, only a federated-preset federation, a proposed federation, an unknown account: refused alike', async () => {
    for (const d of [stranger, partner, proposed]) {
      const r = await refused(a, () => create(a, body(row('2', d))), 409, 'not_federated', 'organizationConnect[1].destinationAccountId');
      assert.equal(r.body.detail, `Account ${d.accountId} shares no active federation with this account that allows extension dialing, so prefix 2 cannot lead there`);
    }
    const unknown = newId();
    const r = await refused(a, () => create(a, body({ prefix: '2', destinationAccountId: unknown })), 409, 'not_federated', 'organizationConnect[1].destinationAccountId');
    assert.equal(r.body.detail, `Account ${unknown} shares no active federation with this account that allows extension dialing, so prefix 2 cannot lead there`);
  });

  test('by SIP domain: a stranger and an unknown domain are refused alike', async () => {
    for (const domain of [stranger.domain, `nowhere${uniq()}.example.net`]) {
      const r = await refused(a, () => create(a, body({ prefix: '2', destinationSipDomain: domain })), 409, 'not_federated', 'organizationConnect[1].destinationSipDomain');
      assert.equal(r.body.detail, `The account with SIP domain ${domain} shares no active federation with this account that allows extension dialing, so prefix 2 cannot lead there`);
    }
    await refused(a, () => create(a, body({ prefix: '2', destinationSipDomain: linked.domain, destinationAccountId: linked.accountId })), 400, 'validation_failed', 'organizationConnect[1]');
    await refused(a, () => create(a, body({ prefix: '2' })), 400, 'validation_failed', 'organizationConnect[1]');
  });

  test('the own account is not a destination', async () => {
    await refused(a, () => create(a, body(row('2', a))), 400, 'validation_failed', 'organizationConnect[1].destinationAccountId');
    await refused(a, () => create(a, body({ prefix: '2', destinationSipDomain: a.domain })), 400, 'validation_failed', 'organizationConnect[1].destinationSipDomain');
  });

  test('a change adding an unreachable destination is refused too', async () => {
    const r = await create(a, { name: `D ${uniq()}`, dialPlan: 'national', organizationConnect: [row('1', linked)] });
    assert.equal(r.status, 201, r.text);
    await refused(a, () => h.call('PATCH', `/v1/call-rules/${r.body.id}`, { token: a.adminToken, body: { organizationConnect: [row('1', linked), row('2', partner)] } }),
      409, 'not_federated', 'organizationConnect[1].destinationAccountId');
  });
});

describe('rows whose destination leaves a federation', () => {
  test('read inactive with the reason at once, keep what is unchanged, and turn active again with a new federation', async () => {
    const a = await account('Leaver A');
    const b = await account('Leaver B');
    const c = await account('Leaver C');
    const bName = await nameOf(b);
    const cName = await nameOf(c);
    const fab = await federate([a, b]);
    await federate([a, c]);
    const r = await create(a, { name: 'Group', dialPlan: 'national', organizationConnect: [row('1', b), row('2', c)] });
    assert.equal(r.status, 201, r.text);
    const id = r.body.id as string;
    const u = await makeUser(h, a, { extension: '401' });
    assert.equal((await h.call('PUT', `/v1/call-rules/${id}/users`, { token: a.adminToken, body: { userIds: [u.id] } })).status, 200);

    await h.db.owner((sql) => sql.query(`UPDATE federations SET status = 'dissolved', ended_at = now() WHERE id = $1`, [fab]));
    const inactiveB = { prefix: '1', destinationAccountId: b.accountId, destinationName: null, active: false, inactiveReason: NO_FEDERATION_REASON };
    const after = await get(a, id);
    assert.equal(after.status, 200, after.text);
    assert.deepEqual(after.body.organizationConnect, [inactiveB, activeRow('2', c, cName)]);
    assert.equal(after.body.active, false);
    assert.deepEqual((await h.call('GET', '/v1/call-rules?q=Group', { token: a.adminToken })).body.items, [after.body]);
    const mine = await h.call('GET', `/v1/users/${u.id}/call-rule`, { token: u.token });
    assert.deepEqual(mine.body, { rule: after.body }, 'the user sees the same state');

    // Unchanged rows are kept while inactive; a rename passes; the inactive destination cannot be added anew.
    const rename = await h.call('PATCH', `/v1/call-rules/${id}`, { token: a.adminToken, body: { name: 'Group (renamed)', organizationConnect: [row('1', b), row('2', c)] } });
    assert.equal(rename.status, 200, rename.text);
    assert.deepEqual(rename.body.organizationConnect, [inactiveB, activeRow('2', c, cName)]);
    await refused(a, () => h.call('PATCH', `/v1/call-rules/${id}`, { token: a.adminToken, body: { organizationConnect: [row('9', b), row('2', c)] } }),
      409, 'not_federated', 'organizationConnect[0].destinationAccountId');
    await refused(a, () => create(a, { name: 'Again', dialPlan: 'national', organizationConnect: [row('1', b)] }), 409, 'not_federated', 'organizationConnect[0].destinationAccountId');

    // A new active federation that allows extension dialing makes the row active again.
    const again = await federate([a, b]);
    assert.deepEqual((await get(a, id)).body.organizationConnect, [activeRow('1', b, bName), activeRow('2', c, cName)]);
    assert.equal((await get(a, id)).body.active, true);

    // The destination leaves (its membership ends): inactive again.
    await h.db.owner((sql) => sql.query(`UPDATE federation_members SET status = 'left', ended_at = now() WHERE federation_id = $1 AND account_id = $2`, [again, b.accountId]));
    assert.deepEqual((await get(a, id)).body.organizationConnect[0], inactiveB);

    // Still federated, but only without extension dialing: inactive with that reason (the name stays visible).
    await federate([a, b], { preset: 'federated' });
    assert.deepEqual((await get(a, id)).body.organizationConnect[0],
      { prefix: '1', destinationAccountId: b.accountId, destinationName: bName, active: false, inactiveReason: NO_EXTENSION_DIALING_REASON });
  });
});

describe('assignment to users', () => {
  let a: TenantFixture; let b: TenantFixture;
  before(async () => {
    [a, b] = [await account('Assign A'), await account('Assign B')];
    await federate([a, b]);
  });

  test('set, move, clear; a user reads their own rule; others answer 404', async () => {
    const r1 = await create(a, { name: 'First', dialPlan: 'national', organizationConnect: [row('1', b)] });
    const r2 = await create(a, { name: 'Second', dialPlan: 'internal_only' });
    const [u1, u2] = [await makeUser(h, a, { extension: '501' }), await makeUser(h, a, { extension: '502' })];
    const set = await h.call('PUT', `/v1/call-rules/${r1.body.id}/users`, { token: a.adminToken, body: { userIds: [u2.id, u1.id, u1.id] } });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual(set.body.rule.userIds, [u1.id, u2.id].sort());
    assert.deepEqual(set.body.moved, []);
    assert.deepEqual((await h.call('GET', `/v1/users/${u1.id}/call-rule`, { token: u1.token })).body, { rule: set.body.rule });
    assert.deepEqual((await h.call('GET', `/v1/users/${u1.id}/call-rule`, { token: a.adminToken })).body, { rule: set.body.rule });
    assert.equal((await h.call('GET', `/v1/users/${u1.id}/call-rule`, { token: u2.token })).status, 404);
    assert.equal((await h.call('GET', `/v1/users/${u1.id}/call-rule`, { token: b.adminToken })).status, 404);

    // A user has one rule: assigning another moves them, and the answer says from where.
    const move = await h.call('PUT', `/v1/call-rules/${r2.body.id}/users`, { token: a.adminToken, body: { userIds: [u2.id] } });
    assert.equal(move.status, 200, move.text);
    assert.deepEqual(move.body.moved, [{ userId: u2.id, fromRuleId: r1.body.id }]);
    assert.deepEqual((await get(a, r1.body.id)).body.userIds, [u1.id]);
    assert.equal((await h.call('GET', `/v1/users/${u2.id}/call-rule`, { token: u2.token })).body.rule.id, r2.body.id);

    // Replacing replaces: an empty list clears.
    const clear = await h.call('PUT', `/v1/call-rules/${r1.body.id}/users`, { token: a.adminToken, body: { userIds: [] } });
    assert.deepEqual(clear.body.rule.userIds, []);
    assert.deepEqual((await h.call('GET', `/v1/users/${u1.id}/call-rule`, { token: u1.token })).body, { rule: null });
    assert.deepEqual(await auditActions(a, r1.body.id), ['call_rule.create', 'call_rule.assign_users', 'call_rule.assign_users']);
  });

  test('only users of the account; a deleted user or rule leaves no assignment behind', async () => {
    const r = await create(a, { name: `Third ${uniq()}`, dialPlan: 'national' });
    const u = await makeUser(h, a, { extension: '503' });
    const foreign = await makeUser(h, b, { extension: '599' });
    await refused(a, () => h.call('PUT', `/v1/call-rules/${r.body.id}/users`, { token: a.adminToken, body: { userIds: [u.id, foreign.id] } }), 404, 'not_found', 'userIds[1]');
    assert.equal((await h.call('PUT', `/v1/call-rules/${r.body.id}/users`, { token: a.adminToken, body: { userIds: [u.id] } })).status, 200);
    const v = await makeUser(h, a, { extension: '504' });
    assert.equal((await h.call('PUT', `/v1/call-rules/${r.body.id}/users`, { token: a.adminToken, body: { userIds: [u.id, v.id] } })).status, 200);
    assert.equal((await h.call('DELETE', `/v1/users/${v.id}`, { token: a.adminToken })).status, 204);
    assert.deepEqual((await get(a, r.body.id)).body.userIds, [u.id]);
    assert.equal((await h.call('DELETE', `/v1/call-rules/${r.body.id}`, { token: a.adminToken })).status, 204);
    assert.deepEqual((await h.call('GET', `/v1/users/${u.id}/call-rule`, { token: a.adminToken })).body, { rule: null });
  });
});

describe('access', () => {
  let a: TenantFixture; let b: TenantFixture; let ruleId: string;
  before(async () => {
    [a, b] = [await account('Access A'), await account('Access B')];
    await federate([a, b]);
    const r = await create(a, { name: 'Private rule', dialPlan: 'national', organizationConnect: [row('1', b)] });
    assert.equal(r.status, 201, r.text);
    ruleId = r.body.id;
  });

  test("another account's rule answers 404 to every operation and is not changed", async () => {
    await refused(a, () => h.call('GET', `/v1/call-rules/${ruleId}`, { token: b.adminToken }), 404, 'not_found', null);
    await refused(a, () => h.call('PATCH', `/v1/call-rules/${ruleId}`, { token: b.adminToken, body: { name: 'Mine now' } }), 404, 'not_found', null);
    await refused(a, () => h.call('PUT', `/v1/call-rules/${ruleId}/users`, { token: b.adminToken, body: { userIds: [] } }), 404, 'not_found', null);
    await refused(a, () => h.call('DELETE', `/v1/call-rules/${ruleId}`, { token: b.adminToken }), 404, 'not_found', null);
    const list = await h.call('GET', '/v1/call-rules', { token: b.adminToken });
    assert.ok(!list.text.includes(ruleId));
  });

  test('writes and lists are for account admins and operators; a user and a site admin are refused', async () => {
    const u = await makeUser(h, a, { extension: '601' });
    const sa = await makeUser(h, a, { extension: '602', role: 'site_admin' });
    for (const token of [u.token, sa.token]) {
      await refused(a, () => create(a, { name: 'Nope', dialPlan: 'national' }, token), 403, 'forbidden', null);
      await refused(a, () => h.call('GET', '/v1/call-rules', { token }), 403, 'forbidden', null);
      await refused(a, () => h.call('GET', `/v1/call-rules/${ruleId}`, { token }), 403, 'forbidden', null);
    }
    const op = await h.call('POST', '/v1/call-rules', { token: h.operatorToken, headers: { 'tandem-account': a.accountId }, body: { name: 'By the operator', dialPlan: 'national', organizationConnect: [row('2', b)] } });
    assert.equal(op.status, 201, op.text);
    assert.equal((await get(a, op.body.id)).body.name, 'By the operator');
  });
});
