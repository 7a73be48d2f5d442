/**
 * TLS, WSS and WS through the whole SIP service (README "TLS and WSS with a certificate"): a throw-away
 * self-signed certificate is made with openssl into a temporary directory, and the service is started
 * the way `tandem serve` configures it — TANDEM_SIP_TLS_CERT / TANDEM_SIP_TLS_KEY naming those files,
 * every TANDEM_SIP_*_PORT 0 (free ports), read by config/index.ts and turned into listeners by
 * service.ts `transportsFromConfig`.
 *
 * The clients are real sockets (test/sip/support/client.ts: node's tls with the certificate as the only
 * trust anchor, so the server's certificate is verified; the `ws` package offering the "sip"
 * subprotocol, RFC 7118 §4.1) driven by a scripted phone (support/ua.ts) that answers the digest
 * challenge. SIPp (UDP) plays the phone on the other side of each call.
 *
 * - TLS: REGISTER (401, then 200 with the binding), OPTIONS, and a call from a UDP SIPp phone that
 *   rings the TLS phone on its own connection, is answered there, and hung up by the caller.
 * - WSS and WS: REGISTER with an RFC 7118 ".invalid" Via and Contact, OPTIONS, MESSAGE (authenticated,
 *   then 501: Tandem does not carry MESSAGE), a call to a UDP SIPp phone hung up from the browser side,
 *   and a call from a UDP SIPp phone delivered on the WebSocket and hung up by the caller.
 * - Keep-alive pings (RFC 5626 §3.5.1) on TLS, WSS and WS get their CRLF pong (TCP: nat.test.ts).
 */
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { selfSignedCert } from '../../src/sip/transport/test-cert.ts';
import { makeAccount, type TenantFixture } from '../support/harness.ts';
import { openClient, param, type ClientTransport, type SipClient } from './support/client.ts';
import { dial, explainAll, registeredPhone, Started } from './support/phones.ts';
import { parseMessageTrace } from './support/sipp.ts';
import { makePhone, startSipServer, type Phone, type SipTestServer } from './support/tandem.ts';
import { requireTool } from './support/tools.ts';
import { ScriptedUa, sdp } from './support/ua.ts';

const cert = selfSignedCert();
const skip = requireTool('sipp') ?? (cert ? undefined : 'openssl is not installed: no certificate for the TLS tests');
const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, UPDATE, INFO';

