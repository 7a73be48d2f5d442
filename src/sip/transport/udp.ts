/**
 * UDP transport (RFC 3261 §18): one datagram is one message. Socket buffers are enlarged (default 4 MiB)
 * so bursts at load are queued by the kernel rather than dropped; the kernel may cap the value
 * (net.core.rmem_max / wmem_max).
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import { isIP } from 'node:net';
import type { Endpoint } from '../message/types.ts';
import { normalizeAddress, type Transport, type TransportSink } from './types.ts';

export interface UdpOptions {
  host: string;
  port: number;
  /** SO_RCVBUF and SO_SNDBUF in bytes. */
  bufferBytes: number;
}

export class UdpTransport implements Transport {
  readonly protocol = 'UDP' as const;
  readonly reliable = false;
  private socket: dgram.Socket | null = null;

  constructor(private readonly opts: UdpOptions, private readonly sink: TransportSink) {}

  listen(): Promise<{ address: string; port: number }> {
    const type = isIP(this.opts.host) === 6 ? 'udp6' : 'udp4';
    const socket = dgram.createSocket({ type, recvBufferSize: this.opts.bufferBytes, sendBufferSize: this.opts.bufferBytes, lookup: literalLookup });
    this.socket = socket;
    socket.on('message', (msg, rinfo) => {
      const source: Endpoint = { transport: 'UDP', address: normalizeAddress(rinfo.address), port: rinfo.port };
      this.sink.message(msg, source);
    });
    // ICMP errors and the like surface here; a server socket must not die of them.
    socket.on('error', (err) => this.sink.logger?.warn({ err }, 'UDP socket error'));
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.opts.port, this.opts.host, () => {
        socket.off('error', reject);
        const a = socket.address();
        resolve({ address: a.address, port: a.port });
      });
    });
  }

  send(buf: Buffer, dest: Endpoint): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.reject(new Error('UDP transport is not listening'));
    return new Promise((resolve, reject) => {
      socket.send(buf, dest.port, dest.address, (err) => (err ? reject(err) : resolve()));
    });
  }

  close(): Promise<void> {
    const socket = this.socket;
    this.socket = null;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => socket.close(() => resolve()));
  }
}

/**
 * The socket's address lookup: destinations reach the transport as IP addresses (./target.ts resolved
 * them), and dns.lookup answers even those a tick later; this answers them at once, so a datagram
 * leaves in the same turn it is sent in. Names still go to dns.lookup.
 */
function literalLookup(hostname: string, options: dns.LookupOneOptions | number, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void): void {
  const family = isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else dns.lookup(hostname, typeof options === 'number' ? { family: options } : options, callback);
}
