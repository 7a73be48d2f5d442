/**
 * The transport layer (RFC 3261 §18): owns every listener (UDP, TCP, TLS, WS, WSS), parses what they
 * receive, stamps the top Via of requests (§18.2.1, RFC 3581), answers unparseable requests statelessly
 * with the status the parser chose (RFC 4475 §3.1.2), drops unparseable responses and garbage, answers
 * STUN Binding requests on UDP (RFC 5626 §4.4.1 keep-alives, ./stun.ts), and sends messages on the
 * transport a destination names. Nothing received can make it throw.
 *
 * It implements the TransactionTransport contract of the transaction layer.
 */
import { networkInterfaces } from 'node:os';
import { newTag, reasonPhrase } from '../message/build.ts';
import { HeaderList } from '../message/headers.ts';
import { DEFAULT_LIMITS, parseMessage } from '../message/parser.ts';
import { serializeMessage } from '../message/serialize.ts';
import {
  SipParseError, type Endpoint, type ParseLimits, type SipMessage, type SipRequest, type SipResponse, type SipUri, type Via,
} from '../message/types.ts';
import type { TransactionTransport } from '../transaction/types.ts';
import { StreamTransport } from './stream.ts';
import { looksLikeStun, stunAnswer } from './stun.ts';
import { resolveTarget, systemResolver, type Resolver } from './target.ts';
import type { ListenOptions, SipLogger, TlsCredentials, Transport, TransportProtocol, TransportSink } from './types.ts';
import { UdpTransport } from './udp.ts';
import { responseTarget, stampReceivedVia } from './via.ts';
import { WsTransport } from './ws.ts';

export interface TransportLayerOptions {
  udp?: ListenOptions;
  tcp?: ListenOptions;
  tls?: ListenOptions & TlsCredentials;
  ws?: ListenOptions;
  wss?: ListenOptions & TlsCredentials;
  parseLimits?: Partial<ParseLimits>;
  /** Connection-oriented transports: close after this long idle. Default 15 minutes. */
  idleTimeoutMs?: number;
  /** Per connection-oriented transport. Default 10,000. */
  maxConnections?: number;
  /** UDP SO_RCVBUF / SO_SNDBUF. Default 4 MiB. */
  udpBufferBytes?: number;
  /** TLS client side (outbound TLS connections). */
  tlsClient?: { ca?: string | Buffer; rejectUnauthorized?: boolean };
  /** DNS for resolveTarget. */
  resolver?: Resolver;
  /**
   * Admission by source address (e.g. not banned): consulted for every received message before it is
   * parsed and for every new inbound TCP/TLS/WS connection; false drops it silently.
   */
  accept?: (address: string) => boolean;
  logger?: SipLogger;
}

const DEFAULT_PORTS: Record<TransportProtocol, number> = { UDP: 5060, TCP: 5060, TLS: 5061, WS: 8080, WSS: 8443 };

/** A non-internal IPv4 address of this host, for a sent-by when bound to 0.0.0.0. */
function firstLocalIPv4(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

function onlyCrlf(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) if (buf[i] !== 0x0d && buf[i] !== 0x0a) return false;
  return true;
}

export class TransportLayer implements TransportSink, TransactionTransport {
  readonly logger: SipLogger | null;
  private readonly transports = new Map<TransportProtocol, Transport>();
  private readonly listen = new Map<TransportProtocol, ListenOptions>();
  private readonly bound = new Map<TransportProtocol, { address: string; port: number }>();
  private readonly limits: ParseLimits;
  private readonly resolver: Resolver;
  private receiver: ((msg: SipMessage, source: Endpoint) => void) | null = null;
  readonly accept: ((address: string) => boolean) | null;
  /** Called when a TCP/TLS/WS connection closes (e.g. to drop RFC 5626 flows bound to it). */
  onConnectionClosed: ((remote: Endpoint) => void) | null = null;

