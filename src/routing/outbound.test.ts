/**
 * The outbound decision (spec §8, §9), table-driven on an in-memory snapshot: every route class,
 * the order of the rules, refusals with their SIP status and reason, metering, caller ID.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callerIdFor } from './caller-id.ts';
import { decideOutbound } from './outbound.ts';
import { FEDERATED, LINKED, SnapshotBuilder } from './testkit.ts';
import type { CallerIdShown, OutboundDecision, OutboundRequest } from './types.ts';

const AT = new Date('2025-03-01T10:00:00Z');

/**
 * The world of these tests:
 * - A "Acme Berlin" (DE, main +49301234500), linked with B and C, federated with F.
 *   Alice 124 (+49301234501, rule "Connect": prefix 1 → B, 3 → F, 4 → U, 5 → C), Anton 305 (also in C),
 *   Ada 130 without a number (site HQ), Agnes 140 without a number at site "Zweigstelle" (main +49301234600),
 *   a portal +49301234590 ext 190.
 * - B "Acme Munich" (DE, main +49891234500): Berta 201 (+49891234501, rule "Back": prefix 2 → A), Boris 777.
 * - C "Acme Hamburg" (DE, main +49401234500): Carl 305, Clara 306, Conny 777.
 * - F "Partner GmbH" (DE, main +49691234500), federated with A only: Fritz 401 (+49691234501).
 * - U "Unrelated AG" (DE, main +49211234500), no federation: Udo 501 (+49211234501).
 */
function world() {
  const b = new SnapshotBuilder();
  const A = b.account({ name: 'Acme Berlin', mainNumber: '+49301234500' });
  const B = b.account({ name: 'Acme Munich', mainNumber: '+49891234500' });
  const C = b.account({ name: 'Acme Hamburg', mainNumber: '+49401234500' });
  const F = b.account({ name: 'Partner GmbH', mainNumber: '+49691234500' });
  const U = b.account({ name: 'Unrelated AG', mainNumber: '+49211234500' });
  b.federate([A, B, C], LINKED);
  b.federate([A, F], FEDERATED);

  const alice = b.user(A, { firstName: 'Alice', lastName: 'Arndt', extension: '124', number: '+49301234501' });
  const anton = b.user(A, { firstName: 'Anton', lastName: 'Adler', extension: '305', number: '+49301234505' });
  const ada = b.user(A, { firstName: 'Ada', lastName: 'Amsel', extension: '130' });
  const branch = b.site(A, 'Zweigstelle', '+49301234600');
  const agnes = b.user(A, { firstName: 'Agnes', lastName: 'Arp', extension: '140', siteId: branch });
  const portal = b.portal(A, '+49301234590', { name: 'Road warriors', extension: '190' });
  b.callRule(A, { name: 'Connect', dialPlan: 'international', countryWhitelist: [], prefixes: [
    { prefix: '1', destinationAccountId: B.id }, { prefix: '3', destinationAccountId: F.id },
    { prefix: '4', destinationAccountId: U.id }, { prefix: '5', destinationAccountId: C.id },
  ] }, [alice]);

  const berta = b.user(B, { firstName: 'Berta', lastName: 'Bauer', extension: '201', number: '+49891234501' });
  const boris = b.user(B, { firstName: 'Boris', lastName: 'Brandt', extension: '777' });
  b.callRule(B, { name: 'Back', dialPlan: 'national', countryWhitelist: [], prefixes: [{ prefix: '2', destinationAccountId: A.id }] }, [berta]);

  const carl = b.user(C, { firstName: 'Carl', lastName: 'Claus', extension: '305' });
  const clara = b.user(C, { firstName: 'Clara', lastName: 'Cramer', extension: '306' });
  b.user(C, { firstName: 'Conny', lastName: 'Curtis', extension: '777' });

  const fritz = b.user(F, { firstName: 'Fritz', lastName: 'Fink', extension: '401', number: '+49691234501' });
  const udo = b.user(U, { firstName: 'Udo', lastName: 'Ulm', extension: '501', number: '+49211234501' });
  return { b, snap: b.snap, A, B, C, F, U, alice, anton, ada, agnes, portal, berta, boris, carl, clara, fritz, udo };
}

