/**
 * Property tests of the outbound engine (issue 4): no input crashes it; no string outside the
 * grammar ever routes; a decision is a deterministic function of the snapshot and the request; an
 * emergency number is allowed whatever the caller's settings. fast-check 4: `fc.string({ unit:
 * 'binary' })` is the full-Unicode string arbitrary (`fc.fullUnicodeString` of fast-check 3).
 * Runs are bounded (~500 each) so the suite stays fast.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DIAL_RE, MAX_DIALLED } from './dial.ts';
import { decideOutbound } from './outbound.ts';
import { FEDERATED, LINKED, SnapshotBuilder } from './testkit.ts';
import type { OutboundDecision, OutboundRequest } from './types.ts';

const RUNS = 500;
const AT = new Date('2025-03-01T10:00:00Z');

/** Linked A–B–C, federated A–F, a call rule with prefixes, a portal, numbers with and without users. */
function world() {
  const b = new SnapshotBuilder();
  const A = b.account({ name: 'Acme Berlin', mainNumber: '+49301234500', intlWhitelist: ['AT', 'FR'] });
  const B = b.account({ name: 'Acme Munich', mainNumber: '+49891234500' });
  const C = b.account({ name: 'Acme Hamburg', mainNumber: '+49401234500', premiumAllowed: true });
  const F = b.account({ name: 'Partner GmbH', mainNumber: '+49691234500' });
  const G = b.account({ name: 'London Ltd', country: 'GB', mainNumber: '+442079460000' });
  b.federate([A, B, C], LINKED);
  b.federate([A, F, G], FEDERATED);
  const alice = b.user(A, { firstName: 'Alice', lastName: 'Arndt', extension: '124', number: '+49301234501', features: { cliNumber: '+49301234500' } });
  const hidden = b.user(A, { firstName: 'Hanna', lastName: 'Hidden', extension: '125', number: '+49301234502', features: { hideCallerId: true, authCodeEnabled: true } });
  b.user(A, { firstName: 'Ada', lastName: 'Amsel', extension: '130' });
  b.portal(A, '+49301234590', { extension: '190' });
  b.callRule(A, { name: 'Connect', dialPlan: 'international', countryWhitelist: ['AT'], prefixes: [{ prefix: '1', destinationAccountId: B.id }, { prefix: '6', destinationAccountId: F.id }] }, [alice]);
  const berta = b.user(B, { firstName: 'Berta', lastName: 'Bauer', extension: '201', number: '+49891234501' });
  b.user(B, { firstName: 'Boris', lastName: 'Brandt', extension: '777' });
  b.user(C, { firstName: 'Conny', lastName: 'Curtis', extension: '777' });
  b.user(C, { firstName: 'Carl', lastName: 'Claus', extension: '124' });
  b.callRule(B, { name: 'Local', dialPlan: 'internal_only', countryWhitelist: [], prefixes: [{ prefix: '2', destinationAccountId: A.id }] }, [berta]);
  b.user(F, { firstName: 'Fritz', lastName: 'Fink', extension: '401', number: '+49691234501' });
  const gina = b.user(G, { firstName: 'Gina', lastName: 'Grey', extension: '500', number: '+442079460001' });
  const callers: Omit<OutboundRequest, 'dialled' | 'at'>[] = [
    { accountId: A.id, userId: alice.id },
    { accountId: A.id, userId: hidden.id },
    { accountId: A.id, userId: null, fromNumber: '+49301234590' },
    { accountId: B.id, userId: berta.id },
    { accountId: G.id, userId: gina.id },
    { accountId: 'acct-unknown', userId: null },
  ];
  return { snap: b.snap, callers };
}

const W = world();

/** Fragments that make plausible dial strings and the injection attempts around them. */
const FRAGMENTS = [
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', '+', '00', '0301234500', '0891234501', '+49', '0691234501', '201', '124', '777', '112', '110', '999',
  '*97', '*21*', '09001234567', '+33612345678', 'sip:', '@', ';user=phone', '&', ' ', '\n', '\t', '\u0000', '١', '１', 'a', '%2B', '<', '>', ',', '-', '.', '😀', '\u200b',
];
const dialish = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 8 }).map((parts) => parts.join(''));

const anyString = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.string({ maxLength: 200 }), dialish);
const callerArb = fc.constantFrom(...W.callers);

const STATUSES = new Set([403, 404, 484, 485]);

/** The shape every decision has, whatever the input. */
function wellFormed(d: OutboundDecision): void {
  assert.ok(d.explanation.length > 0);
  for (const s of d.explanation) assert.ok(typeof s.rule === 'string' && typeof s.matched === 'boolean' && s.why.length > 0);
  if (d.ok) {
    assert.ok(d.destination && d.callee && d.callerId && d.metering && d.routeClass);
  } else {
    assert.ok(STATUSES.has(d.sipStatus), `status ${d.sipStatus}`);
    assert.ok(d.reason.length > 0);
    assert.equal('destination' in d, false);
  }
}

