/**
 * Issue 5's SIPp integration scenarios against Tandem's real SIP service (in process, 127.0.0.x
 * ephemeral ports, real database, API through the harness): registration with digest auth, calls
 * between registered phones, busy, no answer with forwarding, cancel, ringing an Office Anywhere
 * alternate phone through the carrier trunk, linked-account and Organization Connect dialling,
 * do-not-disturb, refusal of unauthenticated calls, banning a password-guessing address, calls in
 * from the carrier, and trunk failover.
 *
 * Phones are SIPp instances: `register-auth` from port P registers the device, then a SIPp answerer
 * (uas-*) takes port P — the registrar sends to the Contact's port (registrar.ts `reachAt`). The
 * carrier is a SIPp bound to 127.0.0.2 / 127.0.0.4 (`sipp -i`, the last -i wins).
 *
 * Every test asserts exact values (statuses, headers the peers captured, who got which request, the
 * call records), is bounded (SIPp's own -timeout, a per-test timeout) and stops what it starts.
 * Skipped when sipp is missing outside CI; a failure under CI=true (support/tools.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { activeNumbers, makeAccount, type TenantFixture } from '../support/harness.ts';
import { distinctAdminExtensions, federate } from '../support/federation.ts';
import { dial, explainAll, received, receivedAll, receivedHeader, registeredPhone, Started } from './support/phones.ts';
import { freeUdpPort, freeUdpPorts } from './support/ports.ts';
import { runSipp, startSippUas, type SippUas } from './support/sipp.ts';
import { makePhone, startSipServer, type SipTestServer } from './support/tandem.ts';
import { requireTool } from './support/tools.ts';

const skip = requireTool('sipp');
/** Upper bound of one test (each normally takes a few seconds; the forward test rings 6 s). */
const TEST_TIMEOUT = 30_000;

/** A SIPp answerer playing the carrier on `ip` (the trunk's host). */
async function carrier(started: Started, ip: string, scenario: string, port: number): Promise<SippUas> {
  return started.add(await startSippUas({ scenario, localPort: port, service: 'carrier', timeoutS: 20, extraArgs: ['-i', ip] }));
}

type RecordRow = {
  account_id: string;
  interaction_id: string;
  direction: string;
  result: string;
  route_class: string | null;
  is_office_anywhere_leg: boolean;
  from_extension: string | null;
  to_extension: string | null;
  to_number: string | null;
};

/** The call records of the accounts, once everything queued is written. */
async function recordsOf(s: SipTestServer, accountIds: string[]): Promise<RecordRow[]> {
  await s.sip.records.flush();
  return s.h.db.owner((sql) => sql.query<RecordRow>(
    `SELECT account_id, interaction_id, direction, result, route_class, is_office_anywhere_leg, from_extension, to_extension, to_number
       FROM call_records WHERE account_id = ANY($1::uuid[]) ORDER BY started_at, is_office_anywhere_leg, direction`, [accountIds]));
}

/** Creates a carrier trunk through the operator API; returns its id. */
async function createTrunk(s: SipTestServer, body: Record<string, unknown>): Promise<string> {
  const r = await s.h.call('POST', '/v1/trunks', { token: s.h.operatorToken, body });
  assert.equal(r.status, 201, r.text);
  return r.body.id as string;
}

const deleteTrunk = async (s: SipTestServer, id: string): Promise<void> => {
  await s.h.call('DELETE', `/v1/trunks/${id}`, { token: s.h.operatorToken });
};

const accountName = async (s: SipTestServer, t: TenantFixture): Promise<string> =>
  (await s.h.db.owner((sql) => sql.query<{ name: string }>('SELECT name FROM accounts WHERE id = $1', [t.accountId])))[0]!.name;

const displayOf = (nameAddr: string | undefined): string | null => /^\s*"([^"]*)"/.exec(nameAddr ?? '')?.[1] ?? null;
const userOf = (nameAddr: string | undefined): string | null => /<sips?:([^@>]+)@/.exec(nameAddr ?? '')?.[1] ?? null;