const W = world();
const req = (accountId: string, userId: string | null, dialled: string, extra: Partial<OutboundRequest> = {}): OutboundRequest => ({ accountId, userId, dialled, at: AT, ...extra });
const fromAlice = (dialled: string) => decideOutbound(W.snap, req(W.A.id, W.alice.id, dialled));

/** The fields a row asserts, for ok and refused decisions alike. */
function summary(d: OutboundDecision): Record<string, unknown> {
  if (!d.ok) return { ok: false, sipStatus: d.sipStatus };
  const dest = d.destination;
  const target = dest.kind === 'user' ? dest.userId : dest.kind === 'number' ? dest.numberE164 : dest.kind === 'oa_portal' ? dest.portalId
    : dest.kind === 'feature_code' ? dest.code : dest.kind === 'emergency' ? dest.number : dest.kind === 'public' ? dest.e164 : dest.id;
  return { ok: true, routeClass: d.routeClass, kind: dest.kind, target, metering: d.metering, authCodeRequired: d.authCodeRequired };
}
const reached = (routeClass: string, kind: string, target: string, metering: string, authCodeRequired = false) => ({ ok: true, routeClass, kind, target, metering, authCodeRequired });
const refused = (sipStatus: number) => ({ ok: false, sipStatus });

test('Alice in Acme Berlin (linked with Munich and Hamburg, federated with Partner): every route class', () => {
  const rows: [string, string, Record<string, unknown>][] = [
    // [dialled, why, expected]
    ['124', 'own extension (a user)', reached('own_extension', 'user', W.alice.id, 'on_net_own')],
    ['190', 'own extension (an Office Anywhere portal)', reached('own_extension', 'oa_portal', W.portal.id, 'on_net_own')],
    ['1201', 'spec §8: prefix 1 → Munich, 201', reached('org_connect', 'user', W.berta.id, 'on_net_linked')],
    ['5306', 'prefix 5 → Hamburg, 306', reached('org_connect', 'user', W.clara.id, 'on_net_linked')],
    ['1999', 'prefix 1 → Munich has no 999', refused(404)],
    ['3401', 'prefix 3 → Partner: federated without extension dialing, rule inactive', refused(403)],
    ['4501', 'prefix 4 → Unrelated: no federation, rule inactive', refused(403)],
    ['0301234500*124', 'own main * own extension', reached('main_star_extension', 'user', W.alice.id, 'on_net_own')],
    ['0891234500*201', 'linked main (national form) * extension', reached('main_star_extension', 'user', W.berta.id, 'on_net_linked')],
    ['+49891234500*201', 'linked main (E.164) * extension', reached('main_star_extension', 'user', W.berta.id, 'on_net_linked')],
    ['0891234500*999', 'linked main * unknown extension', refused(404)],
    ['0691234500*401', 'federated-only main * extension: dial the full number', refused(403)],
    ['0211234500*501', 'unrelated main * extension', refused(403)],
    ['0301234501*124', 'not a main number', refused(404)],
    ['306', 'plain extension in exactly one linked account (Hamburg)', reached('linked_extension', 'user', W.clara.id, 'on_net_linked')],
    ['305', 'own extension wins over the same extension in Hamburg', reached('own_extension', 'user', W.anton.id, 'on_net_own')],
    ['777', 'in Munich and Hamburg: ambiguous', refused(485)],
    ['401', 'Partner is federated without extension dialing: not an extension for Alice', refused(404)],
    ['0301234505', 'own number, national form', reached('on_net_number', 'user', W.anton.id, 'on_net_own')],
    ['0891234501', 'linked account number, 10-digit national dialling', reached('on_net_number', 'user', W.berta.id, 'on_net_linked')],
    ['0691234501', 'federated account number, 10-digit national dialling: on-net, free', reached('on_net_number', 'user', W.fritz.id, 'on_net_federated')],
    ['+49691234501', 'federated account number, E.164', reached('on_net_number', 'user', W.fritz.id, 'on_net_federated')],
    ['0691234500', 'federated account main number', reached('on_net_number', 'number', '+49691234500', 'on_net_federated')],
    ['0211234501', 'a Tandem number of an unrelated account is the public network', reached('public_national', 'public', '+49211234501', 'national')],
    ['015112345678', 'German mobile', reached('public_national', 'public', '+4915112345678', 'national')],
    ['+33612345678', 'abroad, no whitelist', reached('public_international', 'public', '+33612345678', 'international')],
    ['004315123456', 'abroad in international form', reached('public_international', 'public', '+4315123456', 'international')],
    ['09001234567', 'premium blocked by default', refused(403)],
    ['110', 'emergency (DE police)', reached('emergency', 'emergency', '110', 'emergency')],
    ['112', 'emergency (EU)', reached('emergency', 'emergency', '112', 'emergency')],
    ['911', 'not an emergency number in DE, not an extension, not a number', refused(404)],
    ['*97', 'feature code: voicemail', reached('feature_code', 'feature_code', '*97', 'none')],
    ['*21*01701234567#', 'feature code: forward always on', reached('feature_code', 'feature_code', '*21*', 'none')],
    ['*21', 'feature code: forward always off', reached('feature_code', 'feature_code', '*21', 'none')],
    ['*78', 'feature code: do not disturb on', reached('feature_code', 'feature_code', '*78', 'none')],
    ['*55', 'unknown feature code', refused(404)],
    ['999', 'no such extension anywhere', refused(404)],
    ['+4930', 'too short for a number: more digits would complete it', refused(484)],
    ['01', 'too short for a German number', refused(484)],
    ['030', 'an extension length (3–4 digits) with no such extension: not found, though also a short number', refused(404)],
    ['0301', 'an extension length with no such extension: not found', refused(404)],
  ];
  for (const [dialled, why, expected] of rows) {
    assert.deepEqual(summary(fromAlice(dialled)), expected, `${dialled}: ${why}`);
  }
});