test('property: no dialled string crashes the engine, and every decision is well formed', () => {
  fc.assert(fc.property(callerArb, anyString, (caller, dialled) => {
    wellFormed(decideOutbound(W.snap, { ...caller, dialled, at: AT }));
  }), { numRuns: RUNS });
});

test('property: a string with a character outside [0-9*#] (or "+" not first) never routes', () => {
  const valid = fc.string({ unit: fc.constantFrom('0', '1', '2', '5', '9', '*', '#'), minLength: 0, maxLength: 20 });
  const bad = fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => !/^[0-9*#]$/.test(c)),
    fc.constantFrom('+', 'a', ';', '@', ':', '&', ' ', '\n', '\u0000', '١', '１', '٠', '𝟎'),
  );
  fc.assert(fc.property(callerArb, valid, bad, valid, fc.boolean(), (caller, before, ch, after, plus) => {
    // "+" is only allowed first: put the bad character after at least one character when it is a "+".
    const head = ch === '+' && before === '' ? '1' : before;
    const dialled = `${plus ? '+1' : ''}${head}${ch}${after}`;
    const d = decideOutbound(W.snap, { ...caller, dialled, at: AT });
    assert.equal(d.ok, false, JSON.stringify(dialled));
    assert.deepEqual(d.explanation.map((s) => s.rule), ['grammar']);
  }), { numRuns: RUNS });
});

test('property: every string that routes is in the grammar and at most 32 characters', () => {
  fc.assert(fc.property(callerArb, anyString, (caller, dialled) => {
    const d = decideOutbound(W.snap, { ...caller, dialled, at: AT });
    if (d.ok) {
      assert.match(dialled, DIAL_RE);
      assert.ok(dialled.length <= MAX_DIALLED);
    }
  }), { numRuns: RUNS });
  fc.assert(fc.property(callerArb, fc.string({ unit: fc.constantFrom('0', '1', '9', '*', '#'), minLength: MAX_DIALLED + 1, maxLength: 80 }), (caller, dialled) => {
    assert.equal(decideOutbound(W.snap, { ...caller, dialled, at: AT }).ok, false);
  }), { numRuns: RUNS });
});

test('property: a decision is a deterministic function of (snapshot, request), and does not change the snapshot', () => {
  const before = structuredClone(W.snap);
  fc.assert(fc.property(callerArb, anyString, (caller, dialled) => {
    const r: OutboundRequest = { ...caller, dialled, at: AT };
    const first = decideOutbound(W.snap, r);
    assert.deepEqual(decideOutbound(W.snap, r), first);
    assert.deepEqual(decideOutbound(structuredClone(W.snap), structuredClone(r)), first);
  }), { numRuns: RUNS });
  assert.deepEqual(W.snap, before);
});

test('property: an emergency number is allowed whatever the caller\'s features, call rule and account whitelist', () => {
  const features = fc.record({
    doNotDisturb: fc.boolean(), hideCallerId: fc.boolean(), authCodeEnabled: fc.boolean(), voicemail: fc.boolean(), callWaiting: fc.boolean(),
  });
  const plan = fc.constantFrom('internal_only', 'national', 'international', null);
  const country = fc.constantFrom('DE', 'GB', 'FR', 'US', 'AT');
  const whitelist = fc.option(fc.constantFrom<string[]>([], ['AT'], ['FR', 'GB']), { nil: null });
  fc.assert(fc.property(features, plan, country, whitelist, fc.boolean(), (f, dialPlan, c, wl, premiumAllowed) => {
    const b = new SnapshotBuilder();
    const main = { DE: '+49301234500', GB: '+442079460000', FR: '+33142685300', US: '+12025550100', AT: '+4315123400' }[c]!;
    const own = { DE: '+49301234501', GB: '+442079460001', FR: '+33142685301', US: '+12025550101', AT: '+4315123401' }[c]!;
    const a = b.account({ name: 'Any', country: c, mainNumber: main, intlWhitelist: wl, premiumAllowed });
    const u = b.user(a, { firstName: 'Eve', lastName: 'Em', extension: '112', number: own, features: f });
    if (dialPlan) b.callRule(a, { name: 'Rule', dialPlan, countryWhitelist: [], prefixes: [{ prefix: '9', destinationAccountId: 'acct-x' }] }, [u]);
    const n = { DE: '112', GB: '999', FR: '15', US: '911', AT: '144' }[c]!;
    const d = decideOutbound(b.snap, { accountId: a.id, userId: u.id, dialled: n, at: AT });
    assert.ok(d.ok);
    assert.equal(d.routeClass, 'emergency');
    assert.equal(d.metering, 'emergency');
    assert.equal(d.authCodeRequired, false);
    assert.equal(d.callerId.anonymous, false);
    assert.equal(d.callerId.number, own);
  }), { numRuns: RUNS });
});
