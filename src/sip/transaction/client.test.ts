import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequest } from '../message/build.ts';
import { parseNameAddr } from '../message/headers-parse.ts';
import type { Endpoint, SipRequest, SipResponse } from '../message/types.ts';
import { parseUri } from '../message/uri.ts';
import type { ClientTransaction, InviteClientTransaction } from './client.ts';
import { FakeClock } from './fake-clock.ts';
import { TransactionLayer } from './layer.ts';
import { FakeTransport, RecordingHandler, RecordingTU, responseText, TCP_PEER, UDP_PEER } from './test-helpers.ts';
import type { TimerConfig } from './timers.ts';

function setup(timers?: Partial<TimerConfig>) {
  const clock = new FakeClock();
  const transport = new FakeTransport(clock);
  const tu = new RecordingTU();
  const layer = new TransactionLayer({ transport, tu, clock, ...(timers ? { timers } : {}) });
  const handler = new RecordingHandler();
  return { clock, transport, tu, layer, handler };
}

function request(method: string, body = ''): SipRequest {
  return createRequest({
    method,
    uri: parseUri('sip:bob@192.0.2.20:5062'),
    from: parseNameAddr('<sip:alice@example.com>;tag=fa'),
    to: parseNameAddr('<sip:bob@example.com>'),
    callId: 'client-test-1',
    cseq: 1,
    body,
    contentType: 'application/sdp',
  });
}

const flush = () => new Promise<void>((r) => setImmediate(r));

function deliver(transport: FakeTransport, tx: ClientTransaction, status: number, from: Endpoint = UDP_PEER, toTag = 'tb'): void {
  transport.deliver(responseText(tx.request, status, toTag), from);
}

function assertEmpty(layer: TransactionLayer, clock: FakeClock): void {
  assert.deepEqual(layer.size, { clients: 0, servers: 0 });
  assert.equal(clock.pending(), 0, 'no timer left');
}

test('the layer adds the top Via: sent-by of the transport, new branch, rport (§8.1.1.7, RFC 3581)', () => {
  const { layer, transport, handler } = setup();
  const tx = layer.request(request('OPTIONS'), UDP_PEER, handler);
  const sent = transport.sent[0]!.msg as SipRequest;
  assert.match(sent.headers.get('Via')!, /^SIP\/2\.0\/UDP 192\.0\.2\.10:5060;branch=z9hG4bK[A-Za-z0-9]{22};rport$/);
  assert.equal(sent.via[0]!.branch, tx.branch);
  assert.equal(tx.request.via[0]!.branch, tx.branch);
  assert.deepEqual(transport.sent[0]!.dest, UDP_PEER);
  assert.throws(() => layer.request(request('ACK'), UDP_PEER, handler), /ACK/);
});

test('§18.1.1: a UDP request over 1300 bytes goes over TCP when the layer wrote the Via', () => {
  const { layer, transport, handler } = setup();
  const tx = layer.request(request('INVITE', 'v=0\r\n' + 'a=x\r\n'.repeat(300)), UDP_PEER, handler);
  assert.equal(tx.dest.transport, 'TCP');
  assert.equal(tx.reliable, true);
  const sent = transport.sent[0]!;
  assert.equal(sent.dest.transport, 'TCP');
  assert.match((sent.msg as SipRequest).headers.get('Via')!, /^SIP\/2\.0\/TCP 192\.0\.2\.10:5070;branch=/);
  assert.equal((sent.msg as SipRequest).via[0]!.branch, tx.branch);
});

test('INVITE client over UDP: Timer A doubles without cap, Timer B → 408 to the TU (§17.1.1.2)', () => {
  const { clock, transport, layer, handler } = setup();
  const tx = layer.request(request('INVITE'), UDP_PEER, handler);
  assert.equal(tx.state, 'Calling');
  clock.advance(31_999);
  assert.deepEqual(transport.summary(), ['INVITE@0', 'INVITE@500', 'INVITE@1500', 'INVITE@3500', 'INVITE@7500', 'INVITE@15500', 'INVITE@31500']);
  assert.deepEqual(handler.responses, []);
  clock.advance(1);
  assert.deepEqual(handler.events, ['terminated', '408']);
  assert.equal(tx.state, 'Terminated');
  assertEmpty(layer, clock);
});

test('INVITE client over TCP: no retransmission, Timer B still applies', () => {
  const { clock, transport, layer, handler } = setup();
  let timedOut: ClientTransaction | null = null;
  const tx = layer.request(request('INVITE'), TCP_PEER, { ...handler, onResponse: (r: SipResponse) => handler.responses.push(r.status), onTimeout: (t) => (timedOut = t) });
  clock.advance(32_000);
  assert.deepEqual(transport.summary(), ['INVITE@0']);
  assert.equal(timedOut, tx, 'onTimeout is called instead of a 408 when present');
  assert.deepEqual(handler.responses, []);
  assertEmpty(layer, clock);
});