  constructor(opts: TransportLayerOptions) {
    this.logger = opts.logger ?? null;
    this.limits = { ...DEFAULT_LIMITS, ...opts.parseLimits };
    this.resolver = opts.resolver ?? systemResolver;
    this.accept = opts.accept ?? null;
    const idleTimeoutMs = opts.idleTimeoutMs ?? 15 * 60_000;
    const maxConnections = opts.maxConnections ?? 10_000;
    const max = this.limits.maxMessageBytes;
    const host = (l: ListenOptions) => l.host ?? '0.0.0.0';
    const port = (l: ListenOptions, t: TransportProtocol) => l.port ?? DEFAULT_PORTS[t];
    if (opts.udp) {
      this.listen.set('UDP', opts.udp);
      this.transports.set('UDP', new UdpTransport({ host: host(opts.udp), port: port(opts.udp, 'UDP'), bufferBytes: opts.udpBufferBytes ?? 4 << 20 }, this));
    }
    const stream = { maxMessageBytes: max, idleTimeoutMs, maxConnections, maxWriteBufferBytes: 4 << 20, connectTimeoutMs: 10_000, ...(opts.tlsClient ? { tlsClient: opts.tlsClient } : {}) };
    if (opts.tcp) {
      this.listen.set('TCP', opts.tcp);
      this.transports.set('TCP', new StreamTransport('TCP', { ...stream, host: host(opts.tcp), port: port(opts.tcp, 'TCP') }, this));
    }
    if (opts.tls) {
      this.listen.set('TLS', opts.tls);
      this.transports.set('TLS', new StreamTransport('TLS', { ...stream, host: host(opts.tls), port: port(opts.tls, 'TLS'), tls: opts.tls }, this));
    }
    const ws = { maxMessageBytes: max, idleTimeoutMs, maxConnections };
    if (opts.ws) {
      this.listen.set('WS', opts.ws);
      this.transports.set('WS', new WsTransport('WS', { ...ws, host: host(opts.ws), port: port(opts.ws, 'WS') }, this));
    }
    if (opts.wss) {
      this.listen.set('WSS', opts.wss);
      this.transports.set('WSS', new WsTransport('WSS', { ...ws, host: host(opts.wss), port: port(opts.wss, 'WSS'), tls: opts.wss }, this));
    }
  }

  /** Binds every configured transport. */
  async start(): Promise<void> {
    try {
      for (const [p, t] of this.transports) this.bound.set(p, await t.listen());
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.transports.values()].map((t) => t.close()));
    this.bound.clear();
  }

  /** The bound address of a transport (after start). */
  address(protocol: TransportProtocol): { address: string; port: number } | undefined {
    return this.bound.get(protocol);
  }

  /** Open connections of a connection-oriented transport (0 for UDP or an absent transport). */
  connectionCount(protocol: TransportProtocol): number {
    const t = this.transports.get(protocol);
    return t instanceof StreamTransport || t instanceof WsTransport ? t.connectionCount : 0;
  }

  supports(protocol: TransportProtocol): boolean {
    return this.transports.has(protocol);
  }

  /** Via sent-by / Contact host and port for a transport (§18.1.1). */
  sentBy(protocol: TransportProtocol): { host: string; port: number } {
    const l = this.listen.get(protocol);
    const b = this.bound.get(protocol);
    if (!l || !b) throw new Error(`transport ${protocol} is not running`);
    let host = l.advertisedHost ?? b.address;
    if (host === '0.0.0.0') host = firstLocalIPv4();
    else if (host === '::') host = '::1';
    if (host.includes(':') && !host.startsWith('[')) host = `[${host}]`;
    return { host, port: l.advertisedPort ?? b.port };
  }

  setReceiver(receiver: (msg: SipMessage, source: Endpoint) => void): void {
    this.receiver = receiver;
  }

  responseTarget(topVia: Via, source: Endpoint): Endpoint | null {
    return responseTarget(topVia, source);
  }

  /** The destination of a request to `uri` (§18.1.1; see ./target.ts). */
  resolveTarget(uri: SipUri): Promise<Endpoint> {
    return resolveTarget(uri, this.resolver);
  }

  send(buf: Buffer, dest: Endpoint): Promise<void> {
    const t = this.transports.get(dest.transport);
    if (!t) return Promise.reject(new Error(`no ${dest.transport} transport configured`));
    return t.send(buf, dest);
  }

  /** Serializes and sends (stateless use: ACK for 2xx, responses outside transactions). */
  sendMessage(msg: SipMessage, dest: Endpoint): Promise<void> {
    let buf: Buffer;
    try {
      buf = serializeMessage(msg);
    } catch (err) {
      return Promise.reject(err);
    }
    return this.send(buf, dest);
  }

  // ---- TransportSink: what the transports hand up

  closed(remote: Endpoint): void {
    try {
      this.onConnectionClosed?.(remote);
    } catch (err) {
      this.logger?.warn({ err }, 'connection-closed listener threw');
    }
  }

  /** Whether `accept` admits the address (a throwing filter admits: never lose traffic to a bug). */
  acceptSafe(address: string): boolean {
    try {
      return this.accept ? this.accept(address) : true;
    } catch (err) {
      this.logger?.warn({ err }, 'accept filter threw');
      return true;
    }
  }

  /** One framed message from a transport. Never throws. */
  message(buf: Buffer, source: Endpoint): void {
    if (this.accept && !this.acceptSafe(source.address)) return;
    // A bare CRLF keep-alive (RFC 5626 §3.5.1, answered on streams in ./stream.ts and ./ws.ts) gets no
    // answer on UDP, where the RFC 5626 §4.4.1 keep-alive is STUN (below).
    if (onlyCrlf(buf)) return;
    // RFC 5626 §4.4.1 / §8.4: a STUN Binding request on the SIP UDP port is answered from the same socket
    // with the request's source in XOR-MAPPED-ADDRESS (./stun.ts); any other STUN datagram is dropped.
    if (source.transport === 'UDP' && looksLikeStun(buf)) {
      this.answerStun(buf, source);
      return;
    }
    let msg: SipMessage;
    try {
      msg = parseMessage(buf, this.limits);
    } catch (err) {
      this.rejectUnparseable(err, source);
      return;
    }
    if (msg.kind === 'request') stampReceivedVia(msg, source);
    try {
      this.receiver?.(msg, source);
    } catch (err) {
      this.logger?.warn({ err, callId: msg.callId }, 'SIP message handler threw');
    }
  }

  private answerStun(buf: Buffer, source: Endpoint): void {
    let res: Buffer | null;
    try {
      res = stunAnswer(buf, source);
    } catch (err) {
      this.logger?.warn({ err, source }, 'STUN handling failed unexpectedly');
      return;
    }
    if (!res) {
      this.logger?.debug({ source }, 'dropped a STUN message (not a well-formed Binding request)');
      return;
    }
    this.send(res, source).catch((err: unknown) => this.logger?.debug({ err, source }, 'could not send a STUN response'));
  }

  /**
   * An unparseable message: a request whose Via could be read is answered statelessly with the status
   * the parser chose (400, 413, 416, 505; RFC 3261 §8.2, RFC 4475 §3.1.2); a response, or anything
   * without a usable Via, is dropped.
   */
  private rejectUnparseable(err: unknown, source: Endpoint): void {
    if (!(err instanceof SipParseError)) {
      this.logger?.warn({ err, source }, 'SIP parser failed unexpectedly');
      return;
    }
    const partial = err.partial;
    if (!partial || partial.kind !== 'request' || !partial.headers || !partial.via?.length || partial.method === 'ACK') {
      this.logger?.debug({ source, reason: err.message }, 'dropped an unparseable SIP message');
      return;
    }
    try {
      const req = partialRequest(partial);
      stampReceivedVia(req, source);
      const dest = responseTarget(req.via[0]!, source);
      if (!dest) return;
      const res = statelessErrorResponse(req, partial, err);
      this.sendMessage(res, dest).catch((e: unknown) => this.logger?.debug({ err: e, source }, 'could not send a stateless error response'));
    } catch (e) {
      this.logger?.debug({ err: e, source }, 'could not answer an unparseable request');
    }
  }
}

