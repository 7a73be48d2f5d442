/**
 * NAT traversal as the README claims it ("NAT via received/rport and keep-alives"), end to end against
 * the running SIP service, with real sockets on 127.0.0.1 playing phones behind a NAT: the phone writes
 * its private address (192.168.1.50, RFC 1918) in Via and Contact, while its packets come from
 * 127.0.0.1:<its socket> — exactly what a server sees of a phone behind a NAT.
 *
 * - REGISTER through the "NAT" with rport: the 200 goes back to the source (RFC 3581 §4), its Via
 *   carries received and rport, the binding is kept at the source address, and a call to the phone is
 *   delivered there (INVITE, ACK, BYE) with the private Contact as the Request-URI.
 * - Without rport: the answer goes to `received` and the sent-by port (RFC 3261 §18.2.2), not to the
 *   source port.
 * - TCP keep-alives (RFC 5626 §3.5.1): CRLF CRLF gets exactly one CRLF, also when split across two
 *   segments or followed by a request in the same segment; a lone CRLF gets none.
 * - UDP keep-alives (RFC 5626 §4.4.1, §8.4): a STUN Binding request (RFC 5389) to the SIP port gets a
 *   Binding success response from that port whose XOR-MAPPED-ADDRESS is the phone's source address and
 *   port (decoded here by hand); a CRLF CRLF from a phone gets no answer (over UDP only STUN is the
 *   keep-alive); SIP is answered at once after either. The server's own keep-alive, a CRLF CRLF datagram
 *   every `keepAliveSeconds`, reaches the NAT binding (the source address), keeping its pinhole open.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { makeAccount } from '../support/harness.ts';
import { openClient, param, type SipClient } from './support/client.ts';
import { dial, explainAll } from './support/phones.ts';
import { parseMessageTrace } from './support/sipp.ts';
import { makePhone, startSipServer, type SipTestServer } from './support/tandem.ts';
import { requireTool } from './support/tools.ts';
import { ScriptedUa, sdp } from './support/ua.ts';

const PRIVATE = '192.168.1.50';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('NAT: received/rport, keep-alives', { timeout: 180_000 }, () => {
  let s: SipTestServer;
  const clients: SipClient[] = [];
  before(async () => {
    // The server's UDP keep-alive every second, so the test sees it soon (25 s in `tandem serve`).
    s = await startSipServer({ keepAliveSeconds: 1 });
  });
  after(async () => {
    for (const c of clients) await c.close();
    await s?.close();
  });
  const open = async (t: 'UDP' | 'TCP'): Promise<SipClient> => {
    const c = await openClient(t, { host: '127.0.0.1', port: t === 'UDP' ? s.udpPort : s.tcpPort });
    clients.push(c);
    return c;
  };

  test('a phone behind a NAT registers (answer to the source, received and rport in Via); a call reaches it at its NAT binding; the server\'s keep-alive reaches that binding too', { skip: requireTool('sipp'), timeout: 45_000 }, async () => {
    const t = await makeAccount(s.h);
    const caller = await makePhone(s.h, t);
    const p = await makePhone(s.h, t);
    const c = await open('UDP');
    const ua = new ScriptedUa(c, p, { viaHost: PRIVATE, viaPort: 5062 });

    const reg = await ua.register();
    assert.equal(reg.final.status, 200);
    assert.equal(reg.final.header('Via'), `SIP/2.0/UDP ${PRIVATE}:5062;branch=${param(reg.final.header('Via'), 'branch')};rport=${c.local.port};received=127.0.0.1`);
    assert.equal(reg.final.header('Contact'), `<sip:${p.username}@${PRIVATE}:5062>;expires=3600`);
    const [binding] = s.sip.location.bindings(p.deviceId);
    assert.deepEqual([binding?.contact, binding?.source], [`sip:${p.username}@${PRIVATE}:5062`, { transport: 'UDP', address: '127.0.0.1', port: c.local.port }]);
    // the admin's view of the handset (portal, Devices): registered, seen at the NAT's address
    const dev = await s.h.call('GET', `/v1/devices/${p.deviceId}`, { token: t.adminToken });
    assert.equal(dev.status, 200, dev.text);
    assert.deepEqual([dev.body.registration?.contacts, dev.body.registration?.transport, dev.body.registration?.source], [1, 'UDP', `127.0.0.1:${c.local.port}`]);
    assert.ok(Date.parse(dev.body.registration.expiresAt) > Date.now() + 3_000_000, 'expires in about an hour');
    assert.equal((await s.h.call('GET', `/v1/devices/${caller.deviceId}`, { token: t.adminToken })).body.registration, null, 'an unregistered handset');

    // The server's keep-alive: a CRLF CRLF datagram to the NAT binding (service.ts keepAlive).
    const before = c.chunks.length;
    for (let i = 0; i < 50 && !c.chunks.slice(before).some((b) => b.toString('latin1') === '\r\n\r\n'); i++) await sleep(100);
    assert.ok(c.chunks.slice(before).some((b) => b.toString('latin1') === '\r\n\r\n'), 'a CRLF CRLF keep-alive reached the NAT binding within 5 s');

    // A call from a UDP SIPp phone: every request of the B leg reaches the NAT binding.
    const call = dial(s, caller, p.extension, 'uac-call', 300, 20);
    const invite = await c.next((m) => m.method === 'INVITE', 10_000);
    assert.equal(invite.ruri, `sip:${p.username}@${PRIVATE}:5062`);
    const toTag = 'natphone1';
    const answer = sdp(PRIVATE, 40002, 'nat-answer');
    ua.reply(invite, 200, 'OK', { toTag, headers: [`Contact: ${ua.contact}`], body: answer });
    const ack = await c.next((m) => m.method === 'ACK', 10_000);
    assert.equal(ack.ruri, `sip:${p.username}@${PRIVATE}:5062`);
    const bye = await c.next((m) => m.method === 'BYE', 15_000);
    assert.equal(param(bye.header('To'), 'tag'), toTag);
    ua.reply(bye, 200, 'OK');
    const r = await call;
    assert.ok(r.ok, explainAll({ caller: r }));
    const got = parseMessageTrace(r.messageLog).find((m) => m.direction === 'received' && m.firstLine === 'SIP/2.0 200 OK' && m.header('CSeq') === '2 INVITE');
    assert.equal(got?.body, answer);
  });

  test('without rport the answer goes to received and the Via port (RFC 3261 §18.2.2), not to the source port', { timeout: 20_000 }, async () => {
    const from = await open('UDP');
    const viaPortSocket = await open('UDP');
    const ua = new ScriptedUa(from, { username: 'nat', password: 'x', domain: 'nat.invalid' }, { viaHost: PRIVATE, viaPort: viaPortSocket.local.port, rport: false });
    const branch = 'z9hG4bKnorport1';
    from.send([
      'OPTIONS sip:nat.invalid SIP/2.0', ua.via(branch), 'Max-Forwards: 70', `From: <sip:nat@nat.invalid>;tag=${ua.fromTag}`, 'To: <sip:nat.invalid>',
      'Call-ID: norport-1@test', 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', '',
    ].join('\r\n'));
    const res = await viaPortSocket.next((m) => m.header('Call-ID') === 'norport-1@test', 5000);
    assert.equal(res.status, 200);
    assert.equal(res.header('Via'), `SIP/2.0/UDP ${PRIVATE}:${viaPortSocket.local.port};branch=${branch};received=127.0.0.1`);
    await sleep(300);
    assert.deepEqual(from.received.map((m) => m.firstLine), [], 'nothing to the source port');
  });

  test('TCP keep-alive: CRLF CRLF → exactly one CRLF (also split, also before a request); a lone CRLF → nothing', { timeout: 20_000 }, async () => {
    const c = await open('TCP');
    c.send('\r\n\r\n');
    await c.waitForPongs(1, 5000);
    assert.deepEqual(c.chunks.map((b) => b.toString('latin1')), ['\r\n']);
    // Split over two segments (RFC 5626 §3.5.1 pings may straddle reads).
    c.send('\r\n');
    await sleep(200);
    assert.equal(c.pongs, 1, 'half a ping is not yet a ping');
    c.send('\r\n');
    await c.waitForPongs(2, 5000);
    // A ping and a request in one segment: the pong, then the answer.
    const ua = new ScriptedUa(c, { username: 'tcp', password: 'x', domain: 'tcp.invalid' });
    const branch = 'z9hG4bKtcpka1';
    c.send(`\r\n\r\n${[
      'OPTIONS sip:tcp.invalid SIP/2.0', ua.via(branch), 'Max-Forwards: 70', `From: <sip:tcp@tcp.invalid>;tag=${ua.fromTag}`, 'To: <sip:tcp.invalid>',
      'Call-ID: tcpka-1@test', 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', '',
    ].join('\r\n')}`);
    const res = await c.next((m) => m.header('Call-ID') === 'tcpka-1@test', 5000);
    assert.equal(res.status, 200);
    assert.equal(res.header('Via'), `SIP/2.0/TCP 127.0.0.1:${c.local.port};branch=${branch};rport=${c.local.port};received=127.0.0.1`);
    assert.equal(c.pongs, 3);
    // A lone CRLF between messages is allowed (RFC 3261 §7.5) and answered with nothing.
    c.send('\r\n');
    await sleep(300);
    assert.equal(c.pongs, 3);
    // The whole byte stream the server sent: three pongs and the one answer, nothing else.
    assert.equal(Buffer.concat(c.chunks).toString('latin1'), `\r\n\r\n\r\n${res.raw}`);
  });

  test('UDP keep-alive (RFC 5626 §4.4.1): a STUN Binding request gets a success response with the phone\'s source in XOR-MAPPED-ADDRESS; the next request is answered', { timeout: 20_000 }, async () => {
    const c = await open('UDP');
    // RFC 5389 §6: Binding request (0x0001), no attributes, magic cookie, a random 96-bit transaction id
    const txid = randomBytes(12);
    c.send(Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), txid]));
    for (let i = 0; i < 50 && c.chunks.length === 0; i++) await sleep(100);
    assert.equal(c.chunks.length, 1, 'one answer within 5 s');
    const res = c.chunks[0]!;
    // Binding success response (0x0101), 12 bytes of attributes, the cookie, our transaction id
    assert.deepEqual([res.readUInt16BE(0), res.readUInt16BE(2), res.readUInt32BE(4), res.subarray(8, 20).toString('hex')], [0x0101, 12, 0x2112a442, txid.toString('hex')]);
    assert.equal(res.length, 32);
    // XOR-MAPPED-ADDRESS (0x0020, 8 bytes, IPv4): port XOR 0x2112, address XOR the magic cookie (§15.2)
    assert.deepEqual([res.readUInt16BE(20), res.readUInt16BE(22), res[24], res[25]], [0x0020, 8, 0, 0x01]);
    const port = res.readUInt16BE(26) ^ 0x2112;
    const address = [...res.subarray(28, 32)].map((b, i) => b ^ [0x21, 0x12, 0xa4, 0x42][i]!).join('.');
    assert.deepEqual({ address, port }, { address: '127.0.0.1', port: c.local.port });
    assert.deepEqual(c.received, [], 'no SIP in answer to STUN');
    const ua = new ScriptedUa(c, { username: 'stun', password: 'x', domain: 'stun.invalid' });
    const opt = await ua.request('OPTIONS', 'sip:stun.invalid');
    assert.equal(opt.final.status, 200);
  });

  test('UDP: a CRLF CRLF from a phone gets no answer; the server answers the next request at once', { timeout: 20_000 }, async () => {
    const c = await open('UDP');
    c.send('\r\n\r\n');
    c.send('\r\n');
    await sleep(500);
    assert.deepEqual(c.chunks.map((b) => b.toString('latin1')), []);
    const ua = new ScriptedUa(c, { username: 'udp', password: 'x', domain: 'udp.invalid' });
    const opt = await ua.request('OPTIONS', 'sip:udp.invalid');
    assert.equal(opt.final.status, 200);
  });
});
