/**
 * The rate deck and the monthly invoice (spec §12; issue 4 items 6–7): importing a CSV replaces the
 * whole deck in one transaction with one audit row and reaches the live snapshot; a bad row refuses
 * the whole file naming the row and changes nothing; the invoice groups an account's legs of a UTC
 * month by class and destination with exact totals, through the API and the CLI's functions.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, clientFor, type LocalClient } from '../src/cli/local-client.ts';
import { fetchInvoice, invoiceText } from '../src/cli/invoice.ts';
import { importRates, listRates, rateTable, refusalLines } from '../src/cli/rates.ts';
import { routingFor } from '../src/routing/live.ts';
import type { Party } from '../src/routing/types.ts';
import { recordCall, type CallLegInput } from '../src/services/call-records.ts';
import { harness, makeAccount, makeUser, uniq, type Harness, type TenantFixture } from './support/harness.ts';

let h: Harness;
let cli: LocalClient;
before(async () => {
  h = await harness();
  cli = await clientFor(h.services);
});
after(async () => {
  await cli?.close();
  await h?.close();
});

const DECK = [
  'prefix,description,per_minute,setup',
  '49,Germany,0.0200,0',
  '4915,Germany mobile,0.0900,0.0100',
  '4917,Germany mobile,0.0800,0',
  '43,Austria,0.0400,0.0050',
  '1,North America,0.0150,0',
].join('\n');

const deckRows = async () => h.db.owner((sql) => sql.query(`SELECT prefix, description, per_minute, setup FROM rate_deck ORDER BY prefix`));
const auditCount = async () => Number((await h.db.owner((sql) => sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'rate_deck.replace'`)))[0]!.n);
const put = (csv: string, token = h.operatorToken) => h.call('PUT', '/v1/rate-deck', { token, body: { csv } });

describe('the rate deck', () => {
  test('an import replaces the whole deck, with one audit row, and the live snapshot rates with it at once', async () => {
    const live = routingFor(h.services);
    await live.warm();
    const first = await put(DECK);
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(first.body, { rows: 5, replaced: 0 });
    assert.deepEqual(await deckRows(), [
      { prefix: '1', description: 'North America', per_minute: 150, setup: 0 },
      { prefix: '43', description: 'Austria', per_minute: 400, setup: 50 },
      { prefix: '49', description: 'Germany', per_minute: 200, setup: 0 },
      { prefix: '4915', description: 'Germany mobile', per_minute: 900, setup: 100 },
      { prefix: '4917', description: 'Germany mobile', per_minute: 800, setup: 0 },
    ]);
    const audits = await auditCount();
    const second = await put('PREFIX , Per_Minute\n+33,0.03\n49,0.01\n');
    assert.equal(second.status, 200, second.text);
    assert.deepEqual(second.body, { rows: 2, replaced: 5 });
    assert.deepEqual(await deckRows(), [{ prefix: '33', description: '', per_minute: 300, setup: 0 }, { prefix: '49', description: '', per_minute: 100, setup: 0 }]);
    assert.equal(await auditCount(), audits + 1);
    const audit = (await h.db.owner((sql) => sql.query(`SELECT account_id, actor_type, before, after FROM audit_log WHERE action = 'rate_deck.replace' ORDER BY at DESC LIMIT 1`)))[0]!;
    assert.equal(audit.account_id, null);
    assert.equal(audit.actor_type, 'operator');
    assert.deepEqual(audit.before, { rows: 5 });
    assert.equal((audit.after as { rows: number }).rows, 2);
    assert.deepEqual((await live.snapshot()).rates.map((r) => [r.prefix, r.perMinute]), [['33', 300], ['49', 100]]);
    assert.equal((await put(DECK)).status, 200);
  });

  test('a file with bad rows is refused whole, naming each row, and nothing changes', async () => {
    assert.equal((await put(DECK)).status, 200);
    const deck = await deckRows();
    const audits = await auditCount();
    const live = routingFor(h.services);
    const rates = JSON.stringify((await live.snapshot()).rates);
    const bad = ['prefix,description,per_minute,setup', '44,UK,0.0300,0', '33,France,abc,0', '39,Italy,0.02,0', '44,UK again,0.0300,0', '034,Spain,0.02,0', '41,Switzerland,0.00001,0', '45,Denmark,0.02,-1'].join('\n');
    const r = await put(bad);
    assert.equal(r.status, 400);
    assert.equal(r.body.code, 'validation_failed');
    assert.equal(r.body.field, 'csv');
    assert.match(r.body.detail, /^Row 2 \(line 3\) of the rate deck: the per_minute "abc" is not a price/);
    assert.match(r.body.detail, /5 bad rows in all; nothing was imported/);
    assert.deepEqual(r.body.problems.map((p: { line: number; row: number; column: string }) => [p.line, p.row, p.column]), [[3, 2, 'per_minute'], [5, 4, 'prefix'], [6, 5, 'prefix'], [7, 6, 'per_minute'], [8, 7, 'setup']]);
    assert.match(r.body.problems[1].reason, /listed twice \(also on line 2\)/);
    assert.match(r.body.problems[2].reason, /starts with 0/);
    assert.deepEqual(await deckRows(), deck);
    assert.equal(await auditCount(), audits);
    assert.equal(JSON.stringify((await live.snapshot()).rates), rates);
  });

  test('a wrong header, a short row or a missing price is refused; only operators may import', async () => {
    const deck = await deckRows();
    const header = await put('prefix,price\n49,0.01\n');
    assert.equal(header.status, 400);
    assert.match(header.body.detail, /missing column per_minute; unknown column "price"/);
    const short = await put('prefix,description,per_minute,setup\n49,Germany\n');
    assert.equal(short.status, 400);
    assert.match(short.body.detail, /^Row 1 \(line 2\) of the rate deck: the row has 2 fields but the header names 4/);
    const empty = await put('prefix,per_minute\n49,\n');
    assert.match(empty.body.detail, /the per_minute price is empty/);
    const t = await makeAccount(h, { name: `Deck Tenant ${uniq()}` });
    const denied = await put('prefix,per_minute\n49,0.01\n', t.adminToken);
    assert.equal(denied.status, 403);
    assert.equal((await h.call('GET', '/v1/rate-deck', { token: t.adminToken })).status, 403);
    assert.deepEqual(await deckRows(), deck);
  });

  test('the deck lists by prefix, pages, and narrows to a prefix', async () => {
    assert.equal((await put(DECK)).status, 200);
    const p1 = await h.call('GET', '/v1/rate-deck?limit=2', { token: h.operatorToken });
    assert.equal(p1.status, 200, p1.text);
    assert.deepEqual(p1.body.items.map((r: { prefix: string }) => r.prefix), ['1', '43']);
    const p2 = await h.call('GET', `/v1/rate-deck?limit=10&cursor=${p1.body.nextCursor}`, { token: h.operatorToken });
    assert.deepEqual(p2.body.items.map((r: { prefix: string }) => r.prefix), ['49', '4915', '4917']);
    assert.equal(p2.body.nextCursor, null);
    const de = await h.call('GET', '/v1/rate-deck?prefix=%2B491', { token: h.operatorToken });
    assert.deepEqual(de.body.items.map((r: { prefix: string; perMinute: number; setup: number }) => [r.prefix, r.perMinute, r.setup]), [['4915', 900, 100], ['4917', 800, 0]]);
  });

  test('the CLI imports and lists through the API, and prints every bad row of a refused file', async () => {
    assert.deepEqual(await importRates(cli, 'prefix,description,per_minute\n49,Germany,0.02\n1,North America,0.015\n'), { rows: 2, replaced: 5 });
    const rows = await listRates(cli);
    assert.deepEqual(rateTable(rows), ['PREFIX  PER MINUTE  SETUP   DESCRIPTION', '1       0.0150      0.0000  North America', '49      0.0200      0.0000  Germany']);
    const refused = await importRates(cli, 'prefix,per_minute\n49,x\n49,0.1\n').then(() => null, (e: unknown) => e);
    assert.ok(refused instanceof ApiError);
    assert.deepEqual(refusalLines(refused), [
      'The rate deck was refused; nothing was imported. 2 bad rows:',
      '  line 2 (row 1), per_minute: the per_minute "x" is not a price: write a decimal of currency units with at most four decimals, at most 99999 (e.g. 0.0123)',
      '  line 3 (row 2), prefix: the prefix 49 is listed twice (also on line 2)',
    ]);
    assert.equal((await listRates(cli)).length, 2);
    assert.equal((await put(DECK)).status, 200);
  });
});

describe('the monthly invoice', () => {
  let t: TenantFixture;
  let u: Awaited<ReturnType<typeof makeUser>>;
  const me = (): Party => ({ accountId: t.accountId, office: null, userId: u.id, name: 'Ida Invoice', extension: u.extension, number: null });
  const pub = (number: string | null): Party => ({ accountId: null, office: null, userId: null, name: null, extension: null, number });

  /** An outbound leg starting at `start`, answered at once, lasting `seconds`. */
  const out = (start: string, to: Party, metering: CallLegInput['metering'], seconds: number, extra: Partial<CallLegInput> = {}): CallLegInput => {
    const s = new Date(start);
    return {
      accountId: t.accountId, direction: 'outbound', userId: u.id, from: me(), to, routeClass: null, metering,
      startedAt: s, answeredAt: seconds > 0 ? s : null, endedAt: new Date(s.getTime() + seconds * 1000), result: seconds > 0 ? 'answered' : 'no_answer', ...extra,
    };
  };

  before(async () => {
    assert.equal((await put(DECK)).status, 200);
    t = await makeAccount(h, { name: `Invoice Account ${uniq()}` });
    u = await makeUser(h, t, { firstName: 'Ida', lastName: 'Invoice' });
    const colleague = await makeUser(h, t, { firstName: 'Carl', lastName: 'Colleague' });
    const carl: Party = { accountId: t.accountId, office: null, userId: colleague.id, name: 'Carl Colleague', extension: colleague.extension, number: null };
    for (const l of [
      // June 2025 (UTC): the invoice month.
      out('2025-06-01T00:00:00Z', pub('+4915123456789'), 'national', 61), //           2 min: 100 + 1800 = 1900
      out('2025-06-02T10:00:00Z', pub('+4915123456789'), 'national', 600), //         10 min: 100 + 9000 = 9100
      out('2025-06-03T10:00:00Z', pub('+4917612345678'), 'national', 59), //           1 min: 800
      out('2025-06-04T10:00:00Z', pub('+4930901820'), 'national', 120), //             2 min: 400
      out('2025-06-05T10:00:00Z', pub('+4930901820'), 'national', 0), //               unanswered: 0 min, 0
      out('2025-06-06T10:00:00Z', pub('+43123456789'), 'international', 90), //        2 min: 50 + 800 = 850
      out('2025-06-07T10:00:00Z', pub('+33123456789'), 'international', 30), //        1 min, unrated
      out('2025-06-08T10:00:00Z', pub(null), 'emergency', 300, { routeClass: 'emergency' }), // 5 min, free
      { ...out('2025-06-09T10:00:00Z', carl, 'on_net_own', 200), direction: 'internal' as const }, // 4 min on-net
      out('2025-06-10T10:00:00Z', pub('+4917612345678'), 'on_net_own', 180, { officeAnywhereLeg: true }), // OA: 3 min × 800 = 2400
      { ...out('2025-06-11T10:00:00Z', pub('+4917612345678'), 'none', 100), direction: 'inbound' as const, from: pub('+4917612345678'), to: me() }, // not usage
      out('2025-06-30T23:59:59Z', pub('+4917612345678'), 'national', 60), //           last second of June: 800
      // Outside June.
      out('2025-05-31T23:59:59Z', pub('+4917612345678'), 'national', 60),
      out('2025-07-01T00:00:00Z', pub('+4917612345678'), 'national', 60),
    ]) await recordCall(h.services, [l]);
  });

  test('usage is grouped by class and destination, and the lines add up to the totals exactly', async () => {
    const r = await h.call('GET', '/v1/invoices/2025-06', { token: t.adminToken });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, {
      accountId: t.accountId, month: '2025-06', currencyUnitScale: 10000,
      lines: [
        { class: 'on_net_own', destination: 'on-net', officeAnywhere: false, calls: 1, minutes: 4, cost: 0, unrated: 0 },
        { class: 'emergency', destination: 'emergency', officeAnywhere: false, calls: 1, minutes: 5, cost: 0, unrated: 0 },
        { class: 'national', destination: 'Germany', officeAnywhere: false, calls: 2, minutes: 2, cost: 400, unrated: 0 },
        { class: 'national', destination: 'Germany mobile', officeAnywhere: false, calls: 4, minutes: 14, cost: 1900 + 9100 + 800 + 800, unrated: 0 },
        { class: 'national', destination: 'Germany mobile', officeAnywhere: true, calls: 1, minutes: 3, cost: 2400, unrated: 0 },
        { class: 'international', destination: 'Austria', officeAnywhere: false, calls: 1, minutes: 2, cost: 850, unrated: 0 },
        { class: 'international', destination: 'FR', officeAnywhere: false, calls: 1, minutes: 1, cost: 0, unrated: 1 },
      ],
      totals: { calls: 11, minutes: 31, cost: 400 + 12600 + 2400 + 850 },
      onNet: { calls: 1, minutes: 4, cost: 0 },
      unrated: 1,
    });
    const lines = r.body.lines as { calls: number; minutes: number; cost: number }[];
    assert.deepEqual(r.body.totals, { calls: lines.reduce((s, l) => s + l.calls, 0), minutes: lines.reduce((s, l) => s + l.minutes, 0), cost: lines.reduce((s, l) => s + l.cost, 0) });
  });

  test('a month without usage is an empty invoice; operators read it with Tandem-Account; others may not', async () => {
    const empty = await h.call('GET', '/v1/invoices/2024-02', { token: t.adminToken });
    assert.deepEqual(empty.body, { accountId: t.accountId, month: '2024-02', currencyUnitScale: 10000, lines: [], totals: { calls: 0, minutes: 0, cost: 0 }, onNet: { calls: 0, minutes: 0, cost: 0 }, unrated: 0 });
    const op = await h.call('GET', '/v1/invoices/2025-06', { token: h.operatorToken, headers: { 'tandem-account': t.accountId } });
    assert.equal(op.status, 200);
    assert.equal(op.body.totals.cost, 16250);
    const noAccount = await h.call('GET', '/v1/invoices/2025-06', { token: h.operatorToken });
    assert.equal(noAccount.status, 400);
    assert.equal(noAccount.body.field, 'Tandem-Account');
    assert.equal((await h.call('GET', '/v1/invoices/2025-06', { token: u.token })).status, 403);
    const badMonth = await h.call('GET', '/v1/invoices/2025-13', { token: t.adminToken });
    assert.equal(badMonth.status, 400);
    assert.equal(badMonth.body.code, 'validation_failed');
    assert.equal(badMonth.body.field, 'params.month');
    // Another account's admin reads their own (empty) invoice, never this one.
    const other = await makeAccount(h, { name: `Invoice Other ${uniq()}` });
    const theirs = await h.call('GET', '/v1/invoices/2025-06', { token: other.adminToken });
    assert.equal(theirs.body.accountId, other.accountId);
    assert.equal(theirs.body.totals.calls, 0);
  });

  test('the CLI prints the invoice by account name', async () => {
    const name = (await h.call('GET', `/v1/accounts/${t.accountId}`, { token: h.operatorToken })).body.name as string;
    const { accountName, invoice } = await fetchInvoice(cli, name, '2025-06');
    assert.equal(accountName, name);
    assert.equal(invoice.totals.cost, 16250);
    const text = invoiceText(accountName, invoice);
    assert.equal(text[0], `Invoice 2025-06 — ${name} (${t.accountId})`);
    assert.ok(text.includes('On-net (free): 1 call, 4 minutes.'));
    assert.ok(text.some((l) => /^national · Office Anywhere\s+Germany mobile\s+1\s+3\s+0\.2400$/.test(l)), text.join('\n'));
    assert.ok(text.some((l) => /^TOTAL\s+11\s+31\s+1\.6250\s+1$/.test(l)), text.join('\n'));
    assert.ok(text.some((l) => l.startsWith('Unrated: 1 call')));
    await assert.rejects(fetchInvoice(cli, name, 'June'), /--month must be a month written YYYY-MM/);
  });
});
