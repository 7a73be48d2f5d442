/**
 * Call records (spec §9 "Every call produces a call record …", §8 call log display and callback,
 * §12 rating): recordCall writes one leg per account sharing an interaction id; each account, site
 * admin and user sees exactly its own legs through the API; legs are rated as they are written; a
 * callback string from the API routes back to the same party through the outbound engine.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '../src/domain/errors.ts';
import { routingFor } from '../src/routing/live.ts';
import { decideOutbound } from '../src/routing/outbound.ts';
import type { Party } from '../src/routing/types.ts';
import { recordCall, type CallLegInput } from '../src/services/call-records.ts';
import { distinctAdminExtensions, federate } from './support/federation.ts';
import { activeNumbers, harness, makeAccount, makeUser, signIn, uniq, type Harness, type TenantFixture } from './support/harness.ts';

let h: Harness;
let a: TenantFixture;
let b: TenantFixture;
type U = Awaited<ReturnType<typeof makeUser>>;
let a1: U;
let a2: U;
let a3: U;
let b1: U;
let siteAdminToken: string;
let a1Number: string;
const DECK = 'prefix,description,per_minute,setup\n49,Germany,0.0200,0\n4915,Germany mobile,0.0900,0.0100\n4917,Germany mobile (other),0.0800,0\n';

const party = (t: TenantFixture, u: U, name: string, number: string | null = null): Party => ({ accountId: t.accountId, office: null, userId: u.id, name, extension: u.extension, number });
const PUBLIC = (number: string | null): Party => ({ accountId: null, office: null, userId: null, name: null, extension: null, number });
const at = (s: string) => new Date(`2025-06-10T${s}Z`);

/** A leg answered at the start and ended `seconds` later. */
function leg(over: Partial<CallLegInput> & Pick<CallLegInput, 'accountId' | 'direction' | 'userId' | 'from' | 'to' | 'metering'>, seconds = 90): CallLegInput {
  const start = at('09:00:00');
  return {
    routeClass: null, startedAt: start, answeredAt: new Date(start.getTime() + 5000), endedAt: new Date(start.getTime() + 5000 + seconds * 1000), result: 'answered', ...over,
  };
}

before(async () => {
  h = await harness();
  a = await makeAccount(h, { name: `Records Alpha ${uniq()}` });
  b = await makeAccount(h, { name: `Records Beta ${uniq()}` });
  await distinctAdminExtensions(h, [a, b]);
  a1 = await makeUser(h, a, { firstName: 'Anna', lastName: 'Alpha' });
  a2 = await makeUser(h, a, { firstName: 'Arne', lastName: 'Alpha' });
  b1 = await makeUser(h, b, { firstName: 'Berta', lastName: 'Beta' });
  const site2 = await h.call('POST', '/v1/sites', { token: a.adminToken, body: { name: 'Annex', timeZone: 'Europe/Berlin', mainNumber: `+4930777${String(uniq()).padStart(4, '0')}` } });
  assert.equal(site2.status, 201, site2.text);
  a3 = await makeUser(h, a, { siteId: site2.body.id, firstName: 'Aaron', lastName: 'Annex' });
  const sa = await makeUser(h, a, { siteId: site2.body.id, role: 'site_admin' });
  assert.equal((await h.call('PATCH', `/v1/users/${sa.id}`, { token: a.adminToken, body: { adminSiteIds: [site2.body.id] } })).status, 200);
  siteAdminToken = await signIn(h, sa.email, 'user password 1');
  const [n] = await activeNumbers(h, a, 1);
  assert.equal((await h.call('PUT', `/v1/numbers/${n!.id}/assignment`, { token: a.adminToken, body: { userId: a1.id } })).status, 200);
  a1Number = n!.e164;
  await federate(h, [a, b], { preset: 'linked' });
  const rule = await h.call('POST', '/v1/call-rules', { token: a.adminToken, body: { name: 'To Beta', dialPlan: 'national', countryWhitelist: [], organizationConnect: [{ prefix: '7', destinationAccountId: b.accountId }] } });
  assert.equal(rule.status, 201, rule.text);
  assert.equal((await h.call('PUT', `/v1/call-rules/${rule.body.id}/users`, { token: a.adminToken, body: { userIds: [a1.id] } })).status, 200);
  const deck = await h.call('PUT', '/v1/rate-deck', { token: h.operatorToken, body: { csv: DECK } });
  assert.equal(deck.status, 200, deck.text);
});
after(async () => h?.close());