test('spec §8 example, the other way: Berta in Munich with prefix 2 → Berlin dials 2124 and reaches Alice', () => {
  const d = decideOutbound(W.snap, req(W.B.id, W.berta.id, '2124'));
  assert.deepEqual(summary(d), reached('org_connect', 'user', W.alice.id, 'on_net_linked'));
  assert.ok(d.ok);
  assert.deepEqual(d.callee, { accountId: W.A.id, office: 'Acme Berlin', userId: W.alice.id, name: 'Alice Arndt', extension: '124', number: '+49301234501' });
  assert.deepEqual(d.callerId, { anonymous: false, number: null, name: 'Berta Bauer', extension: '201', office: 'Acme Munich', source: 'federation_name_extension' });
  // Boris has no call rule: 2124 is nothing for him (2124 is not an extension; too short for a number).
  assert.deepEqual(summary(decideOutbound(W.snap, req(W.B.id, W.boris.id, '2124'))), refused(404));
});

test('the explanation lists every rule consulted, in order, and why', () => {
  const d = fromAlice('1201');
  assert.deepEqual(d.explanation.map((s) => [s.rule, s.matched]), [
    ['grammar', true], ['caller', true], ['feature_code', false], ['emergency', false], ['own_extension', false], ['org_connect', true],
  ]);
  assert.equal(d.explanation.at(-1)!.why, 'Prefix 1 of the call rule "Connect" leads to Acme Munich; 201 is its extension (Berta Bauer)');

  const pub = fromAlice('015112345678');
  assert.deepEqual(pub.explanation.map((s) => s.rule), [
    'grammar', 'caller', 'feature_code', 'emergency', 'own_extension', 'org_connect', 'main_star_extension', 'linked_extension', 'on_net_number', 'public_network', 'authorization_code',
  ]);
  assert.ok(pub.explanation.every((s) => s.why.length > 0));
});

test('refusals carry the reason sentence and no destination', () => {
  const cases: [string, number, string][] = [
    ['3401', 403, 'Prefix 3 of the call rule "Connect" is inactive: the federations this account shares with the destination account do not allow extension dialing'],
    ['4501', 403, 'Prefix 4 of the call rule "Connect" is inactive: the destination account no longer shares an active federation with this account'],
    ['1999', 404, 'Prefix 1 leads to Acme Munich, which has no extension 999'],
    ['777', 485, 'Extension 777 exists in several linked accounts (Acme Hamburg, Acme Munich); dial <main number>*777 or an Organization Connect prefix to choose one'],
    ['0691234500*401', 403, 'Partner GmbH is federated with Acme Berlin without extension dialing; dial the full number'],
    // An account the caller shares nothing with is not named.
    ['0211234500*501', 403, '0211234500 is the main number of an account whose extensions Acme Berlin may not dial; dial the full number'],
    ['09001234567', 403, '+499001234567 is a premium-rate number, blocked for Acme Berlin'],
  ];
  for (const [dialled, status, reason] of cases) {
    const d = fromAlice(dialled);
    assert.equal(d.ok, false, dialled);
    assert.ok(!d.ok);
    assert.equal(d.sipStatus, status, dialled);
    assert.equal(d.reason, reason, dialled);
    assert.equal('destination' in d, false, dialled);
    assert.equal(d.explanation.at(-1)!.matched, false, dialled);
    assert.equal(d.explanation.at(-1)!.why, reason, dialled);
  }
});