/**
 * The response to an unparseable request (§8.2.6.2 as far as the request allows): its Via lines, and its
 * From, To (tagged), Call-ID and CSeq lines when present; a Warning (§20.43) says what was wrong.
 */
function statelessErrorResponse(req: SipRequest, partial: Partial<SipRequest>, err: SipParseError): SipResponse {
  const h = new HeaderList();
  for (const v of req.headers.getAll('Via')) h.append('Via', v);
  const from = req.headers.get('From');
  if (from !== undefined) h.append('From', from);
  const to = req.headers.get('To');
  if (to !== undefined) h.append('To', partial.to && !partial.to.params.get('tag') ? `${to};tag=${newTag()}` : to);
  const callId = req.headers.get('Call-ID');
  if (callId !== undefined) h.append('Call-ID', callId);
  const cseq = req.headers.get('CSeq');
  if (cseq !== undefined) h.append('CSeq', cseq);
  h.append('Warning', `399 - "${err.message.replace(/[\x00-\x1f\x7f"\\]/g, ' ').slice(0, 120)}"`);
  h.append('Content-Length', '0');
  return {
    kind: 'response', status: err.status, reason: reasonPhrase(err.status), headers: h, body: Buffer.alloc(0),
    via: req.via, from: req.from, to: req.to, callId: req.callId, cseq: req.cseq,
  };
}

/** A request object from a parser partial, with placeholders where fields did not parse. */
function partialRequest(p: Partial<SipRequest>): SipRequest {
  const headers = p.headers ?? new HeaderList();
  const blank = { displayName: null, uri: { scheme: 'sip', value: '' }, params: new Map<string, string | null>() };
  return {
    kind: 'request',
    method: p.method ?? '',
    uri: p.uri ?? { scheme: 'sip', value: '' },
    rawUri: p.rawUri ?? '',
    maxForwards: p.maxForwards ?? null,
    headers,
    body: Buffer.alloc(0),
    via: p.via ?? [],
    from: p.from ?? blank,
    to: p.to ?? blank,
    callId: p.callId ?? (headers.get('Call-ID') ?? ''),
    cseq: p.cseq ?? { seq: 0, method: p.method ?? '' },
  };
}
