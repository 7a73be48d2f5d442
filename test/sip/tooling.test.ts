/**
 * Self-test of the SIP test tooling: the pure helpers (always), then every SIPp scenario pair against
 * Kamailio as the reference registrar/proxy (test/sip/support/kamailio-test.cfg) — skipped when sipp
 * or kamailio is missing, a failure under CI=true. Each run is bounded by SIPp's -m and -timeout.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startKamailio, type Kamailio } from './support/kamailio.ts';
import { freeUdpPort } from './support/ports.ts';
import {
  parseCaptures, parseMessageTrace, parseScenarioHeader, parseScreen, parseStatCsv, runSipp, SCENARIO_DIR, scenarioInfo,
  sippArgs, sippOk, startSippUas, type SippResult, type SippUas,
} from './support/sipp.ts';
import { requireTool, toolDecision } from './support/tools.ts';

describe('tool decision', () => {
  test('all present: no skip', () => {
    assert.equal(toolDecision(['sipp', 'kamailio'], {}, () => true), undefined);
  });
  test('missing outside CI: a skip reason naming the tool and its Debian package', () => {
    assert.equal(
      toolDecision(['sipp', 'baresip'], { CI: 'false' }, (n) => n === 'baresip'),
      'sipp not installed (Debian: sip-tester; run scripts/install-sip-tools.sh as root)',
    );
  });
  test('missing under CI=true: throws', () => {
    assert.throws(() => toolDecision(['kamailio'], { CI: 'true' }, () => false), /CI=true and kamailio not installed/);
  });
});

describe('sipp helpers', () => {
  test('scenario header: keys and auth_uri', () => {
    const h = parseScenarioHeader('<?xml?>\n<!--\n  x: y\n  keys: a=1 b=two\n  auth_uri: [service]@[b]\n-->\n<scenario/>');
    assert.deepEqual(h, { keys: { a: '1', b: 'two' }, authUri: '[service]@[b]' });
  });

  test('every scenario file has a header, and the keys it uses are all defaulted', () => {
    const builtin = new Set([
      'service', 'remote_ip', 'remote_port', 'local_ip', 'local_port', 'transport', 'branch', 'call_number', 'call_id', 'pid',
      'len', 'local_ip_type', 'media_ip_type', 'media_ip', 'media_port', 'peer_tag_param', 'next_url', 'routes', 'authentication',
    ]);
    const files = readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.xml'));
    assert.ok(files.length >= 14, `found ${files.length} scenarios`);
    for (const f of files) {
      const info = scenarioInfo(f.replace(/\.xml$/, ''));
      const body = readFileSync(info.path, 'utf8').replace(/<!--[\s\S]*?-->/g, '');
      for (const m of body.matchAll(/\[([a-z_]+)\]/g)) {
        const name = m[1] ?? '';
        assert.ok(builtin.has(name) || name in info.keys, `${f}: [${name}] is neither a SIPp keyword nor in its keys: line`);
      }
    }
  });

  test('captures: per call, trimmed, last line wins', () => {
    const c = parseCaptures('CAPTURE 1 expires=120\nCAPTURE 1 contact= <sip:a@b>;expires=120\nnoise\nCAPTURE 2 expires=60\r\n');
    assert.deepEqual(c.get(1), { expires: '120', contact: '<sip:a@b>;expires=120' });
    assert.deepEqual(c.get(2), { expires: '60' });
  });

  test('stat CSV: cumulative counters of the last row', () => {
    const csv = 'A;SuccessfulCall(C);FailedCall(C);Retransmissions(C);\n1;0;0;0;\n2;9;1;3;\n';
    assert.deepEqual(parseStatCsv(csv), { successful: 9, failed: 1, retransmissions: 3 });
    assert.equal(parseStatCsv('only a header\n'), null);
  });

  test('screen: cumulative column of the last screen', () => {
    const s = '  Successful call        |        0                  |        1  \n  Failed call            |        0                  |        0  \n' +
      '\x1b[2J  Successful call        |        1                  |        7  \n  Failed call            |        2                  |        3  \n';
    assert.deepEqual(parseScreen(s), { successful: 7, failed: 3, retransmissions: null });
  });

  test('command line: bounded, foreground, loopback, digest uri from the scenario', () => {
    const args = sippArgs(
      { scenario: 'uac-auth-call', target: '127.0.0.1:5060', service: 'bob', timeoutS: 7, auth: { username: 'alice', password: 'pw' }, vars: { to_domain: 'x.test' } },
      { scenarioFile: '/s.xml', keys: { to_domain: 'x.test', caller: 'alice' }, authUri: '[service]@[to_domain]', localPort: 4000, controlPort: 4001, mediaPort: 4002, dir: '/d', injectionFile: null, trace: true },
    );
    const at = (flag: string): string | undefined => args[args.indexOf(flag) + 1];
    assert.equal(args[2], '127.0.0.1:5060');
    assert.equal(at('-m'), '1');
    assert.equal(at('-timeout'), '7s');
    assert.ok(args.includes('-timeout_error') && args.includes('-nostdin') && !args.includes('-bg'));
    assert.equal(at('-i'), '127.0.0.1');
    assert.equal(at('-ci'), '127.0.0.1');
    assert.equal(at('-mi'), '127.0.0.1');
    assert.equal(at('-p'), '4000');
    assert.equal(at('-auth_uri'), 'bob@x.test');
    assert.equal(at('-au'), 'alice');
    assert.equal(at('-error_file'), '/d/errors.log');
  });

  test('ok: exit 0, no failure, every call done', () => {
    const st = (successful: number, failed: number) => ({ successful, failed, retransmissions: 0, source: 'stat-file' as const });
    assert.equal(sippOk(0, st(2, 0), 2), true);
    assert.equal(sippOk(0, st(0, 0), 1), false); // stopped by SIGTERM before any call: exit 0 all the same
    assert.equal(sippOk(1, st(1, 1), 2), false);
    assert.equal(sippOk(255, st(1, 0), 1), false); // global timeout
    assert.equal(sippOk(null, st(1, 0), 1), false); // killed
  });

  test('message trace: direction, first line, headers', () => {
    const log = '----------------------------------------------- 2026-01-01 00:00:00.000\nUDP message sent (10 bytes):\n\nINVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP x;branch=z9hG4bK1\r\nCSeq: 1 INVITE\r\n\r\n\n' +
      '----------------------------------------------- 2026-01-01 00:00:00.100\nUDP message received [5] bytes :\n\nSIP/2.0 486 Busy Here\r\nvia: SIP/2.0/UDP x;branch=z9hG4bK1\r\n\r\n';
    const msgs = parseMessageTrace(log);
    assert.equal(msgs.length, 2);
    assert.equal(msgs[0]?.direction, 'sent');
    assert.equal(msgs[0]?.firstLine, 'INVITE sip:a@b SIP/2.0');
    assert.equal(msgs[1]?.direction, 'received');
    assert.equal(msgs[1]?.header('Via'), 'SIP/2.0/UDP x;branch=z9hG4bK1');
  });
});

// ---------------------------------------------------------------------------------------------------
// Scenario pairs against Kamailio

const skip = requireTool('sipp', 'kamailio');
const DOMAIN = 'tandem.test';
const PASSWORD = 'test-secret';
const TRUNK = 'carrier.test'; // a From domain the reference proxy does not challenge

/** The Via branch of the first sent message whose first line starts with `method`. */
function sentBranches(r: SippResult, method: string): string[] {
  return parseMessageTrace(r.messageLog)
    .filter((m) => m.direction === 'sent' && m.firstLine.startsWith(`${method} `))
    .map((m) => /;branch=([^;,\s]+)/.exec(m.header('Via') ?? '')?.[1] ?? '');
}
const received = (r: SippResult, firstLine: RegExp): number =>
  parseMessageTrace(r.messageLog).filter((m) => m.direction === 'received' && firstLine.test(m.firstLine)).length;

