/**
 * SIP over WebSocket, RFC 7118: the "sip" subprotocol (§4.1; a handshake not offering it is refused),
 * one SIP message per WebSocket message (§5.1, text or binary frames accepted; Tandem sends text), on an
 * HTTP(S) server of its own port. WSS when a certificate is configured (§4.2). A SIP WebSocket server
 * never connects out (§5: clients are behind NAT and reached over their connection), so `send` needs an
 * open connection. Double-CRLF keep-alives sent as WebSocket messages are answered with a CRLF, as on
 * TCP (RFC 5626 §3.5.1; several browser SIP stacks send them).
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Endpoint } from '../message/types.ts';
import { normalizeAddress, remoteKey, type TlsCredentials, type Transport, type TransportSink } from './types.ts';

export interface WsOptions {
  host: string;
  port: number;
  maxMessageBytes: number;
  idleTimeoutMs: number;
  maxConnections: number;
  /** WSS when set. */
  tls?: TlsCredentials;
}

interface WsConnection {
  id: string;
  ws: WebSocket;
  remote: Endpoint;
  key: string;
}

let nextId = 0;

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

export class WsTransport implements Transport {
  readonly reliable = true;
  private server: http.Server | https.Server | null = null;
  private wss: WebSocketServer | null = null;
  private readonly byId = new Map<string, WsConnection>();
  private readonly byRemote = new Map<string, WsConnection>();

  constructor(
    readonly protocol: 'WS' | 'WSS',
    private readonly opts: WsOptions,
    private readonly sink: TransportSink,
  ) {
    if (protocol === 'WSS' && !opts.tls) throw new Error('the WSS transport needs a certificate and key');
  }

  get connectionCount(): number {
    return this.byId.size;
  }

  listen(): Promise<{ address: string; port: number }> {
    const server = this.opts.tls
      ? https.createServer({ cert: this.opts.tls.cert, key: this.opts.tls.key, ...(this.opts.tls.ca ? { ca: this.opts.tls.ca } : {}) })
      : http.createServer();
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.opts.maxMessageBytes,
      perMessageDeflate: false,
      handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
    });
    server.maxConnections = this.opts.maxConnections;
    server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
      res.writeHead(426, { Upgrade: 'websocket', 'Content-Type': 'text/plain' }).end('SIP over WebSocket only (RFC 7118)\n');
    });
    server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      if (!this.sink.acceptSafe(normalizeAddress(req.socket.remoteAddress ?? ''))) {
        socket.destroy();
        return;
      }
      if (!offered.includes('sip') || this.byId.size >= this.opts.maxConnections) {
        // RFC 7118 §4.1: the "sip" subprotocol is required.
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req));
    });
    server.on('clientError', (_err: Error, socket: Duplex) => socket.destroy());
    this.server = server;
    this.wss = wss;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        server.on('error', (err: Error) => this.sink.logger?.warn({ err }, `${this.protocol} server error`));
        const a = server.address() as import('node:net').AddressInfo;
        resolve({ address: a.address, port: a.port });
      });
    });
  }

  private accept(ws: WebSocket, req: http.IncomingMessage): void {
    const socket = req.socket;
    const address = normalizeAddress(socket.remoteAddress ?? '');
    const port = socket.remotePort ?? 0;
    const id = `${this.protocol.toLowerCase()}-${++nextId}`;
    const conn: WsConnection = { id, ws, remote: { transport: this.protocol, address, port, connectionId: id }, key: remoteKey(address, port) };
    this.byId.set(id, conn);
    this.byRemote.set(conn.key, conn);
    socket.setTimeout(this.opts.idleTimeoutMs);
    socket.on('timeout', () => ws.terminate());
    ws.on('message', (data: RawData) => {
      const buf = toBuffer(data);
      if (buf.length === 4 && buf.toString('latin1') === '\r\n\r\n') {
        ws.send('\r\n');
        return;
      }
      this.sink.message(buf, conn.remote);
    });
    ws.on('error', (err) => this.sink.logger?.debug({ err, connectionId: id }, `${this.protocol} connection error`));
    ws.on('close', () => {
      this.byId.delete(id);
      if (this.byRemote.get(conn.key) === conn) this.byRemote.delete(conn.key);
      this.sink.closed(conn.remote);
    });
  }

  send(buf: Buffer, dest: Endpoint): Promise<void> {
    let conn = dest.connectionId !== undefined ? this.byId.get(dest.connectionId) : undefined;
    conn ??= this.byRemote.get(remoteKey(dest.address, dest.port));
    if (!conn) return Promise.reject(new Error(`no ${this.protocol} connection to ${dest.address}:${dest.port} (RFC 7118 §5: a server does not connect out)`));
    const ws = conn.ws;
    return new Promise((resolve, reject) => {
      ws.send(buf, { binary: false }, (err) => (err ? reject(err) : resolve()));
    });
  }

  close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const c of [...this.byId.values()]) c.ws.terminate();
    this.wss?.close();
    this.wss = null;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections?.();
    });
  }
}