test('a rule row turns inactive the moment the grant loses extension dialing', () => {
  const w = world();
  w.A.grants.set(w.B.id, { ...LINKED, extensionDialing: false });
  const d = decideOutbound(w.snap, req(w.A.id, w.alice.id, '1201'));
  assert.deepEqual(summary(d), refused(403));
  w.A.grants.delete(w.B.id);
  const gone = decideOutbound(w.snap, req(w.A.id, w.alice.id, '1201'));
  assert.ok(!gone.ok);
  assert.match(gone.reason, /no longer shares an active federation/);
});

test('an Organization Connect prefix only matches an extension length of the destination: longer digits reach the public network', () => {
  // 1 + 10 digits is no extension of Munich (3–4 digits): not a prefix dial. 1 is also not a valid start of a German number.
  const d = fromAlice('15112345678');
  assert.equal(d.explanation.find((s) => s.rule === 'org_connect')!.matched, false);
  assert.match(d.explanation.find((s) => s.rule === 'org_connect')!.why, /not an extension length/);
});

test('emergency numbers are always allowed: DND, authorization code, hidden caller ID, internal-only rule, whitelist', () => {
  const b = new SnapshotBuilder();
  const A = b.account({ name: 'Locked Down', mainNumber: '+49301234500', intlWhitelist: [], premiumAllowed: false });
  const u = b.user(A, { firstName: 'Eva', lastName: 'Ernst', extension: '112', number: '+49301234501', features: { doNotDisturb: true, authCodeEnabled: true, hideCallerId: true, voicemail: false } });
  b.callRule(A, { name: 'Nothing out', dialPlan: 'internal_only', countryWhitelist: [], prefixes: [{ prefix: '11', destinationAccountId: 'acct-x' }] }, [u]);
  for (const n of ['110', '112']) {
    const d = decideOutbound(b.snap, req(A.id, u.id, n));
    assert.deepEqual(summary(d), reached('emergency', 'emergency', n, 'emergency', false), n);
    assert.ok(d.ok);
    // Caller ID is never hidden from emergency services.
    assert.deepEqual(d.callerId, { anonymous: false, number: '+49301234501', name: null, extension: null, office: null, source: 'user_number' });
    assert.deepEqual(d.callee, { accountId: null, office: null, userId: null, name: `Emergency services (${n})`, extension: null, number: null });
  }
  // The same user cannot call the public network (internal-only rule) …
  assert.deepEqual(summary(decideOutbound(b.snap, req(A.id, u.id, '015112345678'))), refused(403));
  // … and 112 wins over the account's own extension 112.
  assert.equal(decideOutbound(b.snap, req(A.id, u.id, '112')).explanation.some((s) => s.rule === 'own_extension'), false);
});

test('emergency numbers follow the caller account\'s country', () => {
  const b = new SnapshotBuilder();
  const gb = b.account({ name: 'London Ltd', country: 'GB', mainNumber: '+442079460000' });
  const us = b.account({ name: 'New York Inc', country: 'US', mainNumber: '+12025550100' });
  const fr = b.account({ name: 'Paris SA', country: 'FR', mainNumber: '+33142685300' });
  const rows: [string, string, boolean][] = [
    [gb.id, '999', true], [gb.id, '112', true], [gb.id, '911', false], [gb.id, '110', false],
    [us.id, '911', true], [us.id, '999', false], [us.id, '933', false],
    [fr.id, '15', true], [fr.id, '17', true], [fr.id, '18', true], [fr.id, '112', true], [fr.id, '114', true], [fr.id, '115', true],
    [fr.id, '119', true], [fr.id, '191', true], [fr.id, '196', true], [fr.id, '197', true], [fr.id, '110', false],
  ];
  for (const [accountId, n, emergency] of rows) {
    const d = decideOutbound(b.snap, req(accountId, null, n));
    assert.equal(d.ok && d.routeClass === 'emergency', emergency, `${b.snap.accounts.get(accountId)!.country} ${n}`);
  }
});

