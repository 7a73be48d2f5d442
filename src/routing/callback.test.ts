/**
 * Calling back from the call log (spec §8 "Calling back from the call log works for every format,
 * including <main number>*<extension>") and what a call log keeps of a party (§8 table). Every
 * callback string is dialled through the outbound engine, which must reach the same party again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callbackFor, dialForm, partyForAccount, type Viewer } from './callback.ts';
import { decideOutbound } from './outbound.ts';
import { FEDERATED, LINKED, SnapshotBuilder } from './testkit.ts';
import type { Party } from './types.ts';
import type { AccountSnap, UserSnap } from './snapshot.ts';

const b = new SnapshotBuilder();
const alpha = b.account({ name: 'Alpha', mainNumber: '+4930901820' });
const beta = b.account({ name: 'Beta', mainNumber: '+493090000001' });
const gamma = b.account({ name: 'Gamma', mainNumber: '+493090000002' });
const delta = b.account({ name: 'Delta', country: 'US', mainNumber: '+12125550100' });
const stranger = b.account({ name: 'Stranger', mainNumber: '+493090000003' });
b.federate([alpha, beta, delta], LINKED);
b.federate([alpha, gamma], FEDERATED);
const alice = b.user(alpha, { firstName: 'Alice', lastName: 'Adler', extension: '124', number: '+493090000124' });
const bob = b.user(alpha, { firstName: 'Bob', lastName: 'Bauer', extension: '125' });
const bert = b.user(beta, { firstName: 'Bert', lastName: 'Berg', extension: '201', number: '+493090000201' });
const berta2 = b.site(beta, 'Annex', '+493090000009');
const bruno = b.user(beta, { firstName: 'Bruno', lastName: 'Bach', extension: '202', siteId: berta2 });
const carl = b.user(gamma, { firstName: 'Carl', lastName: 'Cramer', extension: '301', number: '+493090000301' });
const dora = b.user(delta, { firstName: 'Dora', lastName: 'Dunn', extension: '401' });
const sven = b.user(stranger, { firstName: 'Sven', lastName: 'Stern', extension: '501', number: '+493090000501' });
b.callRule(alpha, { name: 'With Beta', dialPlan: 'international', countryWhitelist: [], prefixes: [{ prefix: '8', destinationAccountId: beta.id }] }, [alice]);
b.callRule(alpha, { name: 'National', dialPlan: 'national', countryWhitelist: [], prefixes: [] }, [bob]);
const snap = b.snap;

const full = (a: AccountSnap, u: UserSnap): Party => ({ accountId: a.id, office: a.name, userId: u.id, name: `${u.firstName} ${u.lastName}`, extension: u.extension, number: u.number });
const PUBLIC: Party = { accountId: null, office: null, userId: null, name: null, extension: null, number: '+4915123456789' };
const asAlice: Viewer = { accountId: alpha.id, userId: alice.id };
const asBob: Viewer = { accountId: alpha.id, userId: bob.id };
const asAdmin: Viewer = { accountId: alpha.id, userId: null };

/** Dials the callback string as the viewer and returns whom the engine reaches. */
function reached(viewer: Viewer, dial: string): Party {
  const d = decideOutbound(snap, { accountId: viewer.accountId, userId: viewer.userId, dialled: dial, at: new Date(0) });
  assert.ok(d.ok, `${dial} was refused: ${d.ok ? '' : d.reason}`);
  return d.callee;
}

const cases: { name: string; viewer: Viewer; party: Party; dial: string; via: string; sameAs: (p: Party) => boolean }[] = [
  { name: 'own account → the extension', viewer: asAlice, party: partyForAccount(snap, alpha.id, full(alpha, bob)), dial: '125', via: 'extension', sameAs: (p) => p.userId === bob.id },
  { name: 'linked account with a prefix in the viewer\'s rule → Organization Connect', viewer: asAlice, party: partyForAccount(snap, alpha.id, full(beta, bert)), dial: '8201', via: 'org_connect', sameAs: (p) => p.userId === bert.id },
  { name: 'linked account without a prefix → main*ext, national form', viewer: asBob, party: partyForAccount(snap, alpha.id, full(beta, bert)), dial: '03090000001*201', via: 'main_star_extension', sameAs: (p) => p.userId === bert.id },
  { name: 'main*ext uses the main number of the party\'s own site', viewer: asBob, party: partyForAccount(snap, alpha.id, full(beta, bruno)), dial: '03090000009*202', via: 'main_star_extension', sameAs: (p) => p.userId === bruno.id },
  { name: 'linked account abroad → main*ext in E.164', viewer: asAlice, party: partyForAccount(snap, alpha.id, full(delta, dora)), dial: '+12125550100*401', via: 'main_star_extension', sameAs: (p) => p.userId === dora.id },
  { name: 'an admin (no call rule) → main*ext', viewer: asAdmin, party: partyForAccount(snap, alpha.id, full(beta, bert)), dial: '03090000001*201', via: 'main_star_extension', sameAs: (p) => p.userId === bert.id },
  { name: 'federated account → its number, on-net', viewer: asAlice, party: partyForAccount(snap, alpha.id, full(gamma, carl)), dial: '+493090000301', via: 'number', sameAs: (p) => p.userId === carl.id },
  { name: 'public network → E.164', viewer: asBob, party: PUBLIC, dial: '+4915123456789', via: 'number', sameAs: (p) => p.number === '+4915123456789' && p.accountId === null },
  { name: 'an account with no federation → the number it was seen with, public', viewer: asAlice, party: partyForAccount(snap, alpha.id, full(stranger, sven)), dial: '+493090000501', via: 'number', sameAs: (p) => p.number === '+493090000501' },
];