describe('SIPp scenarios against Kamailio', { skip, timeout: 120_000 }, () => {
  let kam: Kamailio;
  let uasPort: number;
  const uases: SippUas[] = [];

  before(async () => {
    uasPort = await freeUdpPort();
    kam = await startKamailio({ uasPort, domain: DOMAIN, password: PASSWORD });
  });
  after(async () => {
    for (const u of uases) await u.stop();
    await kam?.stop();
  });

  const uas = async (scenario: string, pauseMs?: number): Promise<SippUas> => {
    const u = await startSippUas({ scenario, localPort: uasPort, service: 'phone', timeoutS: 10, ...(pauseMs !== undefined ? { pauseMs } : {}) });
    uases.push(u);
    return u;
  };
  const both = (uac: SippResult, u: SippResult): string => `${uac.explain()}\n=== UAS ===\n${u.explain()}\n=== kamailio ===\n${kam.log().slice(-3000)}`;

  test('register with digest auth (401, then 200 with the granted expires), then unregister', async () => {
    const localPort = await freeUdpPort();
    const reg = await runSipp({ scenario: 'register-auth', target: kam.target, localPort, service: 'alice', timeoutS: 8, auth: { username: 'alice', password: PASSWORD }, vars: { domain: DOMAIN, expires: '120' } });
    assert.ok(reg.ok, reg.explain());
    assert.equal(reg.stats.successful, 1);
    assert.equal(reg.capture('expires'), '120');
    assert.equal(reg.capture('contact'), `<sip:alice@127.0.0.1:${localPort}>;expires=120`);
    // the digest uri is the Request-URI (RFC 3261 §22.4), not SIPp's default remote address
    const authz = parseMessageTrace(reg.messageLog).find((m) => m.direction === 'sent' && m.header('Authorization'));
    assert.match(authz?.header('Authorization') ?? '', /uri="sip:tandem\.test"/);

    const unreg = await runSipp({ scenario: 'unregister', target: kam.target, localPort, service: 'alice', timeoutS: 8, auth: { username: 'alice', password: PASSWORD }, vars: { domain: DOMAIN } });
    assert.ok(unreg.ok, unreg.explain());
    assert.equal(unreg.capture('contact'), '');
  });

  test('unregister-all (Contact: *) removes every binding', async () => {
    for (const _ of [1, 2]) {
      const r = await runSipp({ scenario: 'register-auth', target: kam.target, service: 'dora', timeoutS: 8, auth: { username: 'dora', password: PASSWORD }, vars: { domain: DOMAIN } });
      assert.ok(r.ok, r.explain());
    }
    const all = await runSipp({ scenario: 'unregister-all', target: kam.target, service: 'dora', timeoutS: 8, auth: { username: 'dora', password: PASSWORD }, vars: { domain: DOMAIN } });
    assert.ok(all.ok, all.explain());
    assert.equal(all.capture('contact'), '');
  });

  test('register-bad-auth: wrong password is re-challenged (401), another user\'s credentials refused (403)', async () => {
    const wrong = await runSipp({ scenario: 'register-bad-auth', target: kam.target, service: 'erin', timeoutS: 8, auth: { username: 'erin', password: 'wrong' }, vars: { domain: DOMAIN } });
    assert.ok(wrong.ok, wrong.explain());
    assert.equal(wrong.capture('status'), '401');
    const other = await runSipp({ scenario: 'register-bad-auth', target: kam.target, service: 'erin', timeoutS: 8, auth: { username: 'frank', password: PASSWORD }, vars: { domain: DOMAIN } });
    assert.ok(other.ok, other.explain());
    assert.equal(other.capture('status'), '403');
    // and register-auth itself fails on a wrong password (the scenario can fail)
    const bad = await runSipp({ scenario: 'register-auth', target: kam.target, service: 'erin', timeoutS: 5, auth: { username: 'erin', password: 'wrong' }, vars: { domain: DOMAIN } });
    assert.equal(bad.ok, false);
    assert.equal(bad.exitCode, 1);
    assert.match(bad.errorLog, /401 Unauthorized/);
  });

  test('uac-call ↔ uas-answer from a trunk: not challenged, answered, BYE; UAS sees the caller', async () => {
    const u = await uas('uas-answer');
    const r = await runSipp({ scenario: 'uac-call', target: kam.target, service: 'bob', pauseMs: 200, timeoutS: 8, vars: { caller: '15551230001', caller_name: 'Carrier Caller', domain: TRUNK } });
    const ur = await u.done;
    assert.ok(r.ok && ur.ok, both(r, ur));
    assert.equal(r.capture('challenged'), 'no');
    assert.match(r.capture('to') ?? '', /^<sip:bob@tandem\.test>;tag=\S+$/);
    assert.equal(ur.capture('ruri'), 'sip:bob@tandem.test');
    assert.match(ur.capture('from') ?? '', /^"Carrier Caller" <sip:15551230001@carrier\.test>;tag=/);
    assert.equal(received(ur, /^BYE /), 1);
  });

  test('uac-call from a device: challenged (407), authenticated, answered', async () => {
    const u = await uas('uas-answer');
    const r = await runSipp({ scenario: 'uac-call', target: kam.target, service: 'bob', timeoutS: 8, auth: { username: 'alice', password: PASSWORD }, vars: { caller: 'alice', domain: DOMAIN } });
    const ur = await u.done;
    assert.ok(r.ok && ur.ok, both(r, ur));
    assert.equal(r.capture('challenged'), '407');
    assert.equal(r.capture('realm'), DOMAIN);
    const authz = parseMessageTrace(r.messageLog).find((m) => m.direction === 'sent' && m.header('Proxy-Authorization'));
    assert.match(authz?.header('Proxy-Authorization') ?? '', /uri="sip:bob@tandem\.test"/);
  });

  test('uac-auth-call ↔ uas-answer: must be challenged; fails with a wrong password', async () => {
    const u = await uas('uas-answer');
    const r = await runSipp({ scenario: 'uac-auth-call', target: kam.target, service: 'bob', timeoutS: 8, auth: { username: 'alice', password: PASSWORD }, vars: { caller: 'alice', domain: DOMAIN } });
    const ur = await u.done;
    assert.ok(r.ok && ur.ok, both(r, ur));
    assert.equal(r.capture('challenged'), '407');
    // the ACK of the 407 is in the INVITE's transaction: same branch (RFC 3261 §17.1.1.3)
    const [inv1, inv2] = sentBranches(r, 'INVITE');
    const [ack1, ack2] = sentBranches(r, 'ACK');
    assert.equal(ack1, inv1);
    assert.notEqual(inv2, inv1);
    assert.notEqual(ack2, inv2); // the 2xx ACK is a new transaction (§13.2.2.4)

    const bad = await runSipp({ scenario: 'uac-auth-call', target: kam.target, service: 'bob', timeoutS: 5, auth: { username: 'alice', password: 'wrong' }, vars: { caller: 'alice', domain: DOMAIN } });
    assert.equal(bad.ok, false, bad.explain());
    assert.equal(bad.exitCode, 1);
    assert.equal(bad.capture('refused'), '407'); // challenged again: refused at once, not at the timeout
  });

  test('uac-auth-call fails when the INVITE is not challenged', async () => {
    const u = await uas('uas-answer');
    const r = await runSipp({ scenario: 'uac-auth-call', target: kam.target, service: 'bob', timeoutS: 5, auth: { username: 'alice', password: PASSWORD }, vars: { caller: 'x', domain: TRUNK } });
    await u.stop();
    assert.equal(r.ok, false, r.explain());
  });

  test('uac-busy ↔ uas-busy: 486, ACK in the INVITE transaction, no 486 retransmission', async () => {
    const u = await uas('uas-busy');
    const r = await runSipp({ scenario: 'uac-busy', target: kam.target, service: 'bob', timeoutS: 8, vars: { domain: TRUNK } });
    const ur = await u.done;
    assert.ok(r.ok && ur.ok, both(r, ur));
    assert.deepEqual(sentBranches(r, 'ACK'), sentBranches(r, 'INVITE'));
    assert.equal(received(r, /^SIP\/2\.0 486 /), 1);
  });

  test('uac-busy from a device (challenged first)', async () => {
    const u = await uas('uas-busy');
    const r = await runSipp({ scenario: 'uac-busy', target: kam.target, service: 'bob', timeoutS: 8, auth: { username: 'alice', password: PASSWORD }, vars: { domain: DOMAIN } });
    const ur = await u.done;
    assert.ok(r.ok && ur.ok, both(r, ur));
    assert.equal(r.capture('challenged'), '407');
    const inv = sentBranches(r, 'INVITE');
    assert.deepEqual(sentBranches(r, 'ACK'), inv); // each ACK repeats its INVITE's branch
  });

  test('uac-call against a busy phone fails, and says why', async () => {
    const u = await uas('uas-busy');
    const r = await runSipp({ scenario: 'uac-call', target: kam.target, service: 'bob', timeoutS: 5, vars: { domain: TRUNK } });
    await u.stop();
    assert.equal(r.ok, false);
    assert.equal(r.exitCode, 1);
    assert.equal(r.stats.failed, 1);
    assert.match(r.explain(), /SIP\/2\.0 486 Busy Here/);
  });

  test('uac-unavailable: 480 with a Reason header', async () => {
    const r = await runSipp({ scenario: 'uac-unavailable', target: kam.target, service: 'offline', timeoutS: 8, vars: { domain: TRUNK } });
    assert.ok(r.ok, r.explain());
    assert.equal(r.capture('reason'), 'SIP;cause=480;text="Subscriber offline"');
  });

  test('uac-unavailable fails on a 486 (a different final response)', async () => {
    const u = await uas('uas-busy');
    const r = await runSipp({ scenario: 'uac-unavailable', target: kam.target, service: 'bob', timeoutS: 5, vars: { domain: TRUNK } });
    await u.stop();
    assert.equal(r.ok, false);
  });

  test('uac-cancel ↔ uas-ring-forever: 180, CANCEL, 200, 487, ACK', async () => {
    const u = await uas('uas-ring-forever');
    const r = await runSipp({ scenario: 'uac-cancel', target: kam.target, service: 'bob', pauseMs: 300, timeoutS: 8, vars: { domain: TRUNK } });
    const ur = await u.done;
    assert.ok(r.ok && ur.ok, both(r, ur));
    const [inv] = sentBranches(r, 'INVITE');
    assert.deepEqual(sentBranches(r, 'CANCEL'), [inv]);
    assert.deepEqual(sentBranches(r, 'ACK'), [inv]);
    assert.equal(received(ur, /^CANCEL /), 1);
    assert.equal(received(ur, /^ACK /), 1);
  });

  test('uac-cancel from a device: the CANCEL repeats the authenticated INVITE\'s branch and CSeq', async () => {
    const u = await uas('uas-ring-forever');
    const r = await runSipp({ scenario: 'uac-cancel', target: kam.target, service: 'bob', timeoutS: 8, auth: { username: 'alice', password: PASSWORD }, vars: { domain: DOMAIN } });
    const ur = await u.done;
    assert.ok(r.ok && ur.ok, both(r, ur));
    assert.equal(r.capture('challenged'), '407');
    const sent = parseMessageTrace(r.messageLog).filter((m) => m.direction === 'sent');
    const invite2 = sent.filter((m) => m.firstLine.startsWith('INVITE '))[1];
    const cancel = sent.find((m) => m.firstLine.startsWith('CANCEL '));
    assert.equal(cancel?.header('Via'), invite2?.header('Via'));
    assert.equal(cancel?.header('CSeq'), '2 CANCEL');
  });

  test('uac-noauth: an INVITE without credentials gets 407 with the realm, nothing else', async () => {
    const r = await runSipp({ scenario: 'uac-noauth', target: kam.target, service: 'bob', timeoutS: 8, vars: { domain: DOMAIN } });
    assert.ok(r.ok, r.explain());
    assert.equal(r.capture('status'), '407');
    assert.equal(r.capture('realm'), DOMAIN);
    assert.deepEqual(sentBranches(r, 'ACK'), sentBranches(r, 'INVITE'));
  });

  test('uac-noauth fails when the INVITE is accepted', async () => {
    const u = await uas('uas-answer');
    const r = await runSipp({ scenario: 'uac-noauth', target: kam.target, service: 'bob', timeoutS: 5, vars: { domain: TRUNK } });
    await u.stop();
    assert.equal(r.ok, false);
  });

  test('a SIPp answerer registered with contact_port is reached through the location service', async () => {
    const u = await startSippUas({ scenario: 'uas-answer', service: 'gina', timeoutS: 10 });
    uases.push(u);
    const reg = await runSipp({ scenario: 'register-auth', target: kam.target, service: 'gina', timeoutS: 5, auth: { username: 'gina', password: PASSWORD }, vars: { domain: DOMAIN, contact_port: String(u.port) } });
    assert.ok(reg.ok, reg.explain());
    assert.equal(reg.capture('contact'), `<sip:gina@127.0.0.1:${u.port}>;expires=3600`);
    const r = await runSipp({ scenario: 'uac-call', target: kam.target, service: 'gina', timeoutS: 8, vars: { domain: TRUNK } });
    const ur = await u.done;
    assert.ok(r.ok && ur.ok, both(r, ur));
    // the registrar rewrote the Request-URI to the registered contact (RFC 3261 §16.5)
    assert.equal(ur.capture('ruri'), `sip:gina@127.0.0.1:${u.port}`);
  });

  test('uac-call ↔ uas-ring-answer: rings, answered after the pause', async () => {
    const u = await uas('uas-ring-answer', 400);
    const r = await runSipp({ scenario: 'uac-call', target: kam.target, service: 'bob', timeoutS: 8, vars: { domain: TRUNK } });
    const ur = await u.done;
    assert.ok(r.ok && ur.ok, both(r, ur));
    assert.equal(received(r, /^SIP\/2\.0 180 /), 1);
  });
});
