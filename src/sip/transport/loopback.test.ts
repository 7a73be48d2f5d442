/**
 * Client transactions ↔ server transactions over real UDP and TCP sockets on 127.0.0.1 through two
 * TransportLayers, plus the stateless paths of the transport layer (parse errors, keep-alive, framing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { createRequest, newCallId, newTag } from '../message/build.ts';
import { parseNameAddr } from '../message/headers-parse.ts';
import { parseMessage } from '../message/parser.ts';
import type { Endpoint, SipRequest, SipResponse } from '../message/types.ts';
import { parseUri } from '../message/uri.ts';
import { TransactionLayer } from '../transaction/layer.ts';
import type { ServerTransaction } from '../transaction/server.ts';
import type { TransactionUser } from '../transaction/types.ts';
import { TransportLayer } from './layer.ts';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A server TU: OPTIONS → 200; INVITE → 180 then 200 (with the To tag of the transaction). */
class ServerTU implements TransactionUser {
  readonly requests: ServerTransaction[] = [];
  readonly ack = deferred<SipRequest>();
  onRequest(tx: ServerTransaction): void {
    this.requests.push(tx);
    if (tx.method === 'INVITE') {
      tx.reply(180);
      tx.reply(200, undefined, { headers: [['Contact', '<sip:srv@127.0.0.1>']] });
    } else tx.reply(200, undefined, { headers: [['Allow', 'INVITE, ACK, CANCEL, BYE, OPTIONS']] });
  }
  onAck(ack: SipRequest): void {
    this.ack.resolve(ack);
  }
}

const clientTU: TransactionUser = { onRequest: (tx) => void tx.reply(501), onAck() {} };

async function pair() {
  const serverTransport = new TransportLayer({ udp: { host: '127.0.0.1', port: 0 }, tcp: { host: '127.0.0.1', port: 0 } });
  const clientTransport = new TransportLayer({ udp: { host: '127.0.0.1', port: 0 }, tcp: { host: '127.0.0.1', port: 0 } });
  await serverTransport.start();
  await clientTransport.start();
  const tu = new ServerTU();
  const server = new TransactionLayer({ transport: serverTransport, tu });
  const client = new TransactionLayer({ transport: clientTransport, tu: clientTU });
  const stop = async () => {
    server.stop();
    client.stop();
    await clientTransport.stop();
    await serverTransport.stop();
  };
  return { serverTransport, clientTransport, server, client, tu, stop };
}

function request(method: string, target: Endpoint): SipRequest {
  const t = target.transport === 'UDP' ? '' : `;transport=${target.transport.toLowerCase()}`;
  return createRequest({
    method,
    uri: parseUri(`sip:bob@${target.address}:${target.port}${t}`),
    from: parseNameAddr(`<sip:alice@example.com>;tag=${newTag()}`),
    to: parseNameAddr('<sip:bob@example.com>'),
    callId: newCallId(),
    cseq: 1,
    contact: parseNameAddr('<sip:alice@127.0.0.1>'),
  });
}

for (const transport of ['UDP', 'TCP'] as const) {
  test(`OPTIONS round trip over ${transport}`, async () => {
    const p = await pair();
    try {
      const dest: Endpoint = { transport, address: '127.0.0.1', port: p.serverTransport.address(transport)!.port };
      const done = deferred<SipResponse>();
      const tx = p.client.request(request('OPTIONS', dest), dest, { onResponse: (r) => done.resolve(r) });
      const res = await done.promise;
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('Allow'), 'INVITE, ACK, CANCEL, BYE, OPTIONS');
      assert.equal(res.via[0]!.branch, tx.branch);
      // the server saw our Via with rport filled in with the source port (RFC 3581 §4) and received added
      const seen = p.tu.requests[0]!.request.via[0]!;
      assert.equal(seen.params.get('received'), '127.0.0.1');
      if (transport === 'UDP') assert.equal(seen.params.get('rport'), String(p.clientTransport.address('UDP')!.port));
      else assert.match(seen.params.get('rport')!, /^\d+$/);
      assert.equal(p.server.size.servers, transport === 'TCP' ? 0 : 1, 'Timer J is zero on TCP');
      assert.equal(p.client.size.clients, transport === 'TCP' ? 0 : 1, 'Timer K is zero on TCP');
    } finally {
      await p.stop();
    }
  });

  test(`INVITE / 180 / 200 / ACK over ${transport}`, async () => {
    const p = await pair();
    try {
      const dest: Endpoint = { transport, address: '127.0.0.1', port: p.serverTransport.address(transport)!.port };
      const statuses: number[] = [];
      const ok = deferred<SipResponse>();
      const invite = request('INVITE', dest);
      p.client.request(invite, dest, {
        onResponse: (r) => {
          statuses.push(r.status);
          if (r.status === 200) ok.resolve(r);
        },
      });
      const res = await ok.promise;
      assert.deepEqual(statuses, [180, 200]);
      assert.equal(res.to.params.get('tag'), p.tu.requests[0]!.toTag);
      // the core sends the ACK for a 2xx itself, in a new transaction (§13.2.2.4, §17.1.1.3)
      const ack = createRequest({ method: 'ACK', uri: parseUri('sip:srv@127.0.0.1'), from: invite.from, to: res.to, callId: invite.callId, cseq: 1 });
      await p.client.sendStateless(ack, dest);
      const got = await p.tu.ack.promise;
      assert.equal(got.method, 'ACK');
      assert.equal(got.callId, invite.callId);
      assert.equal(got.to.params.get('tag'), res.to.params.get('tag'));
      assert.notEqual(got.via[0]!.branch, invite.via[0]!.branch);
      assert.match(got.via[0]!.branch!, /^z9hG4bK/);
      if (transport === 'TCP') {
        // one connection was enough: the responses and the ACK reused the client's connection
        assert.equal(p.serverTransport.connectionCount('TCP'), 1);
        assert.equal(p.clientTransport.connectionCount('TCP'), 1);
      }
    } finally {
      await p.stop();
    }
  });
}