for (const c of cases) {
  test(`callback: ${c.name}, and dialling it reaches the same party`, () => {
    const cb = callbackFor(snap, c.viewer, c.party);
    assert.ok(cb, 'a callback string');
    assert.equal(cb.dial, c.dial);
    assert.equal(cb.via, c.via);
    assert.ok(cb.why.length > 10);
    const p = reached(c.viewer, cb.dial);
    assert.ok(c.sameAs(p), `${cb.dial} reached ${JSON.stringify(p)}`);
  });
}

test('a call log keeps of a party what the account may see (spec §8 table)', () => {
  assert.deepEqual(partyForAccount(snap, alpha.id, full(alpha, alice)), full(alpha, alice), 'own account: everything');
  assert.deepEqual(partyForAccount(snap, alpha.id, full(beta, bert)), { ...full(beta, bert), number: null }, 'linked: name + extension');
  assert.deepEqual(partyForAccount(snap, alpha.id, full(gamma, carl)), { ...full(gamma, carl), extension: null }, 'federated: name + number');
  assert.deepEqual(partyForAccount(snap, alpha.id, full(stranger, sven)), { accountId: null, office: null, userId: null, name: null, extension: null, number: '+493090000501' }, 'no federation: a public number, nothing else');
  assert.deepEqual(partyForAccount(snap, alpha.id, { ...PUBLIC, name: 'Caller name' }), { ...PUBLIC, name: 'Caller name' });
  assert.equal(partyForAccount(snap, alpha.id, { ...full(alpha, alice), office: null }).office, 'Alpha', 'the office is filled in');
});

test('a withheld number cannot be called back; neither can a party whose account left and whose number was never shown', () => {
  assert.equal(callbackFor(snap, asAlice, { ...PUBLIC, number: null }), null);
  const linkedOnly = partyForAccount(snap, alpha.id, full(beta, bert)); // name + extension, no number
  const b2 = new SnapshotBuilder();
  const a2 = b2.account({ name: 'Alpha', mainNumber: '+4930901820' });
  assert.equal(callbackFor(b2.snap, { accountId: a2.id, userId: null }, { ...linkedOnly, accountId: 'acct-gone' }), null);
  assert.equal(callbackFor(snap, { accountId: 'acct-unknown', userId: null }, PUBLIC), null);
});

test('an own-account callback follows the user to their current extension; a user who is gone falls back to the number', () => {
  const b2 = new SnapshotBuilder();
  const a = b2.account({ name: 'Solo', mainNumber: '+4930901820' });
  const u = b2.user(a, { firstName: 'Uma', lastName: 'Ulm', extension: '300', number: '+493090000300' });
  const seen = full(a, u);
  a.extensions.delete('300');
  u.extension = '301';
  a.extensions.set('301', { type: 'user', id: u.id });
  assert.deepEqual(callbackFor(b2.snap, { accountId: a.id, userId: null }, seen), { dial: '301', via: 'extension', why: 'Extension 301 is Uma Ulm in your own account' });
  a.users.delete(u.id);
  a.extensions.delete('301');
  assert.equal(callbackFor(b2.snap, { accountId: a.id, userId: null }, seen)?.dial, '+493090000300');
});

test('a linked party whose account lost extension reach is called on their number', () => {
  const b2 = new SnapshotBuilder();
  const a = b2.account({ name: 'A', mainNumber: '+4930901820' });
  const o = b2.account({ name: 'O', mainNumber: '+493090000001' });
  b2.federate([a, o], FEDERATED);
  const u = b2.user(o, { firstName: 'Otto', lastName: 'Ost', extension: '201', number: '+493090000201' });
  const seenWhenLinked: Party = { accountId: o.id, office: 'O', userId: u.id, name: 'Otto Ost', extension: '201', number: null };
  const cb = callbackFor(b2.snap, { accountId: a.id, userId: null }, seenWhenLinked);
  assert.deepEqual(cb && { dial: cb.dial, via: cb.via }, { dial: '+493090000201', via: 'number' });
});

test('the dial form of a number: national digits at home, E.164 abroad', () => {
  assert.equal(dialForm('+4930901820', 'DE'), '030901820');
  assert.equal(dialForm('+4930901820', 'AT'), '+4930901820');
  assert.equal(dialForm('+12125550100', 'US'), '2125550100');
  assert.equal(dialForm('not a number', 'DE'), 'not a number');
});
