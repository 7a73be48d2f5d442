/** Rating a call leg (spec §12), pure: free classes, longest prefix, per started minute, Office Anywhere as toll, unrated. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { billedMinutes, countryOf, findRate, formatMoney, officeAnywhereClass, parseMoney, rateLeg } from './rating.ts';
import type { RateSnap } from './snapshot.ts';
import type { MeteringClass } from './types.ts';

const DECK: RateSnap[] = [
  { prefix: '49', description: 'Germany', perMinute: 200, setup: 0 },
  { prefix: '4915', description: 'Germany mobile', perMinute: 900, setup: 100 },
  { prefix: '491512', description: 'Germany mobile (carrier X)', perMinute: 1100, setup: 150 },
  { prefix: '1', description: 'North America', perMinute: 150, setup: 0 },
];
const leg = (metering: MeteringClass, destinationE164: string | null, durationSeconds: number, officeAnywhereLeg = false) => ({ metering, destinationE164, durationSeconds, officeAnywhereLeg });

test('billing is per started minute; a leg never answered bills nothing', () => {
  assert.deepEqual([0, 1, 59, 60, 61, 119, 120, 121].map(billedMinutes), [0, 1, 1, 1, 2, 2, 2, 3]);
});

test('on-net, emergency and unmetered legs are free, whatever the deck says', () => {
  for (const m of ['on_net_own', 'on_net_linked', 'on_net_federated', 'emergency', 'none'] as const) {
    const r = rateLeg(DECK, leg(m, '+4915123456789', 600));
    assert.deepEqual(r, { cost: 0, billedMinutes: 10, ratePrefix: null, description: null, perMinute: null, setup: null, unrated: false }, m);
  }
});

test('a public leg is rated by the longest matching prefix, with the setup charge', () => {
  // +49 1512…: rows 49, 4915 and 491512 match; 491512 is the longest. 61 s = 2 minutes.
  assert.deepEqual(rateLeg(DECK, leg('national', '+4915123456789', 61)), {
    cost: 150 + 2 * 1100, billedMinutes: 2, ratePrefix: '491512', description: 'Germany mobile (carrier X)', perMinute: 1100, setup: 150, unrated: false,
  });
  // +49 176…: 4915 does not match, 49 does.
  assert.equal(rateLeg(DECK, leg('national', '+4917612345678', 60)).cost, 200);
  assert.equal(rateLeg(DECK, leg('national', '+4917612345678', 60)).ratePrefix, '49');
  assert.equal(rateLeg(DECK, leg('international', '+12125550100', 3600)).cost, 60 * 150);
  assert.equal(rateLeg(DECK, leg('premium', '+4915112345678', 1)).cost, 100 + 900);
});

test('the longest prefix wins whatever the order of the deck', () => {
  const shuffled = [DECK[3]!, DECK[0]!, DECK[2]!, DECK[1]!];
  assert.equal(findRate(shuffled, '+4915123456789')?.prefix, '491512');
  assert.equal(findRate([...DECK].reverse(), '+4915023456789')?.prefix, '4915');
  assert.equal(findRate(DECK, '+33123456789'), null);
  assert.equal(findRate(DECK, 'not a number'), null);
});

test('an unanswered public leg costs nothing, not even the setup, but keeps the rate it would have used', () => {
  assert.deepEqual(rateLeg(DECK, leg('national', '+4915123456789', 0)), {
    cost: 0, billedMinutes: 0, ratePrefix: '491512', description: 'Germany mobile (carrier X)', perMinute: 1100, setup: 150, unrated: false,
  });
});

test('a toll leg no deck row covers is rated 0 and flagged unrated (only when it was answered)', () => {
  assert.deepEqual(rateLeg(DECK, leg('international', '+33123456789', 30)), { cost: 0, billedMinutes: 1, ratePrefix: null, description: null, perMinute: null, setup: null, unrated: true });
  assert.equal(rateLeg(DECK, leg('international', '+33123456789', 0)).unrated, false);
  assert.equal(rateLeg(DECK, leg('national', null, 30)).unrated, true);
  assert.equal(rateLeg([], leg('national', '+4915123456789', 30)).unrated, true);
});

test('an Office Anywhere leg is toll on its public end even when the call it serves is on-net', () => {
  const r = rateLeg(DECK, leg('on_net_own', '+4915123456789', 125, true));
  assert.equal(r.cost, 150 + 3 * 1100);
  assert.equal(r.ratePrefix, '491512');
  assert.equal(rateLeg(DECK, leg('on_net_linked', '+33123456789', 10, true)).unrated, true);
});

test('the toll class of an Office Anywhere leg: national at home, international abroad, premium for premium ranges', () => {
  assert.equal(officeAnywhereClass('on_net_own', '+4915123456789', 'DE'), 'national');
  assert.equal(officeAnywhereClass('on_net_federated', '+33123456789', 'DE'), 'international');
  assert.equal(officeAnywhereClass('on_net_own', '+4915123456789', 'AT'), 'international');
  assert.equal(officeAnywhereClass('international', '+4915123456789', 'DE'), 'international', 'a leg already toll keeps its class');
  assert.equal(officeAnywhereClass('on_net_own', '+499001234567', 'DE'), 'premium');
  assert.equal(officeAnywhereClass('on_net_own', null, 'DE'), 'national');
});

test('prices are parsed from decimals of currency units into 1/10,000 units without floating point', () => {
  assert.equal(parseMoney('0.0123'), 123);
  assert.equal(parseMoney('12'), 120000);
  assert.equal(parseMoney('1.5'), 15000);
  assert.equal(parseMoney(' 0.1 '), 1000);
  assert.equal(parseMoney('0.0001'), 1);
  assert.equal(parseMoney('99999.9999'), 999999999);
  for (const bad of ['', '0.00001', '-1', '1,5', 'abc', '1e3', '.5', '100000', '0x10', '1.']) assert.equal(parseMoney(bad), null, bad);
  assert.equal(formatMoney(123), '0.0123');
  assert.equal(formatMoney(120000), '12.0000');
  assert.equal(formatMoney(0), '0.0000');
});

test('the country of a rated number', () => {
  assert.equal(countryOf('+33123456789'), 'FR');
  assert.equal(countryOf('+4915123456789'), 'DE');
  assert.equal(countryOf('015123456789'), null);
});