test('custom T1: Timer A and B scale with it', () => {
  const { clock, transport, layer, handler } = setup({ T1: 100 });
  layer.request(request('INVITE'), UDP_PEER, handler);
  clock.advance(6_400);
  assert.deepEqual(transport.summary(), ['INVITE@0', 'INVITE@100', 'INVITE@300', 'INVITE@700', 'INVITE@1500', 'INVITE@3100', 'INVITE@6300']);
  assert.deepEqual(handler.responses, [408]);
});

test('INVITE client: 180 stops retransmissions; 486 → ACK (same branch, To tag of the response), Completed, Timer D (§17.1.1.2/3)', () => {
  const { clock, transport, layer, handler } = setup();
  const tx = layer.request(request('INVITE'), UDP_PEER, handler);
  clock.advance(100);
  deliver(transport, tx, 180);
  assert.equal(tx.state, 'Proceeding');
  clock.advance(60_000); // no Timer A, no Timer B in Proceeding
  assert.deepEqual(transport.summary(), ['INVITE@0']);
  deliver(transport, tx, 486);
  assert.equal(tx.state, 'Completed');
  assert.deepEqual(handler.responses, [180, 486]);
  const ack = transport.sent[1]!.msg as SipRequest;
  assert.equal(ack.method, 'ACK');
  assert.equal(ack.via.length, 1);
  assert.equal(ack.via[0]!.branch, tx.branch);
  assert.equal(ack.to.params.get('tag'), 'tb');
  assert.deepEqual(ack.cseq, { seq: 1, method: 'ACK' });
  assert.deepEqual(transport.sent[1]!.dest, UDP_PEER);
  // a retransmitted 486 gets the ACK again and is not passed up
  clock.advance(1_000);
  deliver(transport, tx, 486);
  assert.deepEqual(transport.summary(), ['INVITE@0', 'ACK@60100', 'ACK@61100']);
  assert.deepEqual(handler.responses, [180, 486]);
  clock.advance(31_999 - 1_000);
  assert.equal(tx.state, 'Completed');
  clock.advance(1);
  assert.equal(tx.state, 'Terminated'); // Timer D = 32 s after the 486
  assertEmpty(layer, clock);
});

test('INVITE client over TCP: a final non-2xx is ACKed and the transaction ends at once (Timer D = 0)', () => {
  const { clock, transport, layer, handler } = setup();
  const tx = layer.request(request('INVITE'), TCP_PEER, handler);
  deliver(transport, tx, 603, TCP_PEER);
  assert.deepEqual(transport.summary(), ['INVITE@0', 'ACK@0']);
  assert.deepEqual(handler.events, ['603', 'terminated']);
  assertEmpty(layer, clock);
});

test('INVITE client, RFC 6026 Accepted: 2xx and its retransmissions go to the TU; Timer M ends it', () => {
  const { clock, transport, tu, layer, handler } = setup();
  const tx = layer.request(request('INVITE'), UDP_PEER, handler);
  deliver(transport, tx, 200);
  assert.equal(tx.state, 'Accepted');
  clock.advance(600);
  assert.deepEqual(transport.summary(), ['INVITE@0'], 'no Timer A in Accepted, no ACK from the transaction');
  deliver(transport, tx, 200);
  deliver(transport, tx, 200, UDP_PEER, 'fork2'); // a 2xx from another fork
  deliver(transport, tx, 486); // not passed
  assert.deepEqual(handler.responses, [200, 200, 200]);
  clock.advance(64 * 500 - 600 - 1);
  assert.equal(tx.state, 'Accepted');
  clock.advance(1);
  assert.equal(tx.state, 'Terminated');
  assertEmpty(layer, clock);
  deliver(transport, tx, 200); // after Timer M: a stray response for the core
  assert.equal(tu.stray.length, 1);
  assert.equal(tu.stray[0]!.status, 200);
});

test('CANCEL after 1xx (§9.1): pending in Calling, sent on the 180 with the INVITE branch; 487 is ACKed', () => {
  const { clock, transport, layer, handler } = setup();
  const tx = layer.request(request('INVITE'), UDP_PEER, handler) as InviteClientTransaction;
  assert.equal(tx.cancel([['Reason', 'SIP;cause=487']]), true);
  assert.deepEqual(transport.summary(), ['INVITE@0'], 'no CANCEL before a provisional response');
  clock.advance(200);
  deliver(transport, tx, 180);
  assert.deepEqual(transport.summary(), ['INVITE@0', 'CANCEL@200']);
  const cancel = transport.sent[1]!.msg as SipRequest;
  assert.equal(cancel.via[0]!.branch, tx.branch);
  assert.deepEqual(cancel.cseq, { seq: 1, method: 'CANCEL' });
  assert.equal(cancel.headers.get('Reason'), 'SIP;cause=487');
  assert.equal(tx.isCancelled, true);
  assert.deepEqual(layer.size, { clients: 2, servers: 0 });
  // the CANCEL is retransmitted like any non-INVITE request until answered
  clock.advance(500);
  assert.deepEqual(transport.summary(), ['INVITE@0', 'CANCEL@200', 'CANCEL@700']);
  transport.deliver(responseText(cancel, 200), UDP_PEER);
  deliver(transport, tx, 487);
  assert.deepEqual(handler.responses, [180, 487], 'the 200 to CANCEL is not the INVITE’s');
  assert.equal(transport.sent.at(-1)!.msg.kind === 'request' && (transport.sent.at(-1)!.msg as SipRequest).method, 'ACK');
  clock.runAll();
  assertEmpty(layer, clock);
});

