import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createAckForNon2xx, createCancel, createRequest, createResponse, firstListValue, isRfc3261Branch, newBranch,
  newCallId, newTag,
} from './build.ts';
import { parseMessage } from './parser.ts';
import { serializeMessage } from './serialize.ts';
import type { SipRequest, SipResponse } from './types.ts';
import { parseUri } from './uri.ts';
import { parseNameAddr } from './headers-parse.ts';

const CRLF = '\r\n';
const msg = (lines: string[], body = ''): Buffer => Buffer.from(lines.join(CRLF) + CRLF + CRLF + body);

const INVITE = msg([
  'INVITE sip:bob@example.com SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc1;rport, SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKold',
  'Via: SIP/2.0/TCP 192.0.2.8;branch=z9hG4bKolder',
  'Max-Forwards: 69',
  'Route: <sip:proxy1.example.com;lr>',
  'Route: <sip:proxy2.example.com;lr>',
  'From: "Alice" <sip:alice@example.com>;tag=a1',
  'To: <sip:bob@example.com>',
  'Call-ID: call-1@192.0.2.1',
  'CSeq: 314 INVITE',
  'Timestamp: 54',
  'Contact: <sip:alice@192.0.2.1>',
  'Content-Type: application/sdp',
  'Content-Length: 3',
], 'v=0');

const parseReq = (b: Buffer) => parseMessage(b) as SipRequest;
const parseRes = (b: Buffer) => parseMessage(b) as SipResponse;

test('identifiers: branch has the magic cookie and is unique; tag and Call-ID are tokens', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const b = newBranch();
    assert.match(b, /^z9hG4bK[A-Za-z0-9]{22}$/);
    assert.ok(isRfc3261Branch(b));
    seen.add(b);
  }
  assert.equal(seen.size, 2000);
  assert.match(newTag(), /^[A-Za-z0-9]{12}$/);
  assert.match(newCallId(), /^[A-Za-z0-9]{24}$/);
  assert.notEqual(newTag(), newTag());
  assert.equal(isRfc3261Branch('z9hG4bK'), false); // RFC 4475 badbranch.dat: cookie alone
  assert.equal(isRfc3261Branch('1234'), false);
  assert.equal(isRfc3261Branch(null), false);
});

test('firstListValue splits on the first comma outside quotes and <>', () => {
  assert.equal(firstListValue('SIP/2.0/UDP a;branch=x , SIP/2.0/UDP b'), 'SIP/2.0/UDP a;branch=x');
  assert.equal(firstListValue('"a, b" <sip:x@y>, <sip:z>'), '"a, b" <sip:x@y>');
  assert.equal(firstListValue('<sip:a,b@y>;x=1'), '<sip:a,b@y>;x=1');
  assert.equal(firstListValue('single'), 'single');
});

test('createResponse copies Via lines, From, To (+tag), Call-ID, CSeq (RFC 3261 §8.2.6.2)', () => {
  const req = parseReq(INVITE);
  const res = createResponse(req, 486, undefined, { toTag: 'b7', headers: [['Retry-After', '30']] });
  assert.equal(res.reason, 'Busy Here');
  const wire = parseRes(serializeMessage(res));
  assert.equal(wire.status, 486);
  assert.deepEqual(wire.headers.getAll('Via'), req.headers.getAll('Via'));
  assert.equal(wire.via.length, 3);
  assert.equal(wire.headers.get('From'), '"Alice" <sip:alice@example.com>;tag=a1');
  assert.equal(wire.headers.get('To'), '<sip:bob@example.com>;tag=b7');
  assert.equal(wire.to.params.get('tag'), 'b7');
  assert.equal(res.to.params.get('tag'), 'b7');
  assert.equal(req.to.params.has('tag'), false, 'the request is not modified');
  assert.equal(wire.callId, 'call-1@192.0.2.1');
  assert.deepEqual(wire.cseq, { seq: 314, method: 'INVITE' });
  assert.equal(wire.headers.get('Retry-After'), '30');
  assert.equal(wire.headers.get('Content-Length'), '0');
  assert.equal(wire.headers.has('Timestamp'), false);
  assert.equal(wire.headers.has('Contact'), false);
  assert.equal(wire.headers.has('Route'), false);
  // parsed fields agree with the headers
  assert.deepEqual(res.via, wire.via);
  assert.deepEqual(res.from, wire.from);
  assert.deepEqual(res.to, wire.to);
});

test('createResponse: 100 has no To tag and copies Timestamp (§8.2.6.1); generated tags differ; existing tag kept', () => {
  const req = parseReq(INVITE);
  const trying = parseRes(serializeMessage(createResponse(req, 100)));
  assert.equal(trying.reason, 'Trying');
  assert.equal(trying.headers.get('To'), '<sip:bob@example.com>');
  assert.equal(trying.headers.get('Timestamp'), '54');
  const r1 = createResponse(req, 180);
  const r2 = createResponse(req, 180);
  assert.ok(r1.to.params.get('tag'));
  assert.notEqual(r1.to.params.get('tag'), r2.to.params.get('tag'));
  assert.equal(createResponse(req, 408, undefined, { toTag: null }).headers.get('To'), '<sip:bob@example.com>');

  const inDialog = parseReq(Buffer.from(INVITE.toString().replace('To: <sip:bob@example.com>', 'To: <sip:bob@example.com>;tag=xyz')));
  const res = createResponse(inDialog, 200, 'OK', { toTag: 'other', body: 'v=0\r\n', contentType: 'application/sdp' });
  const wire = parseRes(serializeMessage(res));
  assert.equal(wire.headers.get('To'), '<sip:bob@example.com>;tag=xyz');
  assert.equal(wire.headers.get('Content-Type'), 'application/sdp');
  assert.equal(wire.headers.get('Content-Length'), '5');
  assert.equal(wire.body.toString(), 'v=0\r\n');
});