/** A raw UDP socket talking to a TransportLayer, collecting what comes back. */
async function rawUdp(host = '127.0.0.1') {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, host, () => r()));
  const queue: Buffer[] = [];
  let waiter: ((b: Buffer) => void) | null = null;
  sock.on('message', (m) => {
    if (waiter) {
      const w = waiter;
      waiter = null;
      w(m);
    } else queue.push(m);
  });
  return {
    port: sock.address().port,
    send: (text: string, port: number) => new Promise<void>((r) => sock.send(Buffer.from(text), port, '127.0.0.1', () => r())),
    next: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise<Buffer>((r) => (waiter = r))),
    close: () => sock.close(),
  };
}

const raw = (first: string, via: string, extra: string[] = []) => [
  first, `Via: ${via}`, 'From: <sip:a@example.com>;tag=1', 'To: <sip:b@example.com>', 'Call-ID: raw-1', 'CSeq: 1 OPTIONS', ...extra, 'Content-Length: 0', '', '',
].join('\r\n');

test('transport layer: unparseable requests get the parser’s status; garbage, bad responses and CRLF are dropped', async () => {
  const layer = new TransportLayer({ udp: { host: '127.0.0.1', port: 0 } });
  await layer.start();
  const received: string[] = [];
  layer.setReceiver((m) => received.push(m.kind === 'request' ? m.method : String(m.status)));
  const c = await rawUdp();
  const port = layer.address('UDP')!.port;
  try {
    // RFC 4475 badvers.dat style: 505, sent to the source port per rport
    await c.send(raw('OPTIONS sip:b@example.com SIP/7.0', 'SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bKv1;rport'), port);
    const r1 = parseMessage(await c.next()) as SipResponse;
    assert.equal(r1.status, 505);
    assert.equal(r1.reason, 'Version Not Supported');
    assert.equal(r1.headers.get('Via'), `SIP/2.0/UDP 192.0.2.99:5060;branch=z9hG4bKv1;rport=${c.port};received=127.0.0.1`);
    assert.match(r1.headers.get('To')!, /^<sip:b@example\.com>;tag=[A-Za-z0-9]+$/);
    assert.equal(r1.callId, 'raw-1');
    assert.match(r1.headers.get('Warning')!, /^399 - "/);
    // dropped: garbage, a bare CRLF keep-alive, an unparseable response, an ACK that does not parse
    await c.send('\x00\x01garbage', port);
    await c.send('\r\n\r\n', port);
    await c.send('SIP/2.0 999 Bad\r\nVia: SIP/2.0/UDP 127.0.0.1\r\n\r\n', port);
    await c.send(raw('ACK sip:b@example.com SIP/7.0', 'SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKa1'), port);
    // duplicate Max-Forwards → 400 (RFC 4475 multi01-like), which arrives before anything else
    await c.send(raw('OPTIONS sip:b@example.com SIP/2.0', `SIP/2.0/UDP 127.0.0.1:${c.port};branch=z9hG4bKv2`, ['Max-Forwards: 70', 'Max-Forwards: 69']), port);
    const r2 = parseMessage(await c.next()) as SipResponse;
    assert.equal(r2.status, 400);
    assert.equal(r2.via[0]!.branch, 'z9hG4bKv2');
    // and a good request reaches the receiver
    await c.send(raw('OPTIONS sip:b@example.com SIP/2.0', `SIP/2.0/UDP 127.0.0.1:${c.port};branch=z9hG4bKv3`), port);
    while (received.length === 0) await new Promise((r) => setImmediate(r));
    assert.deepEqual(received, ['OPTIONS']);
  } finally {
    c.close();
    await layer.stop();
  }
});

test('TCP: double-CRLF ping gets a CRLF pong (RFC 5626 §3.5.1); an unframeable stream is closed', async () => {
  const layer = new TransportLayer({ tcp: { host: '127.0.0.1', port: 0 } });
  await layer.start();
  const closed = deferred<Endpoint>();
  layer.onConnectionClosed = (ep) => closed.resolve(ep);
  try {
    const port = layer.address('TCP')!.port;
    const sock = net.connect(port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    const pong = new Promise<string>((r) => sock.once('data', (d) => r(d.toString('latin1'))));
    sock.write('\r\n\r\n');
    assert.equal(await pong, '\r\n');
    const gone = new Promise<void>((r) => sock.once('close', () => r()));
    sock.write('OPTIONS sip:x SIP/2.0\r\nContent-Length: many\r\n\r\n');
    await gone;
    const ep = await closed.promise;
    assert.equal(ep.transport, 'TCP');
    assert.match(ep.connectionId!, /^tcp-\d+$/);
  } finally {
    await layer.stop();
  }
});

test('TCP: a refused connection is a transport error (→ 503 to the TU, §8.1.3.1); idle connections close', async () => {
  const layer = new TransportLayer({ tcp: { host: '127.0.0.1', port: 0 }, idleTimeoutMs: 50 });
  await layer.start();
  const tl = new TransactionLayer({ transport: layer, tu: clientTU });
  try {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const deadPort = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const dest: Endpoint = { transport: 'TCP', address: '127.0.0.1', port: deadPort };
    const got = deferred<SipResponse>();
    tl.request(request('OPTIONS', dest), dest, { onResponse: (r) => got.resolve(r) });
    assert.equal((await got.promise).status, 503);
    assert.deepEqual(tl.size, { clients: 0, servers: 0 });

    // a connection with no traffic is closed by the idle timer
    const closed = deferred<Endpoint>();
    layer.onConnectionClosed = (ep) => ep.port !== deadPort && closed.resolve(ep); // not the refused one
    const sock = net.connect(layer.address('TCP')!.port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('close', () => r()));
    await closed.promise;
    assert.equal(layer.connectionCount('TCP'), 0);
  } finally {
    tl.stop();
    await layer.stop();
  }
});

test('accept filter: messages and connections from a refused address are dropped', async () => {
  // 127.0.0.2 is refused, 127.0.0.1 admitted (both loopback on Linux)
  const layer = new TransportLayer({ udp: { host: '0.0.0.0', port: 0 }, tcp: { host: '0.0.0.0', port: 0 }, accept: (a) => a !== '127.0.0.2' });
  await layer.start();
  const received: string[] = [];
  layer.setReceiver((m) => received.push(m.kind === 'request' ? m.callId : ''));
  const bad = await rawUdp('127.0.0.2');
  const good = await rawUdp('127.0.0.1');
  try {
    const sock = net.connect({ port: layer.address('TCP')!.port, host: '127.0.0.1', localAddress: '127.0.0.2' });
    await new Promise<void>((r) => sock.once('close', () => r()));
    assert.equal(layer.connectionCount('TCP'), 0);
    const msg = (id: string, port: number) => raw('OPTIONS sip:b@example.com SIP/2.0', `SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK${id}`).replace('Call-ID: raw-1', `Call-ID: ${id}`);
    const port = layer.address('UDP')!.port;
    await bad.send(msg('dropped', bad.port), port);
    await bad.send(raw('OPTIONS sip:b@example.com SIP/7.0', `SIP/2.0/UDP 127.0.0.2:${bad.port};branch=z9hG4bKbad`), port);
    await good.send(msg('admitted', good.port), port);
    while (received.length === 0) await new Promise((r) => setImmediate(r));
    // the refused datagrams were sent first; had they been admitted they would have arrived first
    assert.deepEqual(received, ['admitted']);
  } finally {
    bad.close();
    good.close();
    await layer.stop();
  }
});