describe('SIP over TLS, WSS and WS (certificate from TANDEM_SIP_TLS_CERT/KEY)', { skip, timeout: 180_000 }, () => {
  let s: SipTestServer;
  let dir: string;
  const clients: SipClient[] = [];
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-sip-tls-'));
    writeFileSync(path.join(dir, 'cert.pem'), cert!.cert);
    writeFileSync(path.join(dir, 'key.pem'), cert!.key);
    s = await startSipServer({
      env: {
        TANDEM_SIP_HOST: '127.0.0.1', TANDEM_SIP_PORT: '0', TANDEM_SIP_TLS_PORT: '0', TANDEM_SIP_WS_PORT: '0', TANDEM_SIP_WSS_PORT: '0',
        TANDEM_SIP_TLS_CERT: path.join(dir, 'cert.pem'), TANDEM_SIP_TLS_KEY: path.join(dir, 'key.pem'),
      },
    });
  });
  after(async () => {
    for (const c of clients) await c.close();
    await s?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const open = async (t: ClientTransport, port: number | null): Promise<SipClient> => {
    assert.ok(port, `${t} is listening`);
    const c = await openClient(t, { host: '127.0.0.1', port }, { ca: cert!.cert });
    clients.push(c);
    return c;
  };
  const fingerprint = () => new X509Certificate(cert!.cert).fingerprint256;

  /**
   * A UDP SIPp phone (`caller`) dials `p`'s extension; `p`, the scripted phone on its connection, gets the
   * INVITE there (Request-URI `contact`, Tandem's Via and Contact for `transport`), rings, answers with
   * SDP, gets the ACK and the caller's BYE, and answers it. The SDP passes unchanged both ways.
   */
  const answerCall = async (ua: ScriptedUa, caller: Phone, p: Phone, transport: 'TLS' | 'WS' | 'WSS', port: number, contact: string): Promise<void> => {
    const call = dial(s, caller, p.extension, 'uac-call', 500, 20);
    const c = ua.client;
    const invite = await c.next((m) => m.method === 'INVITE', 10_000);
    assert.equal(invite.ruri, contact);
    assert.match(invite.header('Via') ?? '', new RegExp(`^SIP/2\\.0/${transport} 127\\.0\\.0\\.1:${port};branch=z9hG4bK`));
    assert.equal(invite.all('Via').length, 1, 'a B2BUA: only its own Via');
    assert.equal(invite.header('Contact'), `<sip:tandem@127.0.0.1:${port};transport=${transport.toLowerCase()}>`);
    assert.equal(invite.header('Content-Type'), 'application/sdp');
    const answer = sdp('127.0.0.1', 40000, `${transport.toLowerCase()}-answer`);
    const toTag = `${transport.toLowerCase()}phone1`;
    ua.reply(invite, 180, 'Ringing', { toTag });
    ua.reply(invite, 200, 'OK', { toTag, headers: [`Contact: ${ua.contact}`], body: answer });
    const ack = await c.next((m) => m.method === 'ACK', 10_000);
    assert.equal(ack.header('CSeq'), `${/^(\d+)/.exec(invite.header('CSeq')!)![1]} ACK`);
    assert.equal(param(ack.header('To'), 'tag'), toTag);
    const bye = await c.next((m) => m.method === 'BYE', 15_000);
    assert.equal(param(bye.header('To'), 'tag'), toTag);
    assert.equal(bye.ruri, contact, 'the remote target is the Contact of the 200');
    ua.reply(bye, 200, 'OK');
    const r = await call;
    assert.ok(r.ok, explainAll({ caller: r }));
    const trace = parseMessageTrace(r.messageLog);
    const offer = trace.find((m) => m.direction === 'sent' && m.firstLine.startsWith('INVITE ') && m.header('CSeq') === '2 INVITE');
    assert.equal(invite.body.toString('latin1'), offer?.body, 'the caller\'s offer reached the phone unchanged');
    const got = trace.find((m) => m.direction === 'received' && m.firstLine === 'SIP/2.0 200 OK' && m.header('CSeq') === '2 INVITE');
    assert.equal(got?.body, answer, 'the phone\'s answer reached the caller unchanged');
  };

  test('every transport is listening on its own port, from the configuration', () => {
    const l = s.sip.listening();
    assert.deepEqual(Object.keys(l).sort(), ['TCP', 'TLS', 'UDP', 'WS', 'WSS']);
    for (const a of Object.values(l)) assert.equal(a.address, '127.0.0.1');
    assert.equal(new Set([s.tlsPort, s.wsPort, s.wssPort, s.tcpPort]).size, 4);
  });

  test('TLS: a phone registers and answers OPTIONS; a UDP phone calls it and the call is answered and ended over the TLS connection', { timeout: 45_000 }, async () => {
    const started = new Started();
    try {
      const t = await makeAccount(s.h);
      const caller = await makePhone(s.h, t);
      const p = await makePhone(s.h, t);
      const c = await open('TLS', s.tlsPort);
      assert.equal(c.peerFingerprint256, fingerprint(), 'the server presents the configured certificate');
      const ua = new ScriptedUa(c, p);

      const reg = await ua.register();
      assert.equal(reg.challenge?.status, 401);
      assert.match(reg.challenge?.header('WWW-Authenticate') ?? '', new RegExp(`^Digest realm="${t.domain}", nonce="[^"]+", algorithm=MD5, qop="auth"$`));
      assert.equal(reg.final.status, 200);
      assert.equal(reg.final.header('Contact'), `<sip:${p.username}@127.0.0.1:${c.local.port};transport=tls>;expires=3600`);
      // RFC 3581 §4: rport filled with the source port, received added because rport was asked for.
      assert.equal(reg.final.header('Via'), `SIP/2.0/TLS 127.0.0.1:${c.local.port};branch=${param(reg.final.header('Via'), 'branch')};rport=${c.local.port};received=127.0.0.1`);
      const [binding] = s.sip.location.bindings(p.deviceId);
      assert.deepEqual([binding?.contact, binding?.source.transport, binding?.source.port], [`sip:${p.username}@127.0.0.1:${c.local.port};transport=tls`, 'TLS', c.local.port]);

      const opt = await ua.request('OPTIONS', `sip:${t.domain}`);
      assert.equal(opt.final.status, 200);
      assert.equal(opt.final.header('Allow'), ALLOW);

      // A UDP phone (SIPp) calls the TLS phone's extension.
      await answerCall(ua, caller, p, 'TLS', s.tlsPort!, `sip:${p.username}@127.0.0.1:${c.local.port};transport=tls`);
      await s.sip.records.flush();
      const rows = await s.h.db.owner((sql) => sql.query<{ result: string; to_extension: string }>('SELECT result, to_extension FROM call_records WHERE account_id = $1', [t.accountId]));
      assert.deepEqual(rows.map((x) => [x.result, x.to_extension]), [['answered', p.extension]]);
    } finally {
      await started.stopAll();
    }
  });

  test('keep-alives (RFC 5626 §3.5.1): a CRLF CRLF ping over TLS, WSS and WS gets exactly one CRLF pong, and the connection carries SIP on', { timeout: 30_000 }, async () => {
    for (const [transport, port] of [['TLS', s.tlsPort], ['WSS', s.wssPort], ['WS', s.wsPort]] as const) {
      const c = await open(transport, port);
      c.send('\r\n\r\n');
      await c.waitForPongs(1, 5000);
      assert.deepEqual(c.chunks.map((b) => b.toString('latin1')), ['\r\n'], transport);
      const ua = new ScriptedUa(c, { username: 'nobody', password: 'x', domain: 'keepalive.invalid' });
      const opt = await ua.request('OPTIONS', 'sip:keepalive.invalid');
      assert.equal(opt.final.status, 200, transport);
      assert.equal(c.pongs, 1, transport);
    }
  });

  for (const transport of ['WSS', 'WS'] as const) {
    test(`${transport} (RFC 7118): a browser phone registers, gets OPTIONS and MESSAGE answered, calls a UDP phone and is called by one`, { timeout: 45_000 }, async () => {
      const started = new Started();
      try {
        const t: TenantFixture = await makeAccount(s.h);
        const p = await makePhone(s.h, t);
        const b = await makePhone(s.h, t);
        const port = transport === 'WSS' ? s.wssPort : s.wsPort;
        const c = await open(transport, port);
        assert.equal(c.peerFingerprint256, transport === 'WSS' ? fingerprint() : null);
        // RFC 7118 §5: a WebSocket client has no reachable address: a random ".invalid" host, no port.
        const host = `${transport.toLowerCase()}${Date.now().toString(36)}.invalid`;
        const ua = new ScriptedUa(c, p, { viaHost: host, viaPort: null });

        const reg = await ua.register();
        assert.equal(reg.challenge?.status, 401);
        assert.equal(reg.final.status, 200);
        assert.equal(reg.final.header('Contact'), `<sip:${p.username}@${host};transport=ws>;expires=3600`);
        assert.equal(reg.final.header('Via'), `SIP/2.0/${transport} ${host};branch=${param(reg.final.header('Via'), 'branch')};rport=${c.local.port};received=127.0.0.1`);
        const [binding] = s.sip.location.bindings(p.deviceId);
        assert.deepEqual([binding?.source.transport, binding?.source.address, binding?.source.port], [transport, '127.0.0.1', c.local.port]);

        const opt = await ua.request('OPTIONS', `sip:${t.domain}`);
        assert.equal(opt.final.status, 200);
        assert.equal(opt.final.header('Allow'), ALLOW);

        // MESSAGE authenticates (issue 5), then is refused as not implemented, naming what is (§8.2.1, §21.5.2).
        const msg = await ua.request('MESSAGE', `sip:${b.extension}@${t.domain}`, { body: 'Hello over WebSocket', contentType: 'text/plain' });
        assert.equal(msg.challenge?.status, 401);
        assert.equal(msg.final.status, 501);
        assert.equal(msg.final.header('Allow'), ALLOW);

        // A call to a UDP phone (SIPp) registered in the same account.
        const uas = await registeredPhone(s, b, started);
        const offer = sdp('127.0.0.1', 41000, `${transport.toLowerCase()}-offer`);
        const inv = await ua.request('INVITE', `sip:${b.extension}@${t.domain}`, { body: offer });
        assert.equal(inv.challenge?.status, 401);
        assert.equal(inv.final.status, 200);
        assert.deepEqual(inv.provisional.map((m) => m.status).filter((x) => x !== 100), [180]);
        assert.equal(inv.final.header('Contact'), `<sip:tandem@127.0.0.1:${port};transport=${transport.toLowerCase()}>`);
        assert.equal(inv.final.header('Content-Type'), 'application/sdp');
        const d = ua.ack(inv);
        await new Promise((r) => setTimeout(r, 300));
        const bye = await ua.inDialog(d, 'BYE');
        assert.equal(bye.status, 200);
        const callee = await uas.done;
        assert.ok(callee.ok, explainAll({ callee }));
        assert.equal(callee.capture('ruri'), `sip:${b.username}@127.0.0.1:${uas.port}`);
        const trace = parseMessageTrace(callee.messageLog);
        const got = trace.find((m) => m.direction === 'received' && m.firstLine.startsWith('INVITE '));
        assert.equal(got?.body, offer, 'the offer reached the UDP phone unchanged');
        const answer = trace.find((m) => m.direction === 'sent' && m.firstLine === 'SIP/2.0 200 OK' && m.header('CSeq')?.endsWith('INVITE'));
        assert.equal(inv.final.body.toString('latin1'), answer?.body, 'the UDP phone\'s answer reached the browser unchanged');
        assert.deepEqual(trace.filter((m) => m.direction === 'received').map((m) => m.firstLine.split(' ')[0]), ['INVITE', 'ACK', 'BYE']);

        // And the other way: the UDP phone calls the browser phone, reached on its WebSocket (RFC 7118 §5).
        const other = await makePhone(s.h, t);
        await answerCall(ua, other, p, transport, port!, `sip:${p.username}@${host};transport=ws`);
      } finally {
        await started.stopAll();
      }
    });
  }
});
