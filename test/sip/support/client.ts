/**
 * A scripted SIP peer for the tests that need a transport SIPp lacks (SIPp 3.6 here is built without
 * TLS and has no WebSocket) or exact control of single bytes (keep-alives, RFC 4475 messages): a real
 * socket on 127.0.0.1 — UDP, TCP, TLS, WS or WSS (RFC 7118, subprotocol "sip") — that sends message
 * text as written and collects what arrives, framed and split into start line, headers and body.
 *
 * It deliberately does not use Tandem's own parser or digest code: what the tests assert about the
 * server's answers is read by this independent, minimal reader (RFC 3261 §7, §18.3 framing, compact
 * header names of §7.3.3), and the digest response is computed here from RFC 2617/3261 §22.4.
 *
 *   const c = await openClient('TLS', { host: '127.0.0.1', port: s.tlsPort }, { ca: cert });
 *   c.send(request);                    // text with CRLF line ends
 *   const res = await c.next((m) => m.status === 200, 5000);
 *   await c.close();
 */
import { createHash, randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import WebSocket from 'ws';

export type ClientTransport = 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS';

/** A received SIP message as the test reads it. */
export interface SipMsg {
  /** The message as received (latin1), start line to body. */
  raw: string;
  firstLine: string;
  /** Status code of a response, else null. */
  status: number | null;
  /** Method of a request, else null. */
  method: string | null;
  /** Request-URI of a request, else null. */
  ruri: string | null;
  /** Header fields in order, names as written. */
  headers: [string, string][];
  body: Buffer;
  /** The first value of a header (long or compact name, case-insensitive), or undefined. */
  header(name: string): string | undefined;
  /** Every line of a header, in order. */
  all(name: string): string[];
}

const COMPACT: Record<string, string> = {
  v: 'via', f: 'from', t: 'to', i: 'call-id', m: 'contact', l: 'content-length', c: 'content-type',
  k: 'supported', s: 'subject', e: 'content-encoding', o: 'event', u: 'allow-events', r: 'refer-to',
};
const canonical = (name: string): string => {
  const n = name.trim().toLowerCase();
  return COMPACT[n] ?? n;
};

/** Reads one complete message (headers up to the empty line, then `body`). */
export function readSip(head: string, body: Buffer): SipMsg {
  const lines = head.split('\r\n');
  const firstLine = lines[0] ?? '';
  const headers: [string, string][] = [];
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    if ((line.startsWith(' ') || line.startsWith('\t')) && headers.length > 0) {
      headers[headers.length - 1]![1] += ` ${line.trim()}`; // folded (§7.3.1)
      continue;
    }
    const i = line.indexOf(':');
    if (i > 0) headers.push([line.slice(0, i).trim(), line.slice(i + 1).trim()]);
  }
  const st = /^SIP\/2\.0 (\d{3})/.exec(firstLine);
  const rq = /^([^ ]+) ([^ ]+) SIP\/2\.0$/.exec(firstLine);
  const all = (name: string): string[] => headers.filter(([n]) => canonical(n) === canonical(name)).map(([, v]) => v);
  return {
    raw: `${head}\r\n\r\n${body.toString('latin1')}`, firstLine, headers, body,
    status: st ? Number(st[1]) : null, method: st ? null : (rq?.[1] ?? null), ruri: st ? null : (rq?.[2] ?? null),
    header: (name) => all(name)[0], all,
  };
}

/** One datagram (or WebSocket message) as a message: Content-Length, when present, bounds the body. */
export function readDatagram(buf: Buffer): SipMsg | null {
  const text = buf.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const msg = readSip(text.slice(0, end), Buffer.alloc(0));
  const cl = msg.header('Content-Length');
  const rest = buf.subarray(end + 4);
  return readSip(text.slice(0, end), cl === undefined ? rest : rest.subarray(0, Number(cl)));
}

/** The value of a header parameter (`;name=value`) in a header value, or undefined. */
export function param(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  const m = new RegExp(`;\\s*${name}\\s*(?:=\\s*("[^"]*"|[^;,\\s>]*))?`, 'i').exec(value.replace(/<[^>]*>/g, ''));
  if (!m) return undefined;
  return (m[1] ?? '').replace(/^"|"$/g, '');
}