test('public network: the account whitelist, premium, the call rule dial plan', () => {
  const b = new SnapshotBuilder();
  const A = b.account({ name: 'Whitelisted', mainNumber: '+49301234500', intlWhitelist: ['AT'] });
  const P = b.account({ name: 'Premium OK', mainNumber: '+49891234500', premiumAllowed: true });
  const free = b.user(A, { firstName: 'Free', lastName: 'User', extension: '100', number: '+49301234501' });
  const internal = b.user(A, { firstName: 'Int', lastName: 'Only', extension: '101', number: '+49301234502' });
  const national = b.user(A, { firstName: 'Nat', lastName: 'Only', extension: '102', number: '+49301234503' });
  const premium = b.user(P, { firstName: 'Pia', lastName: 'Prem', extension: '100', number: '+49891234501' });
  b.callRule(A, { name: 'Internal', dialPlan: 'internal_only', countryWhitelist: [], prefixes: [] }, [internal]);
  b.callRule(A, { name: 'Germany', dialPlan: 'national', countryWhitelist: [], prefixes: [] }, [national]);
  const rows: [string, string, string, Record<string, unknown>][] = [
    [A.id, free.id, '+4315123456', reached('public_international', 'public', '+4315123456', 'international')],
    [A.id, free.id, '+33612345678', refused(403)],
    [A.id, free.id, '09001234567', refused(403)],
    [P.id, premium.id, '09001234567', reached('public_premium', 'public', '+499001234567', 'premium')],
    [A.id, internal.id, '015112345678', refused(403)],
    [A.id, internal.id, '100', reached('own_extension', 'user', free.id, 'on_net_own')],
    [A.id, internal.id, '112', reached('emergency', 'emergency', '112', 'emergency')],
    [A.id, national.id, '015112345678', reached('public_national', 'public', '+4915112345678', 'national')],
    [A.id, national.id, '+4315123456', refused(403)],
  ];
  for (const [accountId, userId, dialled, expected] of rows) {
    assert.deepEqual(summary(decideOutbound(b.snap, req(accountId, userId, dialled))), expected, `${userId} ${dialled}`);
  }
  const wl = decideOutbound(b.snap, req(A.id, free.id, '+33612345678'));
  assert.ok(!wl.ok);
  assert.equal(wl.reason, "+33612345678 is in FR, not on Whitelisted's list of countries it may call");
  const plan = decideOutbound(b.snap, req(A.id, internal.id, '015112345678'));
  assert.ok(!plan.ok);
  assert.equal(plan.reason, 'The call rule "Internal" (internal only) does not allow calls to DE');
});

test('the authorization code is required for the public network only, where the calling number has it enabled', () => {
  const b = new SnapshotBuilder();
  const A = b.account({ name: 'Codes', mainNumber: '+49301234500' });
  const coded = b.user(A, { firstName: 'Cody', lastName: 'Code', extension: '100', number: '+49301234501', features: { authCodeEnabled: true } });
  const plain = b.user(A, { firstName: 'Paul', lastName: 'Plain', extension: '101', number: '+49301234502' });
  assert.deepEqual(summary(decideOutbound(b.snap, req(A.id, coded.id, '015112345678'))), reached('public_national', 'public', '+4915112345678', 'national', true));
  assert.deepEqual(summary(decideOutbound(b.snap, req(A.id, plain.id, '015112345678'))), reached('public_national', 'public', '+4915112345678', 'national', false));
  assert.deepEqual(summary(decideOutbound(b.snap, req(A.id, coded.id, '101'))), reached('own_extension', 'user', plain.id, 'on_net_own', false));
  assert.deepEqual(summary(decideOutbound(b.snap, req(A.id, coded.id, '0301234502'))), reached('on_net_number', 'user', plain.id, 'on_net_own', false));
  assert.deepEqual(summary(decideOutbound(b.snap, req(A.id, coded.id, '112'))), reached('emergency', 'emergency', '112', 'emergency', false));
  const d = decideOutbound(b.snap, req(A.id, coded.id, '015112345678'));
  assert.deepEqual(d.explanation.at(-1), { rule: 'authorization_code', matched: true, why: '+49301234501 requires an authorization code for calls to the public network' });
});