const ids = (r: { body: { items: { id: string }[] } }) => r.body.items.map((x) => x.id);
const count = async (where: string, params: unknown[]) => Number((await h.db.owner((sql) => sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM call_records WHERE ${where}`, params)))[0]!.n);

/** Anna (A) calls Berta (B, linked) through Organization Connect: one leg in each account. */
async function linkedCall() {
  const from = party(a, a1, 'Anna Alpha', a1Number);
  const to = party(b, b1, 'Berta Beta');
  return recordCall(h.services, [
    leg({ accountId: a.accountId, direction: 'outbound', userId: a1.id, from, to, routeClass: 'org_connect', metering: 'on_net_linked' }),
    leg({ accountId: b.accountId, direction: 'inbound', userId: b1.id, from, to, routeClass: 'org_connect', metering: 'on_net_linked' }),
  ]);
}

describe('recording a call', () => {
  test('a call across linked accounts has one leg per account, sharing the interaction id, both free', async () => {
    const [legA, legB] = await linkedCall();
    assert.equal(legA!.interactionId, legB!.interactionId);
    assert.notEqual(legA!.id, legB!.id);
    assert.equal(legA!.accountId, a.accountId);
    assert.equal(legB!.accountId, b.accountId);
    assert.equal(await count('interaction_id = $1', [legA!.interactionId]), 2);
    for (const l of [legA!, legB!]) {
      assert.equal(l.rating.cost, 0);
      assert.equal(l.rating.unrated, false);
      assert.equal(l.durationSeconds, 90);
      assert.equal(l.rating.billedMinutes, 2);
    }
    // The call log of A shows Berta as a linked account shows her: name + extension + office, no number (spec §8).
    assert.deepEqual(legA!.to, { accountId: b.accountId, office: (await h.call('GET', `/v1/accounts/${b.accountId}`, { token: h.operatorToken })).body.name, userId: b1.id, name: 'Berta Beta', extension: b1.extension, number: null });
    assert.equal(legB!.from.number, null);
    assert.equal(legB!.from.extension, a1.extension);
  });

  test('each account sees only its own leg through the API', async () => {
    const [legA, legB] = await linkedCall();
    const listA = await h.call('GET', '/v1/call-records?limit=500', { token: a.adminToken });
    assert.equal(listA.status, 200, listA.text);
    assert.ok(ids(listA).includes(legA!.id));
    assert.ok(!ids(listA).includes(legB!.id));
    assert.ok(listA.body.items.every((x: { accountId: string }) => x.accountId === a.accountId));
    const listB = await h.call('GET', '/v1/call-records?limit=500', { token: b.adminToken });
    assert.ok(ids(listB).includes(legB!.id));
    assert.ok(!ids(listB).includes(legA!.id));
    assert.equal((await h.call('GET', `/v1/call-records/${legB!.id}`, { token: a.adminToken })).status, 404);
    assert.equal((await h.call('GET', `/v1/call-records/${legA!.id}`, { token: b.adminToken })).status, 404);
    assert.equal((await h.call('GET', `/v1/call-records/${legA!.id}/callback`, { token: b.adminToken })).status, 404);
    const got = await h.call('GET', `/v1/call-records/${legA!.id}`, { token: a.adminToken });
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, JSON.parse(JSON.stringify(legA)));
    const op = await h.call('GET', '/v1/call-records?limit=500', { token: h.operatorToken, headers: { 'tandem-account': b.accountId } });
    assert.ok(ids(op).includes(legB!.id) && !ids(op).includes(legA!.id));
  });

  test('a user sees only the legs they are a party of; naming another user is 404', async () => {
    const [legA] = await linkedCall();
    const [internal] = await recordCall(h.services, [
      leg({ accountId: a.accountId, direction: 'internal', userId: a2.id, from: party(a, a2, 'Arne Alpha'), to: party(a, a1, 'Anna Alpha', a1Number), routeClass: 'own_extension', metering: 'on_net_own' }),
    ]);
    const mine = await h.call('GET', '/v1/call-records?limit=500', { token: a1.token });
    assert.equal(mine.status, 200);
    assert.ok(ids(mine).includes(legA!.id));
    assert.ok(ids(mine).includes(internal!.id), 'the callee of an internal call sees it');
    const arne = await h.call('GET', '/v1/call-records?limit=500', { token: a2.token });
    assert.ok(!ids(arne).includes(legA!.id));
    assert.ok(ids(arne).includes(internal!.id));
    const other = await h.call('GET', `/v1/call-records?userId=${a1.id}`, { token: a2.token });
    assert.equal(other.status, 404);
    assert.equal(other.body.code, 'not_found');
    assert.equal((await h.call('GET', `/v1/call-records?userId=${a2.id}`, { token: a2.token })).status, 200);
    assert.equal((await h.call('GET', `/v1/call-records/${legA!.id}`, { token: a2.token })).status, 404);
    assert.equal((await h.call('GET', `/v1/call-records/${legA!.id}/callback`, { token: a2.token })).status, 404);
    assert.equal((await h.call('GET', `/v1/call-records/${legA!.id}`, { token: a1.token })).status, 200);
    const byAdmin = await h.call('GET', `/v1/call-records?userId=${a1.id}&limit=500`, { token: a.adminToken });
    assert.ok(ids(byAdmin).includes(legA!.id) && ids(byAdmin).includes(internal!.id));
    assert.ok(byAdmin.body.items.every((x: { userId: string; to: { userId: string } }) => x.userId === a1.id || x.to.userId === a1.id));
  });

  test('a site admin sees the legs of their sites only', async () => {
    const [legA] = await linkedCall();
    const [annex] = await recordCall(h.services, [leg({ accountId: a.accountId, direction: 'outbound', userId: a3.id, from: party(a, a3, 'Aaron Annex'), to: PUBLIC('+4917612345678'), metering: 'national', routeClass: 'public_national' })]);
    const list = await h.call('GET', '/v1/call-records?limit=500', { token: siteAdminToken });
    assert.equal(list.status, 200);
    assert.ok(ids(list).includes(annex!.id));
    assert.ok(!ids(list).includes(legA!.id));
    assert.equal((await h.call('GET', `/v1/call-records/${legA!.id}`, { token: siteAdminToken })).status, 404);
    assert.equal((await h.call('GET', `/v1/call-records?userId=${a1.id}`, { token: siteAdminToken })).status, 404);
    assert.equal((await h.call('GET', `/v1/call-records?userId=${a3.id}`, { token: siteAdminToken })).status, 200);
  });

  test('filters and pages: direction, time range, cursor', async () => {
    const t0 = new Date('2025-03-01T10:00:00Z');
    const recs = [];
    for (let i = 0; i < 3; i++) {
      const s = new Date(t0.getTime() + i * 60_000);
      recs.push((await recordCall(h.services, [{ accountId: a.accountId, direction: 'inbound', userId: a2.id, from: PUBLIC('+4917612345678'), to: party(a, a2, 'Arne Alpha'), routeClass: null, metering: 'none', startedAt: s, answeredAt: null, endedAt: new Date(s.getTime() + 20_000), result: 'no_answer' }]))[0]!);
    }
    const q = `from=2025-03-01T00:00:00Z&to=2025-03-02T00:00:00Z&direction=inbound&userId=${a2.id}`;
    const p1 = await h.call('GET', `/v1/call-records?${q}&limit=2`, { token: a.adminToken });
    assert.equal(p1.status, 200, p1.text);
    assert.deepEqual(ids(p1), [recs[2]!.id, recs[1]!.id], 'newest first');
    const p2 = await h.call('GET', `/v1/call-records?${q}&limit=2&cursor=${p1.body.nextCursor}`, { token: a.adminToken });
    assert.deepEqual(ids(p2), [recs[0]!.id]);
    assert.equal(p2.body.nextCursor, null);
    assert.equal(recs[0]!.durationSeconds, 0);
    assert.equal(recs[0]!.rating.cost, 0);
    const out = await h.call('GET', `/v1/call-records?from=2025-03-01T00:00:00Z&to=2025-03-02T00:00:00Z&direction=outbound`, { token: a.adminToken });
    assert.deepEqual(ids(out), []);
    const bad = await h.call('GET', '/v1/call-records?from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z', { token: a.adminToken });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'to');
    const badCursor = await h.call('GET', '/v1/call-records?cursor=nonsense', { token: a.adminToken });
    assert.equal(badCursor.status, 400);
    assert.equal(badCursor.body.field, 'cursor');
  });

  test('filter by number: either party, typed in E.164 or national form; a number that is not one is refused by name', async () => {
    const s = new Date('2025-04-01T10:00:00Z');
    const external = '+4917699887766';
    const [inbound] = await recordCall(h.services, [{ accountId: a.accountId, direction: 'inbound', userId: a2.id, from: PUBLIC(external), to: party(a, a2, 'Arne Alpha'), routeClass: null, metering: 'none', startedAt: s, answeredAt: null, endedAt: new Date(s.getTime() + 20_000), result: 'no_answer' }]);
    const [outbound] = await recordCall(h.services, [{ accountId: a.accountId, direction: 'outbound', userId: a1.id, from: party(a, a1, 'Anna Alpha', a1Number), to: PUBLIC(external), routeClass: 'public_national', metering: 'national', startedAt: new Date(s.getTime() + 60_000), answeredAt: null, endedAt: new Date(s.getTime() + 80_000), result: 'no_answer' }]);
    const range = 'from=2025-04-01T00:00:00Z&to=2025-04-02T00:00:00Z';
    const both = await h.call('GET', `/v1/call-records?${range}&number=${encodeURIComponent(external)}`, { token: a.adminToken });
    assert.equal(both.status, 200, both.text);
    assert.deepEqual(ids(both), [outbound!.id, inbound!.id], 'as caller and as callee');
    const national = await h.call('GET', `/v1/call-records?${range}&number=${encodeURIComponent('0176 99887766')}`, { token: a.adminToken });
    assert.deepEqual(ids(national), [outbound!.id, inbound!.id], 'the national form of the account country');
    const own = await h.call('GET', `/v1/call-records?${range}&number=${encodeURIComponent(a1Number)}`, { token: a.adminToken });
    assert.deepEqual(ids(own), [outbound!.id], "the account's own number");
    assert.deepEqual(ids(await h.call('GET', `/v1/call-records?${range}&number=${encodeURIComponent('+4930123456789')}`, { token: a.adminToken })), []);
    const bad = await h.call('GET', `/v1/call-records?number=${encodeURIComponent('12ab')}`, { token: a.adminToken });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.body.field, 'number');
    assert.match(bad.body.detail, /"12ab" is not a valid phone number/);
  });

  test('a wrong leg writes nothing, not even the legs before it', async () => {
    const before = await count('account_id = ANY($1::uuid[])', [[a.accountId, b.accountId]]);
    const good = leg({ accountId: a.accountId, direction: 'outbound', userId: a1.id, from: party(a, a1, 'Anna Alpha'), to: PUBLIC('+4917612345678'), metering: 'national' });
    const bad = { ...leg({ accountId: b.accountId, direction: 'inbound', userId: b1.id, from: PUBLIC('+4917612345678'), to: party(b, b1, 'Berta Beta'), metering: 'none' }), endedAt: at('08:00:00') };
    await assert.rejects(recordCall(h.services, [good, bad]), (e: unknown) => e instanceof AppError && e.code === 'validation_failed' && e.field === 'legs[1].endedAt');
    const noAnswer = { ...good, result: 'busy' as const };
    await assert.rejects(recordCall(h.services, [noAnswer]), (e: unknown) => e instanceof AppError && e.field === 'legs[0].answeredAt');
    const internalAcross = leg({ accountId: a.accountId, direction: 'internal', userId: a1.id, from: party(a, a1, 'Anna Alpha'), to: party(b, b1, 'Berta Beta'), metering: 'on_net_linked' });
    await assert.rejects(recordCall(h.services, [internalAcross]), (e: unknown) => e instanceof AppError && e.field === 'legs[0].direction');
    assert.equal(await count('account_id = ANY($1::uuid[])', [[a.accountId, b.accountId]]), before);
  });

  test('the application may never change or delete a call record', async () => {
    const [legA] = await linkedCall();
    await assert.rejects(h.db.tenant(a.accountId, (sql) => sql.query(`UPDATE call_records SET cost = 1 WHERE id = $1`, [legA!.id])), /permission denied/);
    await assert.rejects(h.db.tenant(a.accountId, (sql) => sql.query(`DELETE FROM call_records WHERE id = $1`, [legA!.id])), /permission denied/);
    // Row-level security: B's tenant transaction sees none of A's legs.
    const seen = await h.db.tenant(b.accountId, (sql) => sql.query(`SELECT id FROM call_records WHERE id = $1`, [legA!.id]));
    assert.deepEqual(seen, []);
  });
});

describe('rating as the leg is written', () => {
  test('a public leg is rated by the longest prefix of the deck, with the setup charge', async () => {
    const [r] = await recordCall(h.services, [leg({ accountId: a.accountId, direction: 'outbound', userId: a1.id, from: party(a, a1, 'Anna Alpha'), to: PUBLIC('+4915123456789'), routeClass: 'public_national', metering: 'national' }, 61)]);
    assert.deepEqual(r!.rating, {
      ratedNumber: '+4915123456789', ratedCountry: 'DE', billedMinutes: 2, cost: 100 + 2 * 900, ratePrefix: '4915', rateDescription: 'Germany mobile', perMinute: 900, setup: 100, unrated: false,
    });
    const api = await h.call('GET', `/v1/call-records/${r!.id}`, { token: a1.token });
    assert.deepEqual(api.body.rating, r!.rating);
  });

  test('an Office Anywhere leg is rated as toll on the alternate phone, though the call it serves is on-net', async () => {
    // Arne calls Anna's extension (on-net, free); Anna's alternate phone answers: that leg is toll.
    const [internal, oa] = await recordCall(h.services, [
      leg({ accountId: a.accountId, direction: 'internal', userId: a2.id, from: party(a, a2, 'Arne Alpha'), to: party(a, a1, 'Anna Alpha'), routeClass: 'own_extension', metering: 'on_net_own' }, 130),
      leg({ accountId: a.accountId, direction: 'outbound', userId: a1.id, from: party(a, a2, 'Arne Alpha'), to: PUBLIC('+4917612345678'), routeClass: 'own_extension', metering: 'on_net_own', officeAnywhereLeg: true }, 130),
    ]);
    assert.equal(internal!.rating.cost, 0);
    assert.equal(internal!.interactionId, oa!.interactionId);
    assert.equal(oa!.officeAnywhereLeg, true);
    assert.equal(oa!.meteringClass, 'national');
    assert.deepEqual(oa!.rating, { ratedNumber: '+4917612345678', ratedCountry: 'DE', billedMinutes: 3, cost: 3 * 800, ratePrefix: '4917', rateDescription: 'Germany mobile (other)', perMinute: 800, setup: 0, unrated: false });
  });

  test('a leg is rated with the deck of its time: replacing the deck changes no recorded leg', async () => {
    const [before] = await recordCall(h.services, [leg({ accountId: a.accountId, direction: 'outbound', userId: a1.id, from: party(a, a1, 'Anna Alpha'), to: PUBLIC('+4917612345678'), metering: 'national' }, 60)]);
    assert.equal(before!.rating.cost, 800);
    assert.equal((await h.call('PUT', '/v1/rate-deck', { token: h.operatorToken, body: { csv: 'prefix,per_minute\n49,0.5\n' } })).status, 200);
    try {
      const [afterwards] = await recordCall(h.services, [leg({ accountId: a.accountId, direction: 'outbound', userId: a1.id, from: party(a, a1, 'Anna Alpha'), to: PUBLIC('+4917612345678'), metering: 'national' }, 60)]);
      assert.equal(afterwards!.rating.cost, 5000, 'the next call uses the new deck');
      assert.equal((await h.call('GET', `/v1/call-records/${before!.id}`, { token: a.adminToken })).body.rating.cost, 800);
    } finally {
      assert.equal((await h.call('PUT', '/v1/rate-deck', { token: h.operatorToken, body: { csv: DECK } })).status, 200);
    }
  });
});

describe('calling back from the call log', () => {
  /** Dials `dial` as the user through the live snapshot and returns whom it reaches. */
  async function reach(t: TenantFixture, userId: string | null, dial: string): Promise<Party> {
    const d = decideOutbound(await routingFor(h.services).snapshot(), { accountId: t.accountId, userId, dialled: dial, at: new Date() });
    assert.ok(d.ok, `${dial} was refused: ${d.ok ? '' : d.reason}`);
    return d.callee;
  }

  test('Organization Connect prefix for a user whose rule has one; the callback reaches the same party', async () => {
    const [legA] = await linkedCall();
    const r = await h.call('GET', `/v1/call-records/${legA!.id}/callback`, { token: a1.token });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.dial, `7${b1.extension}`);
    assert.equal(r.body.via, 'org_connect');
    assert.equal(r.body.party.userId, b1.id);
    assert.equal((await reach(a, a1.id, r.body.dial)).userId, b1.id);
  });

  test('<main number>*<extension> without a prefix, both ways across the linked accounts', async () => {
    const [legA, legB] = await linkedCall();
    const admin = await h.call('GET', `/v1/call-records/${legA!.id}/callback`, { token: a.adminToken });
    assert.equal(admin.status, 200, admin.text);
    assert.equal(admin.body.via, 'main_star_extension');
    assert.equal(admin.body.dial, `0${b.mainNumber.slice(3)}*${b1.extension}`, 'the national form of the main number');
    assert.equal((await reach(a, null, admin.body.dial)).userId, b1.id);
    const back = await h.call('GET', `/v1/call-records/${legB!.id}/callback`, { token: b1.token });
    assert.equal(back.status, 200, back.text);
    assert.equal(back.body.via, 'main_star_extension');
    assert.equal(back.body.dial, `0${a.mainNumber.slice(3)}*${a1.extension}`);
    assert.equal((await reach(b, b1.id, back.body.dial)).userId, a1.id);
  });

  test('own extension, and the public number in E.164', async () => {
    const [internal] = await recordCall(h.services, [
      leg({ accountId: a.accountId, direction: 'internal', userId: a2.id, from: party(a, a2, 'Arne Alpha'), to: party(a, a1, 'Anna Alpha', a1Number), routeClass: 'own_extension', metering: 'on_net_own' }),
    ]);
    const toAnna = await h.call('GET', `/v1/call-records/${internal!.id}/callback`, { token: a2.token });
    assert.deepEqual([toAnna.body.dial, toAnna.body.via], [a1.extension, 'extension']);
    assert.equal((await reach(a, a2.id, toAnna.body.dial)).userId, a1.id);
    const toArne = await h.call('GET', `/v1/call-records/${internal!.id}/callback`, { token: a1.token });
    assert.deepEqual([toArne.body.dial, toArne.body.via], [a2.extension, 'extension'], 'the callee calls the caller back');
    const [pub] = await recordCall(h.services, [leg({ accountId: a.accountId, direction: 'inbound', userId: a1.id, from: PUBLIC('+4917612345678'), to: party(a, a1, 'Anna Alpha', a1Number), metering: 'none' })]);
    const cb = await h.call('GET', `/v1/call-records/${pub!.id}/callback`, { token: a1.token });
    assert.deepEqual([cb.body.dial, cb.body.via], ['+4917612345678', 'number']);
    assert.equal((await reach(a, a1.id, cb.body.dial)).number, '+4917612345678');
  });

  test('a withheld number cannot be called back', async () => {
    const [anon] = await recordCall(h.services, [leg({ accountId: a.accountId, direction: 'inbound', userId: a1.id, from: PUBLIC(null), to: party(a, a1, 'Anna Alpha', a1Number), metering: 'none' })]);
    const r = await h.call('GET', `/v1/call-records/${anon!.id}/callback`, { token: a1.token });
    assert.equal(r.status, 409);
    assert.equal(r.body.code, 'callback_unavailable');
    assert.match(r.body.detail, /withheld/);
  });
});