export interface SipClient {
  readonly transport: ClientTransport;
  /** The local address and port of the socket (the client's source as the server sees it). */
  readonly local: { address: string; port: number };
  /** Messages received so far, in order. */
  readonly received: SipMsg[];
  /** RFC 5626 §3.5.1 pongs (a CRLF between messages) received on a stream or WebSocket. */
  readonly pongs: number;
  /** Every datagram / WebSocket message / stream chunk received, raw. */
  readonly chunks: Buffer[];
  /** TLS and WSS: the SHA-256 fingerprint of the certificate the server presented (verified); else null. */
  readonly peerFingerprint256: string | null;
  /** Sends one message (or keep-alive bytes) as is: a datagram, stream bytes, or one WebSocket text message. */
  send(data: string | Buffer): void;
  /** UDP only: sends to another destination than the server. */
  sendTo?(data: string | Buffer, port: number, host?: string): void;
  /**
   * The first received message, not returned by an earlier `next`, that matches; waits up to
   * `timeoutMs` and rejects then with what arrived.
   */
  next(match: (m: SipMsg) => boolean, timeoutMs?: number): Promise<SipMsg>;
  /** Resolves once `pongs` reaches `count`, rejects after `timeoutMs`. */
  waitForPongs(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

class Collector {
  readonly received: SipMsg[] = [];
  readonly chunks: Buffer[] = [];
  pongs = 0;
  private readonly taken = new Set<SipMsg>();
  private waiters: (() => void)[] = [];

  push(m: SipMsg): void {
    this.received.push(m);
    this.wake();
  }
  pong(): void {
    this.pongs++;
    this.wake();
  }
  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  async until<T>(find: () => T | undefined, timeoutMs: number, what: () => string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = find();
      if (hit !== undefined) return hit;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${what()} within ${timeoutMs} ms; received:\n${this.received.map((m) => m.firstLine).join('\n') || '(nothing)'}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  next(match: (m: SipMsg) => boolean, timeoutMs: number): Promise<SipMsg> {
    return this.until(() => {
      const m = this.received.find((x) => !this.taken.has(x) && match(x));
      if (m) this.taken.add(m);
      return m;
    }, timeoutMs, () => 'no matching SIP message');
  }
}

/** Frames a byte stream (RFC 3261 §18.3) and counts CRLF pongs between messages (RFC 5626 §3.5.1). */
class StreamReader {
  private buf = Buffer.alloc(0);
  constructor(private readonly out: Collector) {}
  push(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    for (;;) {
      if (this.buf.length >= 2 && this.buf[0] === 0x0d && this.buf[1] === 0x0a) {
        this.buf = this.buf.subarray(2);
        this.out.pong();
        continue;
      }
      const text = this.buf.toString('latin1');
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = text.slice(0, end);
      const cl = Number(readSip(head, Buffer.alloc(0)).header('Content-Length') ?? '0');
      if (this.buf.length < end + 4 + cl) return;
      this.out.push(readSip(head, this.buf.subarray(end + 4, end + 4 + cl)));
      this.buf = this.buf.subarray(end + 4 + cl);
    }
  }
}

export interface ClientOptions {
  /** Trust anchor for TLS / WSS (the test's self-signed certificate); the server certificate is verified. */
  ca?: string | Buffer;
  /** TLS server name to verify (default: the host, an IP checked against the certificate's IP SAN). */
  servername?: string;
  /** UDP: the local port to bind (default: any free one). */
  localPort?: number;
  /** Local address (default 127.0.0.1). */
  localAddress?: string;
}

/** Opens a client socket to a server's SIP port over `transport`. */
export async function openClient(transport: ClientTransport, server: { host: string; port: number }, opts: ClientOptions = {}): Promise<SipClient> {
  const c = new Collector();
  const localAddress = opts.localAddress ?? '127.0.0.1';
  // `pongs` is read live (a getter; spreading `base` would copy its value once, so each client below
  // defines it again through `live`).
  const live = (o: Omit<SipClient, 'pongs'>): SipClient => Object.defineProperty(o, 'pongs', { get: () => c.pongs, enumerable: true }) as SipClient;
  const base = {
    transport, received: c.received, chunks: c.chunks,
    next: (match: (m: SipMsg) => boolean, timeoutMs = 5000) => c.next(match, timeoutMs),
    waitForPongs: (count: number, timeoutMs = 5000) => c.until(() => (c.pongs >= count ? true : undefined), timeoutMs, () => `${c.pongs} of ${count} pongs`).then(() => undefined),
  };
  if (transport === 'UDP') {
    const sock = dgram.createSocket('udp4');
    sock.on('message', (buf) => {
      c.chunks.push(buf);
      const m = readDatagram(buf);
      if (m) c.push(m);
    });
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(opts.localPort ?? 0, localAddress, () => resolve());
    });
    const a = sock.address();
    return live({
      ...base, local: { address: a.address, port: a.port }, peerFingerprint256: null,
      send: (data) => sock.send(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, server.port, server.host),
      sendTo: (data, port, host = server.host) => sock.send(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, port, host),
      close: () => new Promise<void>((resolve) => sock.close(() => resolve())),
    });
  }
  if (transport === 'TCP' || transport === 'TLS') {
    const reader = new StreamReader(c);
    const socket: net.Socket = transport === 'TLS'
      ? tls.connect({ host: server.host, port: server.port, ...(opts.ca ? { ca: opts.ca } : {}), ...(opts.servername ? { servername: opts.servername } : {}), rejectUnauthorized: true })
      : net.connect({ host: server.host, port: server.port, localAddress });
    socket.on('data', (chunk: Buffer) => {
      c.chunks.push(chunk);
      reader.push(chunk);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.once(transport === 'TLS' ? 'secureConnect' : 'connect', () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', () => undefined); // a reset after the test's end is not the test's concern
    return live({
      ...base, local: { address: socket.localAddress ?? localAddress, port: socket.localPort ?? 0 },
      peerFingerprint256: socket instanceof tls.TLSSocket ? socket.getPeerCertificate().fingerprint256 : null,
      send: (data) => void socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data),
      close: () => new Promise<void>((resolve) => {
        if (socket.destroyed) return resolve();
        socket.once('close', () => resolve());
        socket.end();
        setTimeout(() => socket.destroy(), 1000).unref();
      }),
    });
  }
  // RFC 7118 §4.1: the WebSocket handshake offers the "sip" subprotocol.
  const scheme = transport === 'WSS' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${server.host}:${server.port}/`, 'sip', {
    localAddress, ...(opts.ca ? { ca: opts.ca } : {}), ...(opts.servername ? { servername: opts.servername } : {}), rejectUnauthorized: true, perMessageDeflate: false,
  });
  ws.on('message', (data: WebSocket.RawData) => {
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    c.chunks.push(buf);
    if (buf.toString('latin1') === '\r\n') return c.pong();
    const m = readDatagram(buf);
    if (m) c.push(m);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => {
      ws.off('error', reject);
      resolve();
    });
  });
  ws.on('error', () => undefined);
  if (ws.protocol !== 'sip') throw new Error(`the server chose subprotocol "${ws.protocol}", not "sip"`);
  const raw = (ws as unknown as { _socket: net.Socket })._socket; // ws keeps the underlying socket here; only its local port is read
  return live({
    ...base, local: { address: raw.localAddress ?? localAddress, port: raw.localPort ?? 0 },
    peerFingerprint256: raw instanceof tls.TLSSocket ? raw.getPeerCertificate().fingerprint256 : null,
    send: (data) => ws.send(typeof data === 'string' ? data : data.toString('latin1')),
    close: () => new Promise<void>((resolve) => {
      if (ws.readyState === WebSocket.CLOSED) return resolve();
      ws.once('close', () => resolve());
      ws.close();
      setTimeout(() => ws.terminate(), 1000).unref();
    }),
  });
}

/** Lines joined with CRLF, ending with the empty line and the body; Content-Length is computed. */
export function sipText(lines: string[], body = ''): string {
  return [...lines, `Content-Length: ${Buffer.byteLength(body, 'latin1')}`, '', body].join('\r\n');
}

export const rand = (): string => randomBytes(6).toString('hex');

/**
 * The Authorization header answering a Digest challenge (RFC 3261 §22.4 with RFC 2617 qop=auth,
 * MD5): response = MD5(HA1:nonce:nc:cnonce:qop:HA2), HA1 = MD5(user:realm:password), HA2 =
 * MD5(method:uri). Only MD5 is done here; the challenge must offer it.
 */
export function digestAuthorization(challenges: string[], req: { method: string; uri: string; username: string; password: string }): string {
  const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');
  const ch = challenges.find((c) => /algorithm=MD5\b/i.test(c)) ?? challenges.find((c) => !/algorithm=/i.test(c));
  if (!ch) throw new Error(`no MD5 challenge among ${JSON.stringify(challenges)}`);
  const get = (k: string): string | undefined => new RegExp(`${k}="([^"]*)"`, 'i').exec(ch)?.[1];
  const realm = get('realm') ?? '';
  const nonce = get('nonce') ?? '';
  const cnonce = rand();
  const nc = '00000001';
  const ha1 = md5(`${req.username}:${realm}:${req.password}`);
  const ha2 = md5(`${req.method}:${req.uri}`);
  const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  return `Digest username="${req.username}", realm="${realm}", nonce="${nonce}", uri="${req.uri}", response="${response}", algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}"`;
}