test('caller ID to the public network: hidden, CLI, the user\'s number, the site\'s main number', () => {
  const b = new SnapshotBuilder();
  const A = b.account({ name: 'Presenters', mainNumber: '+49301234500' });
  const branch = b.site(A, 'Branch', '+49301234600');
  b.number(A, '+49301234599'); // the CLI number, active, same site
  const hidden = b.user(A, { firstName: 'Hilde', lastName: 'Hidden', extension: '100', number: '+49301234501', features: { hideCallerId: true, cliNumber: '+49301234599' } });
  const cli = b.user(A, { firstName: 'Clemens', lastName: 'Cli', extension: '101', number: '+49301234502', features: { cliNumber: '+49301234599' } });
  const own = b.user(A, { firstName: 'Olga', lastName: 'Own', extension: '102', number: '+49301234503' });
  const none = b.user(A, { firstName: 'Nina', lastName: 'None', extension: '103' });
  const away = b.user(A, { firstName: 'Bruno', lastName: 'Branch', extension: '104', siteId: branch });
  const stale = b.user(A, { firstName: 'Stan', lastName: 'Stale', extension: '105', number: '+49301234504', features: { cliNumber: '+49891234599' } });
  const rows: [string, CallerIdShown][] = [
    [hidden.id, { anonymous: true, number: null, name: null, extension: null, office: null, source: 'hidden' }],
    [cli.id, { anonymous: false, number: '+49301234599', name: null, extension: null, office: null, source: 'cli' }],
    [own.id, { anonymous: false, number: '+49301234503', name: null, extension: null, office: null, source: 'user_number' }],
    [none.id, { anonymous: false, number: '+49301234500', name: null, extension: null, office: null, source: 'site_main' }],
    [away.id, { anonymous: false, number: '+49301234600', name: null, extension: null, office: null, source: 'site_main' }],
    // A CLI that is not (or no longer) a number of the account is never presented.
    [stale.id, { anonymous: false, number: '+49301234504', name: null, extension: null, office: null, source: 'user_number' }],
  ];
  for (const [userId, shown] of rows) {
    const d = decideOutbound(b.snap, req(A.id, userId, '015112345678'));
    assert.ok(d.ok, userId);
    assert.deepEqual(d.callerId, shown, userId);
  }
  // A call from a number with no user (fromNumber) presents that number.
  const d = decideOutbound(b.snap, req(A.id, null, '015112345678', { fromNumber: '+49301234599' }));
  assert.ok(d.ok);
  assert.deepEqual(d.callerId, { anonymous: false, number: '+49301234599', name: null, extension: null, office: null, source: 'user_number' });
});

test('caller ID on-net: internal inside the account, name + extension (linked) or name + number (federated) with the office', () => {
  const internal = fromAlice('305');
  assert.ok(internal.ok);
  assert.deepEqual(internal.callerId, { anonymous: false, number: null, name: 'Alice Arndt', extension: '124', office: null, source: 'internal' });
  const linked = fromAlice('306');
  assert.ok(linked.ok);
  assert.deepEqual(linked.callerId, { anonymous: false, number: null, name: 'Alice Arndt', extension: '124', office: 'Acme Berlin', source: 'federation_name_extension' });
  assert.deepEqual(linked.callee, { accountId: W.C.id, office: 'Acme Hamburg', userId: W.clara.id, name: 'Clara Cramer', extension: '306', number: null });
  const federated = fromAlice('0691234501');
  assert.ok(federated.ok);
  assert.deepEqual(federated.callerId, { anonymous: false, number: '+49301234501', name: 'Alice Arndt', extension: null, office: 'Acme Berlin', source: 'federation_name_number' });
  // The call record shows the federated callee by name + number, with the office.
  assert.deepEqual(federated.callee, { accountId: W.F.id, office: 'Partner GmbH', userId: W.fritz.id, name: 'Fritz Fink', extension: null, number: '+49691234501' });
  // A user without a number calling a federated account: name + the site's main number.
  const ada = decideOutbound(W.snap, req(W.A.id, W.ada.id, '0691234501'));
  assert.ok(ada.ok);
  assert.deepEqual(ada.callerId, { anonymous: false, number: '+49301234500', name: 'Ada Amsel', extension: null, office: 'Acme Berlin', source: 'federation_name_number' });
});

