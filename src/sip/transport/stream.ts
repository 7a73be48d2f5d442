/**
 * TCP and TLS transports (RFC 3261 §18, §18.3 framing; §26.2 TLS). Connections are reused in both
 * directions: a message goes out on the connection named by `dest.connectionId` or, failing that, on an
 * open connection to the same remote address and port, and only then on a new connection (§18.1.1,
 * §18.2.2). Idle connections are closed; a stream that cannot be framed, or a peer that does not read
 * what it is sent, loses its connection.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { Endpoint } from '../message/types.ts';
import { StreamFramer, type FrameSink } from './framing.ts';
import { normalizeAddress, remoteKey, type TlsCredentials, type Transport, type TransportSink } from './types.ts';

export interface StreamOptions {
  host: string;
  port: number;
  maxMessageBytes: number;
  /** Close a connection after this long without traffic in either direction. */
  idleTimeoutMs: number;
  /** Inbound connections beyond this are refused. */
  maxConnections: number;
  /** A connection whose unsent output exceeds this is closed (the peer does not read). */
  maxWriteBufferBytes: number;
  connectTimeoutMs: number;
  /** TLS server credentials (TLS only). */
  tls?: TlsCredentials;
  /** TLS client side: trust anchors and verification (default: verify against the system CAs). */
  tlsClient?: { ca?: string | Buffer; rejectUnauthorized?: boolean };
}

class Connection implements FrameSink {
  readonly framer: StreamFramer;
  readonly remote: Endpoint;
  readonly key: string;

  constructor(
    readonly id: string,
    readonly socket: net.Socket,
    private readonly owner: StreamTransport,
    protocol: 'TCP' | 'TLS',
    address: string,
    port: number,
    maxMessageBytes: number,
  ) {
    this.framer = new StreamFramer(maxMessageBytes);
    this.remote = { transport: protocol, address, port, connectionId: id };
    this.key = remoteKey(address, port);
  }

  message(buf: Buffer): void {
    this.owner.deliver(buf, this.remote);
  }

  /** RFC 5626 §3.5.1: answer a double-CRLF ping with a single CRLF pong. */
  ping(): void {
    if (!this.socket.destroyed) this.socket.write('\r\n');
  }
}

let nextId = 0;

export class StreamTransport implements Transport {
  readonly reliable = true;
  private server: net.Server | null = null;
  private readonly byId = new Map<string, Connection>();
  private readonly byRemote = new Map<string, Connection>();

  constructor(
    readonly protocol: 'TCP' | 'TLS',
    private readonly opts: StreamOptions,
    private readonly sink: TransportSink,
  ) {
    if (protocol === 'TLS' && !opts.tls) throw new Error('the TLS transport needs a certificate and key');
  }

  /** Open connections (both directions). */
  get connectionCount(): number {
    return this.byId.size;
  }

  listen(): Promise<{ address: string; port: number }> {
    const server = this.protocol === 'TLS'
      ? tls.createServer({ cert: this.opts.tls!.cert, key: this.opts.tls!.key, ...(this.opts.tls!.ca ? { ca: this.opts.tls!.ca } : {}) })
      : net.createServer();
    server.maxConnections = this.opts.maxConnections;
    server.on(this.protocol === 'TLS' ? 'secureConnection' : 'connection', (socket: net.Socket) => {
      const address = normalizeAddress(socket.remoteAddress ?? '');
      if (!this.sink.acceptSafe(address)) {
        socket.destroy();
        return;
      }
      this.adopt(socket, address, socket.remotePort ?? 0);
    });
    // A failed TLS handshake is the peer's problem; log it and carry on.
    server.on('tlsClientError', (err: Error) => this.sink.logger?.debug({ err }, 'TLS handshake failed'));
    server.on('error', (err: Error) => this.sink.logger?.warn({ err }, `${this.protocol} server error`));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        const a = server.address() as net.AddressInfo;
        resolve({ address: a.address, port: a.port });
      });
    });
  }

  /** Registers a connected socket (accepted, or opened by `connect`). */
  private adopt(socket: net.Socket, address: string, port: number): Connection {
    const id = `${this.protocol.toLowerCase()}-${++nextId}`;
    const conn = new Connection(id, socket, this, this.protocol, address, port, this.opts.maxMessageBytes);
    this.byId.set(id, conn);
    if (!this.byRemote.has(conn.key)) this.byRemote.set(conn.key, conn);
    socket.setNoDelay(true);
    socket.setTimeout(this.opts.idleTimeoutMs);
    socket.on('timeout', () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      const err = conn.framer.push(chunk, conn);
      if (err) {
        this.sink.logger?.debug({ connectionId: id, address, port, reason: err }, 'closing a stream that cannot be framed');
        socket.destroy();
      }
    });
    socket.on('error', (err) => this.sink.logger?.debug({ err, connectionId: id }, `${this.protocol} connection error`));
    socket.on('close', () => this.forget(conn));
    return conn;
  }

  private forget(conn: Connection): void {
    if (this.byId.get(conn.id) !== conn) return;
    this.byId.delete(conn.id);
    if (this.byRemote.get(conn.key) === conn) this.byRemote.delete(conn.key);
    this.sink.closed(conn.remote);
  }

  /** Called by a connection for each framed message. */
  deliver(buf: Buffer, source: Endpoint): void {
    this.sink.message(buf, source);
  }

  send(buf: Buffer, dest: Endpoint): Promise<void> {
    let conn = dest.connectionId !== undefined ? this.byId.get(dest.connectionId) : undefined;
    conn ??= this.byRemote.get(remoteKey(dest.address, dest.port));
    if (!conn || conn.socket.destroyed) {
      if (!this.server) return Promise.reject(new Error(`${this.protocol} transport is not listening`));
      conn = this.connect(dest.address, dest.port);
    }
    const socket = conn.socket;
    if (socket.writableLength > this.opts.maxWriteBufferBytes) {
      socket.destroy();
      return Promise.reject(new Error(`${this.protocol} peer ${dest.address}:${dest.port} does not read; connection closed`));
    }
    return new Promise((resolve, reject) => {
      socket.write(buf, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** Opens a connection (§18.1.1); writes made before it is up are queued by the socket. */
  private connect(address: string, port: number): Connection {
    const socket = this.protocol === 'TLS'
      ? tls.connect({
          host: address,
          port,
          // SNI and certificate check against the host name when the destination is one (RFC 5922 §7.2).
          ...(net.isIP(address) ? {} : { servername: address }),
          ...(this.opts.tlsClient?.ca ? { ca: this.opts.tlsClient.ca } : {}),
          rejectUnauthorized: this.opts.tlsClient?.rejectUnauthorized ?? true,
        })
      : net.connect({ host: address, port });
    const conn = this.adopt(socket, address, port);
    socket.setTimeout(this.opts.connectTimeoutMs);
    socket.once(this.protocol === 'TLS' ? 'secureConnect' : 'connect', () => socket.setTimeout(this.opts.idleTimeoutMs));
    return conn;
  }

  close(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const c of [...this.byId.values()]) c.socket.destroy();
    if (!server) return Promise.resolve();
    return new Promise((resolve) => server.close(() => resolve()));
  }
}
