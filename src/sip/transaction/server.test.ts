import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SipRequest, SipResponse } from '../message/types.ts';
import { FakeClock } from './fake-clock.ts';
import { TransactionLayer } from './layer.ts';
import { InviteServerTransaction, type ServerTransaction } from './server.ts';
import { FakeTransport, RecordingTU, requestText, TCP_PEER, UDP_PEER } from './test-helpers.ts';

function setup() {
  const clock = new FakeClock();
  const transport = new FakeTransport(clock);
  const tu = new RecordingTU();
  const layer = new TransactionLayer({ transport, tu, clock });
  return { clock, transport, tu, layer };
}

const flush = () => new Promise<void>((r) => setImmediate(r));

function assertEmpty(layer: TransactionLayer, clock: FakeClock): void {
  assert.deepEqual(layer.size, { clients: 0, servers: 0 });
  assert.equal(clock.pending(), 0, 'no timer left');
}

const statuses = (t: FakeTransport) => t.sent.map((s) => (s.msg as SipResponse).status);

test('INVITE server sends 100 Trying itself when the TU has not answered within 200 ms (§17.2.1)', () => {
  const { clock, transport, tu } = setup();
  transport.deliver(requestText('INVITE'), UDP_PEER);
  assert.equal(tu.requests.length, 1);
  clock.advance(199);
  assert.equal(transport.sent.length, 0);
  clock.advance(1);
  assert.deepEqual(transport.summary(), ['100@200']);
  const trying = transport.sent[0]!.msg as SipResponse;
  assert.equal(trying.to.params.has('tag'), false);
  assert.deepEqual(transport.sent[0]!.dest, { transport: 'UDP', address: '192.0.2.20', port: 5062 });

  // a TU that answers in time: no 100 from the transaction
  const b = setup();
  b.tu.onRequestHook = (tx) => b.clock.setTimeout(() => tx.reply(180), 50, null);
  b.transport.deliver(requestText('INVITE'), UDP_PEER);
  b.clock.advance(1_000);
  assert.deepEqual(b.transport.summary(), ['180@50']);
});

test('INVITE server: a retransmitted INVITE is absorbed and answered with the last provisional', () => {
  const { clock, transport, tu } = setup();
  transport.deliver(requestText('INVITE'), UDP_PEER);
  const tx = tu.requests[0]!;
  transport.deliver(requestText('INVITE'), UDP_PEER); // before any response: nothing to resend
  tx.reply(180);
  clock.advance(500);
  transport.deliver(requestText('INVITE'), UDP_PEER);
  assert.equal(tu.requests.length, 1, 'the TU saw one request');
  assert.deepEqual(transport.summary(), ['180@0', '180@500']);
  const [a, b] = transport.sent.map((s) => s.msg as SipResponse);
  assert.equal(a!.to.params.get('tag'), b!.to.params.get('tag'));
  assert.equal(a!.to.params.get('tag'), tx.toTag);
});