describe('SIP calls through Tandem (SIPp)', { skip, timeout: 300_000 }, () => {
  let s: SipTestServer;
  before(async () => {
    s = await startSipServer();
  });
  after(async () => {
    await s?.close();
  });

  test('1. register with digest auth; Expires below 60 → 423 Min-Expires: 60; Expires 0 removes the binding', { timeout: TEST_TIMEOUT }, async () => {
    const t = await makeAccount(s.h);
    const p = await makePhone(s.h, t);
    const port = await freeUdpPort();
    const common = { target: `127.0.0.1:${s.udpPort}`, localPort: port, service: p.username, timeoutS: 10, auth: { username: p.username, password: p.password } };

    const reg = await runSipp({ ...common, scenario: 'register-auth', vars: { domain: p.domain, expires: '3600' } });
    assert.ok(reg.ok, reg.explain());
    assert.equal(reg.capture('expires'), '3600');
    assert.equal(reg.capture('contact'), `<sip:${p.username}@127.0.0.1:${port}>;expires=3600`);
    const bound = s.sip.location.bindings(p.deviceId);
    assert.deepEqual(bound.map((b) => [b.contact, b.source.address, b.source.port]), [[`sip:${p.username}@127.0.0.1:${port}`, '127.0.0.1', port]]);

    // RFC 3261 §10.3 step 7: an expiry below the minimum is refused with 423 and Min-Expires.
    const brief = await runSipp({ ...common, scenario: 'register-brief', vars: { domain: p.domain, expires: '30' } });
    assert.ok(brief.ok, brief.explain());
    assert.equal(brief.capture('min_expires'), '60');
    assert.equal(s.sip.location.bindings(p.deviceId).length, 1, 'a refused refresh leaves the binding as it was');

    // §10.2.2: Expires 0 removes the binding; the 200 lists no contact.
    const un = await runSipp({ ...common, scenario: 'unregister', vars: { domain: p.domain } });
    assert.ok(un.ok, un.explain());
    assert.equal(un.capture('contact'), '');
    assert.deepEqual(s.sip.location.bindings(p.deviceId), []);
  });

  test('2. a call between two registered devices of one account: answered, caller ID name + extension, record internal/answered/own_extension', { timeout: TEST_TIMEOUT }, async () => {
    const started = new Started();
    try {
      const t = await makeAccount(s.h);
      const a = await makePhone(s.h, t, { firstName: 'Alice', lastName: 'Anders' });
      const b = await makePhone(s.h, t, { firstName: 'Bob', lastName: 'Berg' });
      const uas = await registeredPhone(s, b, started);
      const r = await dial(s, a, b.extension);
      const callee = await uas.done;
      assert.ok(r.ok, explainAll({ caller: r, callee }));
      assert.ok(callee.ok, explainAll({ caller: r, callee }));
      assert.equal(r.capture('challenged'), '401');
      assert.equal(r.capture('realm'), t.domain);
      // Caller ID inside the account: the user's name and extension (routing/caller-id.ts rule 1).
      assert.equal(displayOf(callee.capture('from')), 'Alice Anders');
      assert.equal(userOf(callee.capture('from')), a.extension);
      assert.equal(callee.capture('ruri'), `sip:${b.username}@127.0.0.1:${uas.port}`);
      const rows = await recordsOf(s, [t.accountId]);
      assert.deepEqual(rows.map((x) => [x.direction, x.result, x.route_class, x.from_extension, x.to_extension]), [['internal', 'answered', 'own_extension', a.extension, b.extension]]);
    } finally {
      await started.stopAll();
    }
  });

  test('3. busy: the callee answers 486 → the caller gets 486 with a Reason; record busy', { timeout: TEST_TIMEOUT }, async () => {
    const started = new Started();
    try {
      const t = await makeAccount(s.h);
      const a = await makePhone(s.h, t);
      // No mailbox and no call waiting: a busy line is busy (spec §4, routing/inbound.ts).
      const b = await makePhone(s.h, t, { features: { voicemail: false, callWaiting: false } });
      const uas = await registeredPhone(s, b, started, { scenario: 'uas-busy' });
      const r = await dial(s, a, b.extension, 'uac-busy');
      const callee = await uas.done;
      assert.ok(r.ok, explainAll({ caller: r, callee }));
      assert.ok(callee.ok, explainAll({ caller: r, callee }));
      assert.equal(r.capture('reason'), 'SIP;cause=486;text="The callee is busy"');
      const rows = await recordsOf(s, [t.accountId]);
      assert.deepEqual(rows.map((x) => [x.direction, x.result, x.route_class]), [['internal', 'busy', 'own_extension']]);
    } finally {
      await started.stopAll();
    }
  });

  test('4. no answer → forward to another extension\'s number after the shortest ring time; C answers, B got CANCEL', { timeout: TEST_TIMEOUT }, async () => {
    const started = new Started();
    try {
      const t = await makeAccount(s.h);
      const a = await makePhone(s.h, t, { firstName: 'Alice', lastName: 'Anders' });
      const c = await makePhone(s.h, t);
      // MIN_RING_SECONDS (domain/features.ts) is 6.
      const b = await makePhone(s.h, t, { features: { forwardNoAnswer: c.e164, noAnswerRingSeconds: 6 } });
      const bUas = await registeredPhone(s, b, started, { scenario: 'uas-ring-forever' });
      const cUas = await registeredPhone(s, c, started);
      const r = await dial(s, a, b.extension);
      const [bRes, cRes] = [await bUas.done, await cUas.done];
      const all = explainAll({ caller: r, B: bRes, C: cRes });
      assert.ok(r.ok, all);
      assert.ok(bRes.ok, all); // INVITE, 180, CANCEL, 200, 487, ACK
      assert.ok(cRes.ok, all); // INVITE, 180, 200, ACK, BYE
      assert.deepEqual(received(bRes, /^(INVITE|CANCEL|ACK) /).map((l) => l.split(' ')[0]), ['INVITE', 'CANCEL', 'ACK']);
      assert.equal(receivedHeader(bRes, /^CANCEL /, 'Reason'), 'SIP;cause=487;text="No answer"');
      assert.equal(cRes.capture('ruri'), `sip:${c.username}@127.0.0.1:${cUas.port}`);
      assert.equal(displayOf(cRes.capture('from')), 'Alice Anders');
      const rows = await recordsOf(s, [t.accountId]);
      assert.deepEqual(rows.map((x) => [x.direction, x.result, x.route_class]), [['internal', 'answered', 'own_extension']]);
      // RFC 5806 §3: the forwarded INVITE names the number it was diverted from, and why: no answer.
      assert.equal(receivedHeader(cRes, /^INVITE /, 'Diversion'), `<sip:${b.e164}@${t.domain}>;reason=no-answer`);
    } finally {
      await started.stopAll();
    }
  });

  test('5. cancel before answer: caller 487, callee got CANCEL; record cancelled', { timeout: TEST_TIMEOUT }, async () => {
    const started = new Started();
    try {
      const t = await makeAccount(s.h);
      const a = await makePhone(s.h, t);
      const b = await makePhone(s.h, t);
      const uas = await registeredPhone(s, b, started, { scenario: 'uas-ring-forever' });
      const r = await dial(s, a, b.extension, 'uac-cancel', 1000);
      const callee = await uas.done;
      assert.ok(r.ok, explainAll({ caller: r, callee }));
      assert.ok(callee.ok, explainAll({ caller: r, callee }));
      assert.deepEqual(received(callee, /^(INVITE|CANCEL|ACK) /).map((l) => l.split(' ')[0]), ['INVITE', 'CANCEL', 'ACK']);
      assert.equal(receivedHeader(callee, /^CANCEL /, 'Reason'), 'SIP;cause=487;text="The caller hung up"');
      assert.deepEqual(received(r, /^SIP\/2\.0 (180|200|487) /), ['SIP/2.0 180 Ringing', 'SIP/2.0 200 OK', 'SIP/2.0 487 Request Terminated']);
      const rows = await recordsOf(s, [t.accountId]);
      assert.deepEqual(rows.map((x) => [x.direction, x.result, x.route_class]), [['internal', 'cancelled', 'own_extension']]);
    } finally {
      await started.stopAll();
    }
  });

  test('7. linked accounts: A\'s phone dials B\'s extension → answered; a record in each account, one interaction', { timeout: TEST_TIMEOUT }, async () => {
    const started = new Started();
    try {
      const ta = await makeAccount(s.h, { name: `Alpha ${Date.now()}` });
      const tb = await makeAccount(s.h, { name: `Beta ${Date.now()}` });
      await distinctAdminExtensions(s.h, [ta, tb]);
      await federate(s.h, [ta, tb]); // preset "linked": extension dialing, name + extension shown
      const a = await makePhone(s.h, ta, { firstName: 'Alice', lastName: 'Anders' });
      const b = await makePhone(s.h, tb);
      const uas = await registeredPhone(s, b, started);
      const r = await dial(s, a, b.extension);
      const callee = await uas.done;
      assert.ok(r.ok, explainAll({ caller: r, callee }));
      assert.ok(callee.ok, explainAll({ caller: r, callee }));
      const office = await accountName(s, ta);
      assert.equal(displayOf(callee.capture('from')), `Alice Anders (${office})`);
      assert.equal(userOf(callee.capture('from')), a.extension);
      const rows = await recordsOf(s, [ta.accountId, tb.accountId]);
      assert.deepEqual(rows.map((x) => [x.account_id, x.direction, x.result, x.route_class]).sort(), [
        [ta.accountId, 'outbound', 'answered', 'linked_extension'],
        [tb.accountId, 'inbound', 'answered', null],
      ].sort());
      assert.equal(new Set(rows.map((x) => x.interaction_id)).size, 1);
    } finally {
      await started.stopAll();
    }
  });

  test('8. Organization Connect: prefix + extension of the other account → answered; route class org_connect', { timeout: TEST_TIMEOUT }, async () => {
    const started = new Started();
    try {
      const ta = await makeAccount(s.h);
      const tb = await makeAccount(s.h);
      await distinctAdminExtensions(s.h, [ta, tb]); // 5000–8999; users get 2000–8999: prefix 9 collides with none
      await federate(s.h, [ta, tb]);
      const a = await makePhone(s.h, ta);
      const b = await makePhone(s.h, tb);
      const rule = await s.h.call('POST', '/v1/call-rules', { token: ta.adminToken, body: { name: 'To Beta', dialPlan: 'national', organizationConnect: [{ prefix: '9', destinationAccountId: tb.accountId }] } });
      assert.equal(rule.status, 201, rule.text);
      const assign = await s.h.call('PUT', `/v1/call-rules/${rule.body.id}/users`, { token: ta.adminToken, body: { userIds: [a.userId] } });
      assert.equal(assign.status, 200, assign.text);
      const uas = await registeredPhone(s, b, started);
      const r = await dial(s, a, `9${b.extension}`);
      const callee = await uas.done;
      assert.ok(r.ok, explainAll({ caller: r, callee }));
      assert.ok(callee.ok, explainAll({ caller: r, callee }));
      assert.equal(callee.capture('ruri'), `sip:${b.username}@127.0.0.1:${uas.port}`);
      const rows = await recordsOf(s, [ta.accountId, tb.accountId]);
      assert.deepEqual(rows.map((x) => [x.account_id, x.direction, x.result, x.route_class]).sort(), [
        [ta.accountId, 'outbound', 'answered', 'org_connect'],
        [tb.accountId, 'inbound', 'answered', null],
      ].sort());
      assert.equal(new Set(rows.map((x) => x.interaction_id)).size, 1);
    } finally {
      await started.stopAll();
    }
  });

  test('9. do-not-disturb with voicemail off → 486; the callee\'s phone receives nothing', { timeout: TEST_TIMEOUT }, async () => {
    const started = new Started();
    try {
      const t = await makeAccount(s.h);
      const a = await makePhone(s.h, t);
      const b = await makePhone(s.h, t, { features: { doNotDisturb: true, voicemail: false } });
      const uas = await registeredPhone(s, b, started, { timeoutS: 10 });
      const r = await dial(s, a, b.extension, 'uac-busy');
      const callee = await uas.stop();
      assert.ok(r.ok, explainAll({ caller: r, callee }));
      assert.equal(r.capture('challenged'), '401');
      assert.deepEqual(receivedAll(callee), []);
      const rows = await recordsOf(s, [t.accountId]);
      assert.deepEqual(rows.map((x) => [x.direction, x.result, x.route_class]), [['internal', 'busy', 'own_extension']]);
      // RFC 3326: the Reason carries the engine's sentence, which is about do-not-disturb (routing/inbound.ts
      // "Do not disturb is on for …"), not about forwarding or a mailbox.
      assert.match(r.capture('reason') ?? '', /^SIP;cause=486;text="[^"]*[Dd]o not disturb[^"]*"$/);
    } finally {
      await started.stopAll();
    }
  });

  test('10. an INVITE without credentials is challenged (401) and never routed', { timeout: TEST_TIMEOUT }, async () => {
    const started = new Started();
    try {
      const t = await makeAccount(s.h);
      const a = await makePhone(s.h, t);
      const b = await makePhone(s.h, t);
      const uas = await registeredPhone(s, b, started, { timeoutS: 10 });
      const r = await runSipp({
        scenario: 'uac-noauth', target: `127.0.0.1:${s.udpPort}`, service: b.extension, timeoutS: 10,
        vars: { caller: a.username, domain: a.domain, to_domain: a.domain },
      });
      const callee = await uas.stop();
      assert.ok(r.ok, explainAll({ caller: r, callee }));
      assert.equal(r.capture('status'), '401');
      assert.equal(r.capture('realm'), t.domain);
      assert.deepEqual(receivedAll(callee), []);
      assert.deepEqual(await recordsOf(s, [t.accountId]), []);
    } finally {
      await started.stopAll();
    }
  });
});