test('CANCEL in Proceeding is sent at once; without a final response the INVITE times out 64·T1 later (§9.1)', () => {
  const { clock, transport, layer, handler } = setup();
  const tx = layer.request(request('INVITE'), TCP_PEER, handler) as InviteClientTransaction;
  deliver(transport, tx, 183, TCP_PEER);
  clock.advance(10_000);
  tx.cancel();
  assert.deepEqual(transport.summary(), ['INVITE@0', 'CANCEL@10000']);
  transport.deliver(responseText(transport.sent[1]!.msg as SipRequest, 200), TCP_PEER);
  clock.advance(31_999);
  assert.equal(tx.state, 'Proceeding');
  clock.advance(1);
  assert.deepEqual(handler.responses, [183, 408]);
  assertEmpty(layer, clock);
});

test('cancel() after a final response does nothing', () => {
  const { transport, layer, handler } = setup();
  const tx = layer.request(request('INVITE'), TCP_PEER, handler) as InviteClientTransaction;
  deliver(transport, tx, 200, TCP_PEER);
  assert.equal(tx.cancel(), false);
  assert.deepEqual(transport.summary(), ['INVITE@0']);
});

test('non-INVITE client over UDP: Timer E doubles up to T2, Timer F → 408 (§17.1.2.2)', () => {
  const { clock, transport, layer, handler } = setup();
  const tx = layer.request(request('OPTIONS'), UDP_PEER, handler);
  assert.equal(tx.state, 'Trying');
  clock.advance(31_999);
  assert.deepEqual(transport.summary().map((s) => Number(s.split('@')[1])), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  clock.advance(1);
  assert.deepEqual(handler.events, ['terminated', '408']);
  assertEmpty(layer, clock);
});

test('non-INVITE client: in Proceeding Timer E is reset to T2 (§17.1.2.2)', () => {
  const { clock, transport, layer, handler } = setup();
  const tx = layer.request(request('REGISTER'), UDP_PEER, handler);
  clock.advance(600); // retransmitted at 500, next E due at 1500
  deliver(transport, tx, 100);
  assert.equal(tx.state, 'Proceeding');
  clock.advance(10_000 - 600);
  assert.deepEqual(transport.summary().map((s) => Number(s.split('@')[1])), [0, 500, 1500, 5500, 9500]);
  deliver(transport, tx, 200);
  assert.equal(tx.state, 'Completed');
  assert.deepEqual(handler.responses, [100, 200]);
  deliver(transport, tx, 200); // absorbed in Completed
  assert.deepEqual(handler.responses, [100, 200]);
  clock.advance(4_999);
  assert.equal(tx.state, 'Completed');
  clock.advance(1); // Timer K = T4
  assert.equal(tx.state, 'Terminated');
  assert.equal(transport.sent.length, 5, 'nothing sent after the final response');
  assertEmpty(layer, clock);
});

test('non-INVITE client over TCP: no Timer E, Timer K = 0', () => {
  const { clock, transport, layer, handler } = setup();
  const tx = layer.request(request('BYE'), TCP_PEER, handler);
  clock.advance(20_000);
  assert.deepEqual(transport.summary(), ['BYE@0']);
  deliver(transport, tx, 200, TCP_PEER);
  assert.deepEqual(handler.events, ['200', 'terminated']);
  assertEmpty(layer, clock);
});

test('a transport error terminates the client transaction and reaches the TU as 503 (§17.1.4, §8.1.3.1)', async () => {
  const { clock, transport, layer, handler } = setup();
  transport.failNext = 1;
  const tx = layer.request(request('INVITE'), UDP_PEER, handler);
  await flush();
  assert.equal(tx.state, 'Terminated');
  assert.deepEqual(handler.events, ['terminated', '503']);
  assertEmpty(layer, clock);
  let err: Error | null = null;
  transport.failNext = 1;
  layer.request(request('OPTIONS'), UDP_PEER, { onResponse() {}, onTransportError: (_t, e) => (err = e) });
  await flush();
  assert.match(String(err), /network unreachable/);
  assertEmpty(layer, clock);
});

test('stop() clears every transaction and timer', () => {
  const { clock, layer, handler } = setup();
  layer.request(request('INVITE'), UDP_PEER, handler);
  layer.request(request('OPTIONS'), UDP_PEER, handler);
  layer.stop();
  assertEmpty(layer, clock);
  assert.deepEqual(handler.responses, []);
});