test('createAckForNon2xx: top Via only, To of the response, CSeq ACK, Route of the INVITE (§17.1.1.3)', () => {
  const req = parseReq(INVITE);
  const res = createResponse(req, 404, undefined, { toTag: 'tt' });
  const ack = createAckForNon2xx(req, res);
  const wire = parseReq(serializeMessage(ack));
  assert.equal(wire.method, 'ACK');
  assert.equal(wire.rawUri, 'sip:bob@example.com');
  assert.deepEqual(wire.headers.getAll('Via'), ['SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc1;rport']);
  assert.equal(wire.via[0]!.branch, 'z9hG4bKabc1');
  assert.equal(wire.headers.get('To'), '<sip:bob@example.com>;tag=tt');
  assert.equal(wire.headers.get('From'), '"Alice" <sip:alice@example.com>;tag=a1');
  assert.equal(wire.callId, 'call-1@192.0.2.1');
  assert.deepEqual(wire.cseq, { seq: 314, method: 'ACK' });
  assert.deepEqual(wire.headers.getAll('Route'), ['<sip:proxy1.example.com;lr>', '<sip:proxy2.example.com;lr>']);
  assert.equal(wire.headers.has('Contact'), false);
  assert.equal(wire.body.length, 0);
  assert.deepEqual(ack.via, wire.via);
  assert.deepEqual(ack.to, wire.to);
  assert.deepEqual(ack.cseq, wire.cseq);
});

test('createCancel: same URI, Call-ID, From, To, CSeq number; method CANCEL; top Via; Route (§9.1)', () => {
  const req = parseReq(INVITE);
  const cancel = createCancel(req, [['Reason', 'SIP;cause=200;text="Call completed elsewhere"']]);
  const wire = parseReq(serializeMessage(cancel));
  assert.equal(wire.method, 'CANCEL');
  assert.equal(wire.rawUri, 'sip:bob@example.com');
  assert.deepEqual(wire.headers.getAll('Via'), ['SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc1;rport']);
  assert.equal(wire.headers.get('To'), '<sip:bob@example.com>');
  assert.equal(wire.headers.get('From'), '"Alice" <sip:alice@example.com>;tag=a1');
  assert.deepEqual(wire.cseq, { seq: 314, method: 'CANCEL' });
  assert.equal(wire.maxForwards, 70);
  assert.deepEqual(wire.headers.getAll('Route'), ['<sip:proxy1.example.com;lr>', '<sip:proxy2.example.com;lr>']);
  assert.equal(wire.headers.get('Reason'), 'SIP;cause=200;text="Call completed elsewhere"');
  assert.deepEqual(cancel.via, wire.via);
});

test('createRequest builds a request whose fields agree with its headers (§8.1.1)', () => {
  const req = createRequest({
    method: 'OPTIONS',
    uri: parseUri('sip:carol@example.org;transport=tcp'),
    from: parseNameAddr('"Tandem" <sip:tandem@example.net>;tag=f1'),
    to: parseNameAddr('<sip:carol@example.org>'),
    callId: 'cid-9',
    cseq: 7,
    via: [{ protocol: 'SIP/2.0', transport: 'TCP', host: '192.0.2.5', port: 5070, params: new Map([['branch', 'z9hG4bKq1'], ['rport', null]]), branch: 'z9hG4bKq1' }],
    contact: parseNameAddr('<sip:tandem@192.0.2.5:5070;transport=tcp>'),
    headers: [['Accept', 'application/sdp']],
    body: 'hello',
    contentType: 'text/plain',
  });
  const wire = parseReq(serializeMessage(req));
  assert.equal(wire.method, 'OPTIONS');
  assert.equal(wire.rawUri, 'sip:carol@example.org;transport=tcp');
  assert.equal(req.rawUri, wire.rawUri);
  assert.equal(wire.headers.get('Via'), 'SIP/2.0/TCP 192.0.2.5:5070;branch=z9hG4bKq1;rport');
  assert.equal(wire.maxForwards, 70);
  assert.deepEqual(wire.cseq, { seq: 7, method: 'OPTIONS' });
  assert.equal(wire.headers.get('Contact'), '<sip:tandem@192.0.2.5:5070;transport=tcp>');
  assert.equal(wire.headers.get('Accept'), 'application/sdp');
  assert.equal(wire.headers.get('Content-Type'), 'text/plain');
  assert.equal(wire.body.toString(), 'hello');
  assert.deepEqual(req.via, wire.via);
  assert.deepEqual(req.from, wire.from);
  assert.deepEqual(req.to, wire.to);
  assert.equal(req.callId, wire.callId);
  assert.deepEqual(req.cseq, wire.cseq);

  const noVia = createRequest({ method: 'BYE', uri: parseUri('sip:x@192.0.2.7'), from: req.from, to: req.to, callId: 'c', cseq: 2, maxForwards: 10 });
  assert.equal(noVia.headers.has('Via'), false);
  assert.deepEqual(noVia.via, []);
  assert.equal(noVia.headers.get('Max-Forwards'), '10');
  assert.equal(noVia.headers.get('Content-Length'), '0');
});