describe('SIP calls with the carrier trunk (SIPp on 127.0.0.2 and 127.0.0.4)', { skip, timeout: 300_000 }, () => {
  let s: SipTestServer;
  before(async () => {
    s = await startSipServer();
  });
  after(async () => {
    await s?.close();
  });

  test('6. an Office Anywhere alternate phone rings through the carrier with the desk phone; the carrier answers, the desk leg is cancelled', { timeout: TEST_TIMEOUT }, async () => {
    const started = new Started();
    let trunkId: string | null = null;
    try {
      const carrierPort = await freeUdpPort();
      trunkId = await createTrunk(s, { name: `Carrier ${carrierPort}`, host: '127.0.0.2', port: carrierPort, priority: 10 });
      const t = await makeAccount(s.h);
      const a = await makePhone(s.h, t, { firstName: 'Alice', lastName: 'Anders' });
      const b = await makePhone(s.h, t);
      // Office Anywhere prerequisites (domain/office-anywhere.ts): a portal number, the user enabled, an active alternate phone.
      const [portalNumber] = await activeNumbers(s.h, t, 1);
      const portal = await s.h.call('POST', '/v1/office-anywhere/portals', { token: t.adminToken, body: { numberId: portalNumber!.id, scope: 'account' } });
      assert.equal(portal.status, 201, portal.text);
      const alt = '+4915123456789';
      assert.equal((await s.h.call('PATCH', `/v1/users/${b.userId}`, { token: t.adminToken, body: { officeAnywhereEnabled: true } })).status, 200);
      const added = await s.h.call('POST', `/v1/users/${b.userId}/alternate-phones`, { token: t.adminToken, body: { number: alt, label: 'Mobile' } });
      assert.equal(added.status, 201, added.text);
      const ready = await s.h.call('GET', `/v1/users/${b.userId}/office-anywhere`, { token: t.adminToken });
      assert.equal(ready.body.ready, true, ready.text);

      const desk = await registeredPhone(s, b, started, { scenario: 'uas-ring-forever' });
      const mobile = await carrier(started, '127.0.0.2', 'uas-answer', carrierPort);
      const r = await dial(s, a, b.extension);
      const [deskRes, mobileRes] = [await desk.done, await mobile.done];
      const all = explainAll({ caller: r, desk: deskRes, carrier: mobileRes });
      assert.ok(r.ok, all);
      assert.ok(mobileRes.ok, all); // INVITE, 180, 200, ACK, BYE
      assert.ok(deskRes.ok, all); // INVITE, 180, CANCEL, 200, 487, ACK
      assert.equal(mobileRes.capture('ruri'), `sip:${alt}@127.0.0.2:${carrierPort};user=phone`);
      assert.deepEqual(received(deskRes, /^(INVITE|CANCEL|ACK) /).map((l) => l.split(' ')[0]), ['INVITE', 'CANCEL', 'ACK']);
      assert.equal(receivedHeader(deskRes, /^CANCEL /, 'Reason'), 'SIP;cause=200;text="Call completed elsewhere"');
      const rows = await recordsOf(s, [t.accountId]);
      assert.deepEqual(rows.map((x) => [x.direction, x.result, x.route_class, x.is_office_anywhere_leg, x.to_number]), [
        ['internal', 'answered', 'own_extension', false, b.e164],
        ['outbound', 'answered', null, true, alt],
      ]);
    } finally {
      await started.stopAll();
      if (trunkId) await deleteTrunk(s, trunkId);
    }
  });

  test('12. a call from the carrier (trusted 127.0.0.2) to a DID is not challenged and rings the desk phone', { timeout: TEST_TIMEOUT }, async () => {
    const started = new Started();
    let trunkId: string | null = null;
    try {
      trunkId = await createTrunk(s, { name: `Carrier in ${Date.now()}`, host: '127.0.0.2', port: 5060, priority: 10, inboundAddresses: ['127.0.0.2'] });
      const t = await makeAccount(s.h);
      const b = await makePhone(s.h, t);
      const desk = await registeredPhone(s, b, started);
      const caller = '+4915199887766';
      const r = await runSipp({
        scenario: 'uac-call', target: `127.0.0.1:${s.udpPort}`, service: b.e164, timeoutS: 15, pauseMs: 500, extraArgs: ['-i', '127.0.0.2'],
        vars: { caller, caller_name: 'Carrier caller', domain: 'carrier.test', to_domain: '127.0.0.1' },
      });
      const deskRes = await desk.done;
      assert.ok(r.ok, explainAll({ carrier: r, desk: deskRes }));
      assert.ok(deskRes.ok, explainAll({ carrier: r, desk: deskRes }));
      assert.equal(r.capture('challenged'), 'no');
      assert.equal(deskRes.capture('ruri'), `sip:${b.username}@127.0.0.1:${desk.port}`);
      // A caller from the public network is shown by their number (routing/inbound.ts "Caller ID").
      assert.equal(userOf(deskRes.capture('from')), caller);
      assert.equal(displayOf(deskRes.capture('from')), caller);
      const rows = await recordsOf(s, [t.accountId]);
      assert.deepEqual(rows.map((x) => [x.direction, x.result, x.route_class, x.to_number]), [['inbound', 'answered', null, b.e164]]);
    } finally {
      await started.stopAll();
      if (trunkId) await deleteTrunk(s, trunkId);
    }
  });

  test('13. trunk failover: the first trunk answers 503, the call is answered through the second', { timeout: TEST_TIMEOUT }, async () => {
    const started = new Started();
    const trunks: string[] = [];
    try {
      const [p1, p2] = (await freeUdpPorts(2)) as [number, number];
      trunks.push(await createTrunk(s, { name: `Primary ${p1}`, host: '127.0.0.2', port: p1, priority: 10 }));
      trunks.push(await createTrunk(s, { name: `Secondary ${p2}`, host: '127.0.0.4', port: p2, priority: 20 }));
      const t = await makeAccount(s.h);
      const a = await makePhone(s.h, t);
      const first = await carrier(started, '127.0.0.2', 'uas-unavailable', p1);
      const second = await carrier(started, '127.0.0.4', 'uas-answer', p2);
      const dialled = '+493012345678';
      const r = await dial(s, a, dialled);
      const [firstRes, secondRes] = [await first.done, await second.done];
      const all = explainAll({ caller: r, primary: firstRes, secondary: secondRes });
      assert.ok(r.ok, all);
      assert.ok(firstRes.ok, all); // INVITE, 503, ACK
      assert.ok(secondRes.ok, all); // INVITE, 180, 200, ACK, BYE
      assert.equal(firstRes.capture('ruri'), `sip:${dialled}@127.0.0.2:${p1};user=phone`);
      assert.equal(secondRes.capture('ruri'), `sip:${dialled}@127.0.0.4:${p2};user=phone`);
      const rows = await recordsOf(s, [t.accountId]);
      assert.deepEqual(rows.map((x) => [x.direction, x.result, x.route_class, x.to_number]), [['outbound', 'answered', 'public_national', dialled]]);
    } finally {
      await started.stopAll();
      for (const id of trunks) await deleteTrunk(s, id);
    }
  });
});