test('INVITE server over UDP: 486 retransmitted by Timer G (doubling to T2) until Timer H → TU told (§17.2.1)', () => {
  const { clock, transport, tu, layer } = setup();
  transport.deliver(requestText('INVITE'), UDP_PEER);
  const tx = tu.requests[0]!;
  tx.reply(486);
  assert.equal(tx.state, 'Completed');
  clock.advance(31_999);
  assert.deepEqual(transport.sent.map((s) => s.at), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  assert.ok(statuses(transport).every((s) => s === 486));
  assert.deepEqual(tu.serverTimeouts, []);
  clock.advance(1);
  assert.equal(tx.state, 'Terminated');
  assert.deepEqual(tu.serverTimeouts, [tx]);
  assertEmpty(layer, clock);
});

test('INVITE server: ACK → Confirmed, retransmissions stop, ACKs absorbed, Timer I = T4 (§17.2.1)', () => {
  const { clock, transport, tu, layer } = setup();
  transport.deliver(requestText('INVITE'), UDP_PEER);
  const tx = tu.requests[0]!;
  tx.reply(404);
  clock.advance(600); // one Timer G retransmission at 500
  transport.deliver(requestText('INVITE'), UDP_PEER); // retransmission in Completed: final resent
  assert.deepEqual(transport.summary(), ['404@0', '404@500', '404@600']);
  transport.deliver(requestText('ACK', { toTag: tx.toTag }), UDP_PEER);
  assert.equal(tx.state, 'Confirmed');
  transport.deliver(requestText('ACK', { toTag: tx.toTag }), UDP_PEER);
  transport.deliver(requestText('INVITE'), UDP_PEER);
  assert.deepEqual(tu.acks, [], 'the ACK for a non-2xx stays in the transaction');
  clock.advance(4_999);
  assert.equal(tx.state, 'Confirmed');
  assert.equal(transport.sent.length, 3);
  clock.advance(1);
  assert.equal(tx.state, 'Terminated');
  assert.deepEqual(tu.serverTimeouts, []);
  assertEmpty(layer, clock);
});

test('INVITE server over TCP: no Timer G, Timer H still runs, Timer I = 0', () => {
  const { clock, transport, tu, layer } = setup();
  transport.deliver(requestText('INVITE', { transport: 'TCP', sentBy: '192.0.2.20:5060' }), TCP_PEER);
  const tx = tu.requests[0]!;
  tx.reply(480);
  assert.deepEqual(transport.sent[0]!.dest, { transport: 'TCP', address: '192.0.2.20', port: 5060, connectionId: 'tcp-1' });
  clock.advance(10_000);
  assert.equal(transport.sent.length, 1);
  transport.deliver(requestText('ACK', { transport: 'TCP', sentBy: '192.0.2.20:5060', toTag: tx.toTag }), TCP_PEER);
  assert.equal(tx.state, 'Terminated');
  assertEmpty(layer, clock);
});

test('INVITE server, RFC 6026 Accepted: retransmitted INVITEs absorbed, TU 2xx retransmissions sent, ACK to the TU, Timer L', () => {
  const { clock, transport, tu, layer } = setup();
  transport.deliver(requestText('INVITE'), UDP_PEER);
  const tx = tu.requests[0]!;
  tx.reply(180);
  const ok = tx.reply(200)!;
  assert.equal(tx.state, 'Accepted');
  clock.advance(500);
  assert.deepEqual(transport.summary(), ['180@0', '200@0'], 'the transaction does not retransmit the 2xx itself');
  transport.deliver(requestText('INVITE'), UDP_PEER);
  assert.equal(transport.sent.length, 2, 'INVITE retransmission absorbed in Accepted');
  assert.equal(tu.requests.length, 1);
  assert.equal(tx.respond(ok), true, 'the TU retransmits the 2xx through the transaction');
  assert.equal(tx.reply(486), null, 'no non-2xx after a 2xx');
  assert.deepEqual(transport.summary(), ['180@0', '200@0', '200@500']);
  // the ACK for the 2xx has a branch of its own: not this transaction's
  transport.deliver(requestText('ACK', { branch: 'z9hG4bKack2', toTag: tx.toTag }), UDP_PEER);
  assert.equal(tu.acks.length, 1);
  assert.equal(tx.state, 'Accepted');
  clock.advance(64 * 500 - 500 - 1);
  assert.equal(tx.state, 'Accepted');
  clock.advance(1);
  assert.equal(tx.state, 'Terminated');
  assertEmpty(layer, clock);
});

test('non-INVITE server: Trying discards retransmissions, Proceeding and Completed resend, Timer J (§17.2.2)', () => {
  const { clock, transport, tu, layer } = setup();
  transport.deliver(requestText('REGISTER'), UDP_PEER);
  const tx = tu.requests[0]!;
  assert.equal(tx.state, 'Trying');
  transport.deliver(requestText('REGISTER'), UDP_PEER);
  assert.equal(transport.sent.length, 0);
  clock.advance(300);
  assert.equal(transport.sent.length, 0, 'no automatic 100 for non-INVITE');
  tx.reply(100);
  assert.equal(tx.state, 'Proceeding');
  transport.deliver(requestText('REGISTER'), UDP_PEER);
  tx.reply(200);
  assert.equal(tx.state, 'Completed');
  assert.equal(tx.reply(500), null, 'a second final response is discarded');
  clock.advance(10_000);
  transport.deliver(requestText('REGISTER'), UDP_PEER);
  assert.deepEqual(transport.summary(), ['100@300', '100@300', '200@300', '200@10300']);
  assert.equal(tu.requests.length, 1);
  clock.advance(64 * 500 - 10_000 - 1);
  assert.equal(tx.state, 'Completed');
  clock.advance(1);
  assert.equal(tx.state, 'Terminated');
  assertEmpty(layer, clock);
});

test('non-INVITE server over TCP: Timer J = 0', () => {
  const { clock, transport, tu, layer } = setup();
  transport.deliver(requestText('OPTIONS', { transport: 'TCP' }), TCP_PEER);
  tu.requests[0]!.reply(200);
  assert.equal(tu.requests[0]!.state, 'Terminated');
  assertEmpty(layer, clock);
});

test('a non-INVITE server transaction the TU never answers is dropped after 64·T1', () => {
  const { clock, transport, layer } = setup();
  transport.deliver(requestText('MESSAGE'), UDP_PEER);
  clock.advance(32_000);
  assertEmpty(layer, clock);
});

test('matching (§17.2.3): branch + sent-by + method; CANCEL has its own transaction and finds its INVITE (§9.2)', () => {
  const { clock, transport, tu, layer } = setup();
  transport.deliver(requestText('INVITE'), UDP_PEER);
  transport.deliver(requestText('INVITE', { sentBy: '192.0.2.21:5062' }), UDP_PEER); // other sent-by
  transport.deliver(requestText('INVITE', { branch: 'z9hG4bKsrv2' }), UDP_PEER); // other branch
  assert.equal(tu.requests.length, 3);
  const invite = tu.requests[0]! as InviteServerTransaction;
  transport.deliver(requestText('CANCEL'), UDP_PEER);
  assert.equal(tu.requests.length, 4);
  const cancelTx = tu.requests[3]!;
  assert.equal(cancelTx.method, 'CANCEL');
  assert.equal(cancelTx.kind, 'non-invite-server');
  assert.equal(layer.findInviteForCancel(cancelTx.request), invite);
  // the TU's usual answer: 200 to the CANCEL, 487 to the INVITE
  cancelTx.reply(200);
  invite.reply(487);
  assert.deepEqual(statuses(transport), [200, 487]);
  assert.deepEqual(transport.sent.map((s) => (s.msg as SipResponse).cseq.method), ['CANCEL', 'INVITE']);
  // a CANCEL whose INVITE is unknown finds nothing
  transport.deliver(requestText('CANCEL', { branch: 'z9hG4bKnone' }), UDP_PEER);
  assert.equal(layer.findInviteForCancel(tu.requests[4]!.request), undefined);
  for (const tx of tu.requests.slice(1)) if (tx.state !== 'Completed' && tx.state !== 'Terminated') tx.reply(tx.method === 'INVITE' ? 486 : 481);
  for (const tx of tu.requests) if (tx.kind === 'invite-server' && tx.state === 'Completed') transport.deliver(requestText('ACK', { branch: tx.request.via[0]!.branch!, sentBy: `${tx.request.via[0]!.host}:${tx.request.via[0]!.port}` }), UDP_PEER);
  clock.runAll();
  assertEmpty(layer, clock);
});

test('RFC 2543 fallback matching for a branch without magic cookie (RFC 4475 badbranch.dat)', () => {
  // RFC 4475 §3.3.9 (badbranch.dat): the branch is the bare magic cookie.
  const badbranch = [
    'OPTIONS sip:user@example.com SIP/2.0',
    'To: sip:user@example.com',
    'From: sip:caller@example.org;tag=33242',
    'Max-Forwards: 3',
    'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK',
    'Accept: application/sdp',
    'Call-ID: badbranch.sadonfo23i420jv0as0derf3j3n',
    'CSeq: 8 OPTIONS',
    'l: 0',
    '',
    '',
  ].join('\r\n');
  const { clock, transport, tu, layer } = setup();
  const src = { transport: 'UDP' as const, address: '192.0.2.1', port: 5060 };
  transport.deliver(badbranch, src);
  transport.deliver(badbranch, src);
  assert.equal(tu.requests.length, 1, 'the retransmission matched by Request-URI, From tag, Call-ID, CSeq, top Via');
  tu.requests[0]!.reply(200);
  transport.deliver(badbranch, src);
  assert.deepEqual(statuses(transport), [200, 200]);
  assert.deepEqual(transport.sent[0]!.dest, { transport: 'UDP', address: '192.0.2.1', port: 5060 });
  transport.deliver(badbranch.replace('CSeq: 8', 'CSeq: 9'), src);
  assert.equal(tu.requests.length, 2, 'a new CSeq is a new transaction');
  tu.requests[1]!.reply(200);

  // an RFC 2543 INVITE and the ACK for its non-2xx final response (To tag differs: ours)
  const inv = requestText('INVITE', { branch: '' }).replace(';branch=', '');
  transport.deliver(inv, UDP_PEER);
  const itx = tu.requests[2]! as ServerTransaction;
  itx.reply(486);
  transport.deliver(requestText('ACK', { branch: '', toTag: itx.toTag }).replace(';branch=', ''), UDP_PEER);
  assert.equal(itx.state, 'Confirmed');
  assert.deepEqual(tu.acks, []);
  clock.runAll();
  assertEmpty(layer, clock);
});

test('responses go to received/rport of the top Via (§18.2.2, RFC 3581); a broadcast sent-by is never used', () => {
  const { transport, tu } = setup();
  // NATed client: sent-by is its private address, rport requested
  transport.deliver(requestText('OPTIONS', { sentBy: '10.0.0.5:5060;rport' }), { transport: 'UDP', address: '198.51.100.7', port: 31000 });
  const tx = tu.requests[0]!;
  assert.equal(tx.request.headers.get('Via'), 'SIP/2.0/UDP 10.0.0.5:5060;rport=31000;branch=z9hG4bKsrv1;received=198.51.100.7');
  tx.reply(200);
  assert.deepEqual(transport.sent[0]!.dest, { transport: 'UDP', address: '198.51.100.7', port: 31000 });
  assert.equal((transport.sent[0]!.msg as SipResponse).headers.get('Via'), tx.request.headers.get('Via'));
});

test('a server transport error terminates the transaction and tells the TU (§17.2.4)', async () => {
  const { clock, transport, tu, layer } = setup();
  transport.deliver(requestText('INVITE'), UDP_PEER);
  transport.failNext = 1;
  tu.requests[0]!.reply(486);
  await flush();
  assert.equal(tu.requests[0]!.state, 'Terminated');
  assert.deepEqual(tu.serverErrors, [tu.requests[0]]);
  assertEmpty(layer, clock);
});

test('memory: a mix of transactions leaves empty maps and no timers once everything ends', () => {
  const { clock, transport, tu, layer } = setup();
  tu.onRequestHook = (tx) => {
    if (tx.method === 'INVITE') tx.reply(Number(tx.request.cseq.seq) % 2 ? 200 : 486);
    else tx.reply(200);
  };
  for (let i = 0; i < 200; i++) {
    transport.deliver(requestText(i % 3 ? 'INVITE' : 'OPTIONS', { branch: `z9hG4bKm${i}`, cseq: i }), UDP_PEER);
  }
  assert.equal(layer.size.servers, 200);
  clock.runAll();
  assertEmpty(layer, clock);
  // requests were answered once each; Timer G retransmissions of the 486s came on top
  assert.equal(tu.requests.length, 200);
  const req = tu.requests[0]!.request as SipRequest;
  assert.equal(req.method, 'OPTIONS');
});