test('hide caller ID: anonymous to other accounts, linked ones included; colleagues in the same account still see name + extension', () => {
  const w = world();
  const n = w.snap.numbers.get('+49301234501')!;
  n.features = { ...n.features, hideCallerId: true };
  const caller = { accountId: w.A.id, userId: w.alice.id };
  assert.deepEqual(callerIdFor(w.snap, caller, w.A.id), { anonymous: false, number: null, name: 'Alice Arndt', extension: '124', office: null, source: 'internal' });
  for (const other of [w.B.id, w.F.id, w.U.id, null]) {
    assert.deepEqual(callerIdFor(w.snap, caller, other), { anonymous: true, number: null, name: null, extension: null, office: null, source: 'hidden' }, String(other));
  }
  // Emergency services always get the number.
  assert.deepEqual(callerIdFor(w.snap, caller, null, { emergency: true }).number, '+49301234501');
  // A call to an account with no federation is shown like the public network: the number only.
  assert.deepEqual(callerIdFor(w.snap, { accountId: w.B.id, userId: w.berta.id }, w.U.id), { anonymous: false, number: '+49891234501', name: null, extension: null, office: null, source: 'user_number' });
});

test('Office Anywhere call-out through a portal presents the user\'s office number', () => {
  const caller = { accountId: W.A.id, userId: W.alice.id, fromNumber: '+49301234590' };
  assert.deepEqual(callerIdFor(W.snap, caller, null), { anonymous: false, number: '+49301234501', name: null, extension: null, office: null, source: 'user_number' });
  // The portal number itself, with no user, is presented as the portal.
  assert.deepEqual(callerIdFor(W.snap, { accountId: W.A.id, userId: null, fromNumber: '+49301234590' }, W.B.id),
    { anonymous: false, number: null, name: 'Road warriors', extension: '190', office: 'Acme Berlin', source: 'federation_name_extension' });
  // A fromNumber of another account is ignored (no spoofing another tenant's number).
  assert.deepEqual(callerIdFor(W.snap, { accountId: W.A.id, userId: W.ada.id, fromNumber: '+49891234501' }, null).number, '+49301234500');
});

test('grammar refusals: injection strings never route, with 484 for incomplete and 404 for malformed', () => {
  const rows: [string, number][] = [
    ['sip:1@x', 404], ['1234;user=phone', 404], ['12&3', 404], ['abc', 404], ['١٢٣', 404], ['１２３', 404], ['+', 484], ['', 484],
    ['1'.repeat(40), 404], ['12 34', 404], ['\n123', 404], ['123\n', 404], ['1+2', 404], ['++49', 404], ['+*97', 404], ['124\u0000', 404],
    ['tel:+4930123', 404], ['124@acme-munich.example.net', 404], ['*97;x', 404], ['0301234500*124%00', 404], ['<sip:124@x>', 404],
  ];
  for (const [dialled, status] of rows) {
    const d = fromAlice(dialled);
    assert.deepEqual(summary(d), refused(status), JSON.stringify(dialled));
    assert.deepEqual(d.explanation.map((s) => [s.rule, s.matched]), [['grammar', false]], JSON.stringify(dialled));
  }
  // 32 characters is the limit.
  assert.equal(fromAlice('0'.repeat(32)).explanation[0]!.matched, true);
  assert.equal(fromAlice('0'.repeat(33)).explanation[0]!.matched, false);
});

test('an unknown calling account is refused; an unknown user is treated as the account without a user', () => {
  assert.deepEqual(summary(decideOutbound(W.snap, req('acct-missing', null, '112'))), refused(403));
  const d = decideOutbound(W.snap, req(W.A.id, 'user-missing', '015112345678'));
  assert.ok(d.ok);
  assert.equal(d.callerId.source, 'site_main');
  assert.equal(d.callerId.number, '+49301234500');
});

test('a reserved number of the own account is not in service', () => {
  const w = world();
  w.b.number(w.A, '+49301234577', { status: 'reserved' });
  const d = decideOutbound(w.snap, req(w.A.id, w.alice.id, '0301234577'));
  assert.deepEqual(summary(d), refused(404));
});

test('an extension pointing at a removed user is not found rather than a crash', () => {
  const w = world();
  w.A.users.delete(w.anton.id);
  assert.deepEqual(summary(decideOutbound(w.snap, req(w.A.id, w.alice.id, '305'))), refused(404));
});
