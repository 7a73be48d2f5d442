import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessage } from '../message/parser.ts';
import type { Endpoint, SipRequest, SipResponse } from '../message/types.ts';
import { isForbiddenDestination, responseTarget, stampReceivedVia } from './via.ts';

const req = (via: string[]): SipRequest =>
  parseMessage(Buffer.from([
    'OPTIONS sip:x@192.0.2.10 SIP/2.0',
    ...via.map((v) => 'Via: ' + v),
    'From: <sip:a@b>;tag=1', 'To: <sip:x@y>', 'Call-ID: c', 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', '',
  ].join('\r\n'))) as SipRequest;

const UDP = (address: string, port: number): Endpoint => ({ transport: 'UDP', address, port });

test('§18.2.1: received is added when the sent-by host differs from the source', () => {
  const r = req(['SIP/2.0/UDP pc33.example.com:5060;branch=z9hG4bK1', 'SIP/2.0/UDP other;branch=z9hG4bK0']);
  assert.equal(stampReceivedVia(r, UDP('192.0.2.4', 5060)), true);
  assert.deepEqual(r.headers.getAll('Via'), ['SIP/2.0/UDP pc33.example.com:5060;branch=z9hG4bK1;received=192.0.2.4', 'SIP/2.0/UDP other;branch=z9hG4bK0']);
  assert.equal(r.via[0]!.params.get('received'), '192.0.2.4');
  assert.equal(r.via[1]!.params.has('received'), false);
});

test('§18.2.1: nothing is added when the sent-by host is the source address', () => {
  const r = req(['SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK1']);
  assert.equal(stampReceivedVia(r, UDP('192.0.2.4', 40000)), false);
  assert.equal(r.headers.get('Via'), 'SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK1');
});

test('RFC 3581 §4: an empty rport gets the source port, and received is added even when equal', () => {
  const r = req(['SIP/2.0/UDP 192.0.2.4:5060;rport;branch=z9hG4bK1, SIP/2.0/TCP p.example.com;branch=z9hG4bK0']);
  stampReceivedVia(r, UDP('192.0.2.4', 40000));
  assert.deepEqual(r.headers.getAll('Via'), ['SIP/2.0/UDP 192.0.2.4:5060;rport=40000;branch=z9hG4bK1;received=192.0.2.4, SIP/2.0/TCP p.example.com;branch=z9hG4bK0']);
  assert.equal(r.via[0]!.params.get('rport'), '40000');
  assert.equal(r.via[1]!.host, 'p.example.com');
});

test('IPv6 sent-by compares without brackets', () => {
  const r = req(['SIP/2.0/UDP [2001:db8::9]:5060;branch=z9hG4bK1']);
  assert.equal(stampReceivedVia(r, UDP('2001:db8::9', 5060)), false);
  assert.equal(stampReceivedVia(r, UDP('2001:db8::10', 5060)), true);
  assert.equal(r.via[0]!.params.get('received'), '2001:db8::10');
});

test('§18.2.2 / RFC 3581: UDP responses go to received:rport, else received:sent-by port, else sent-by', () => {
  const via = (s: string) => req([s]).via[0]!;
  const src = UDP('203.0.113.1', 1111);
  assert.deepEqual(responseTarget(via('SIP/2.0/UDP h;received=198.51.100.1;rport=4000;branch=z9hG4bK1'), src), UDP('198.51.100.1', 4000));
  assert.deepEqual(responseTarget(via('SIP/2.0/UDP h:5070;received=198.51.100.1;branch=z9hG4bK1'), src), UDP('198.51.100.1', 5070));
  assert.deepEqual(responseTarget(via('SIP/2.0/UDP 198.51.100.2;branch=z9hG4bK1'), src), UDP('198.51.100.2', 5060));
  assert.deepEqual(responseTarget(via('SIP/2.0/UDP [2001:db8::1]:5062;branch=z9hG4bK1'), src), UDP('2001:db8::1', 5062));
});

test('§18.2.2: reliable transports answer on the connection, falling back to received and the sent-by port', () => {
  const v = req(['SIP/2.0/TCP h:5080;received=198.51.100.1;branch=z9hG4bK1']).via[0]!;
  assert.deepEqual(responseTarget(v, { transport: 'TCP', address: '198.51.100.1', port: 33333, connectionId: 'tcp-9' }), {
    transport: 'TCP', address: '198.51.100.1', port: 5080, connectionId: 'tcp-9',
  });
  const w = req(['SIP/2.0/WSS df7jal23ls0d.invalid;received=198.51.100.1;branch=z9hG4bK1']).via[0]!;
  assert.deepEqual(responseTarget(w, { transport: 'WSS', address: '198.51.100.1', port: 50000, connectionId: 'wss-1' }), {
    transport: 'WSS', address: '198.51.100.1', port: 443, connectionId: 'wss-1',
  });
});

test('RFC 4475 bcast.dat: a broadcast or multicast sent-by is never a destination', () => {
  // the 200 of bcast.dat, seen from a proxy that popped its own Via: the next Via is the broadcast one
  const res = parseMessage(Buffer.from([
    'SIP/2.0 200 OK',
    'Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923',
    'Via: SIP/2.0/UDP 255.255.255.255;branch=z9hG4bK1saber23',
    'Call-ID: bcast.0384840201234ksdfak3j2erwedfsASdf', 'CSeq: 35 INVITE', 'From: sip:user@example.com;tag=11141343',
    'To: sip:user@example.edu;tag=2229', 'Content-Length: 0', '', '',
  ].join('\r\n'))) as SipResponse;
  assert.equal(responseTarget(res.via[1]!, UDP('192.0.2.198', 5060)), null);
  assert.deepEqual(responseTarget(res.via[0]!, UDP('192.0.2.198', 5060)), UDP('192.0.2.198', 5060));
  for (const a of ['255.255.255.255', '224.0.0.1', '239.255.255.250', '0.0.0.0', 'ff02::1', '[ff05::2]', '::']) assert.equal(isForbiddenDestination(a), true, a);
  for (const a of ['192.0.2.1', '223.255.255.255', '240.0.0.1', '2001:db8::1', 'example.com']) assert.equal(isForbiddenDestination(a), false, a);
});
