/**
 * SIP over WebSocket (RFC 7118) with the `ws` client against a TransportLayer + TransactionLayer, and
 * the TLS transports (TLS, WSS) with a throw-away certificate.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { createRequest, newCallId, newTag } from '../message/build.ts';
import { parseNameAddr } from '../message/headers-parse.ts';
import { parseMessage } from '../message/parser.ts';
import type { Endpoint, SipRequest, SipResponse } from '../message/types.ts';
import { parseUri } from '../message/uri.ts';
import { TransactionLayer } from '../transaction/layer.ts';
import type { ServerTransaction } from '../transaction/server.ts';
import { TransportLayer } from './layer.ts';
import { selfSignedCert } from './test-cert.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A ws client that queues incoming SIP messages. */
function client(url: string, protocols: string[], opts: WebSocket.ClientOptions = {}) {
  const ws = new WebSocket(url, protocols, opts);
  const queue: Array<{ data: Buffer; binary: boolean }> = [];
  let waiter: ((m: { data: Buffer; binary: boolean }) => void) | null = null;
  ws.on('message', (data: WebSocket.RawData, binary: boolean) => {
    const m = { data: Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer), binary };
    if (waiter) {
      const w = waiter;
      waiter = null;
      w(m);
    } else queue.push(m);
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return {
    ws,
    opened,
    next: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise<{ data: Buffer; binary: boolean }>((r) => (waiter = r))),
  };
}

const OPTIONS = (branch: string, transport = 'WS') => [
  'OPTIONS sip:tandem.example.com SIP/2.0',
  `Via: SIP/2.0/${transport} df7jal23ls0d.invalid;branch=${branch};rport`,
  'Max-Forwards: 70',
  'From: <sip:alice@example.com>;tag=ws1',
  'To: <sip:tandem.example.com>',
  'Call-ID: ws-call-1',
  'CSeq: 1 OPTIONS',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

test('WebSocket (RFC 7118): "sip" subprotocol required; one message per frame; answers on the connection', async () => {
  const transport = new TransportLayer({ ws: { host: '127.0.0.1', port: 0 } });
  await transport.start();
  const requests: ServerTransaction[] = [];
  const layer = new TransactionLayer({ transport, tu: { onRequest: (tx) => (requests.push(tx), void tx.reply(200)), onAck() {} } });
  const url = `ws://127.0.0.1:${transport.address('WS')!.port}`;
  try {
    // a handshake without the sip subprotocol is refused
    await assert.rejects(client(url, ['chat']).opened, /HTTP 400/);

    const c = client(url, ['sip']);
    await c.opened;
    assert.equal(c.ws.protocol, 'sip');
    c.ws.send(OPTIONS('z9hG4bKws1'));
    const m = await c.next();
    assert.equal(m.binary, false, 'sent as a text frame');
    const res = parseMessage(m.data) as SipResponse;
    assert.equal(res.status, 200);
    assert.match(res.headers.get('Via')!, /^SIP\/2\.0\/WS df7jal23ls0d\.invalid;branch=z9hG4bKws1;rport=\d+;received=127\.0\.0\.1$/);
    const source = requests[0]!.source;
    assert.equal(source.transport, 'WS');
    assert.match(source.connectionId!, /^ws-\d+$/);

    // a binary frame is accepted as well
    c.ws.send(Buffer.from(OPTIONS('z9hG4bKws2')), { binary: true });
    assert.equal((parseMessage((await c.next()).data) as SipResponse).via[0]!.branch, 'z9hG4bKws2');

    // double-CRLF keep-alive → CRLF
    c.ws.send('\r\n\r\n');
    assert.equal((await c.next()).data.toString(), '\r\n');

    // the server reaches the client over its connection (a request from Tandem's side)
    const got = deferred<SipResponse>();
    const req = createRequest({
      method: 'OPTIONS', uri: parseUri('sip:alice@df7jal23ls0d.invalid;transport=ws'),
      from: parseNameAddr(`<sip:tandem.example.com>;tag=${newTag()}`), to: parseNameAddr('<sip:alice@example.com>'),
      callId: newCallId(), cseq: 1,
    });
    layer.request(req, source, { onResponse: (r) => got.resolve(r) });
    const inbound = parseMessage((await c.next()).data) as SipRequest;
    assert.equal(inbound.method, 'OPTIONS');
    assert.equal(inbound.via[0]!.transport, 'WS');
    assert.equal(inbound.via[0]!.host, '127.0.0.1');
    const answer = [
      'SIP/2.0 200 OK', ...inbound.headers.getAll('Via').map((v) => `Via: ${v}`), `From: ${inbound.headers.get('From')}`,
      `To: ${inbound.headers.get('To')};tag=c1`, `Call-ID: ${inbound.callId}`, 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', '',
    ].join('\r\n');
    c.ws.send(answer);
    assert.equal((await got.promise).status, 200);

    // closing the connection is reported; sending to it afterwards fails
    const closed = deferred<Endpoint>();
    transport.onConnectionClosed = (ep) => closed.resolve(ep);
    c.ws.close();
    assert.equal((await closed.promise).connectionId, source.connectionId);
    await assert.rejects(transport.send(Buffer.from('x'), source), /no WS connection/);
    assert.equal(transport.connectionCount('WS'), 0);
  } finally {
    layer.stop();
    await transport.stop();
  }
});

const cert = selfSignedCert();

test('TLS and WSS transports with a configured certificate', { skip: cert === null ? 'openssl not available' : false }, async () => {
  const creds = cert!;
  const server = new TransportLayer({ tls: { host: '127.0.0.1', port: 0, ...creds }, wss: { host: '127.0.0.1', port: 0, ...creds } });
  const clientSide = new TransportLayer({ tls: { host: '127.0.0.1', port: 0, ...creds }, tlsClient: { ca: creds.cert } });
  await server.start();
  await clientSide.start();
  const srv = new TransactionLayer({ transport: server, tu: { onRequest: (tx) => void tx.reply(200), onAck() {} } });
  const cli = new TransactionLayer({ transport: clientSide, tu: { onRequest: (tx) => void tx.reply(501), onAck() {} } });
  try {
    // SIP over TLS: the client layer opens a verified connection (certificate for 127.0.0.1)
    const dest: Endpoint = { transport: 'TLS', address: '127.0.0.1', port: server.address('TLS')!.port };
    const got = deferred<SipResponse>();
    cli.request(createRequest({
      method: 'OPTIONS', uri: parseUri(`sips:tandem@127.0.0.1:${dest.port}`), from: parseNameAddr(`<sips:a@example.com>;tag=${newTag()}`),
      to: parseNameAddr('<sips:tandem@example.com>'), callId: newCallId(), cseq: 1,
    }), dest, { onResponse: (r) => got.resolve(r) });
    const res = await got.promise;
    assert.equal(res.status, 200);
    assert.equal(res.via[0]!.transport, 'TLS');
    assert.equal(server.connectionCount('TLS'), 1);

    // WSS
    const c = client(`wss://127.0.0.1:${server.address('WSS')!.port}`, ['sip'], { ca: creds.cert });
    await c.opened;
    c.ws.send(OPTIONS('z9hG4bKwss1', 'WSS'));
    const r = parseMessage((await c.next()).data) as SipResponse;
    assert.equal(r.status, 200);
    assert.equal(r.via[0]!.transport, 'WSS');
    c.ws.close();
  } finally {
    srv.stop();
    cli.stop();
    await clientSide.stop();
    await server.stop();
  }
});