describe('SIP edge security (SIPp from 127.0.0.3)', { skip, timeout: 120_000 }, () => {
  test('11. an address is banned after repeated bad passwords: then it gets no answer at all, while the device still registers from 127.0.0.1', { timeout: TEST_TIMEOUT }, async () => {
    const s = await startSipServer({ guard: { banAfter: 3, throttleAfter: 2 } });
    try {
      const t = await makeAccount(s.h);
      const p = await makePhone(s.h, t);
      const target = `127.0.0.1:${s.udpPort}`;
      const attacker = { target, service: p.username, timeoutS: 5, vars: { domain: p.domain }, extraArgs: ['-i', '127.0.0.3'] };
      // Failures 1 and 2 are checked and refused; the 3rd is refused unchecked (throttled) and bans the address.
      for (let i = 1; i <= 3; i++) {
        const bad = await runSipp({ ...attacker, scenario: 'register-bad-auth', auth: { username: p.username, password: 'not the password' } });
        assert.ok(bad.ok, `attempt ${i}\n${bad.explain()}`);
        assert.equal(bad.capture('status'), '403', `attempt ${i}`);
      }
      assert.equal(s.sip.guard.isBanned('127.0.0.3'), true);
      // Banned: even the right password gets no answer at all (SIPp gives up at its timeout).
      const banned = await runSipp({ ...attacker, timeoutS: 3, scenario: 'register-auth', auth: { username: p.username, password: p.password } });
      assert.equal(banned.ok, false, banned.explain());
      assert.deepEqual(receivedAll(banned), [], banned.explain());
      assert.deepEqual(s.sip.location.bindings(p.deviceId), []);
      // The legitimate device, from its own address, is not locked out.
      const good = await runSipp({ scenario: 'register-auth', target, service: p.username, timeoutS: 10, auth: { username: p.username, password: p.password }, vars: { domain: p.domain } });
      assert.ok(good.ok, good.explain());
      assert.equal(good.capture('expires'), '3600');
      assert.equal(s.sip.location.bindings(p.deviceId).length, 1);
    } finally {
      await s.close();
    }
  });
});
