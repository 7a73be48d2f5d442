/**
 * Transport layer contracts (RFC 3261 §18). A Transport moves whole SIP messages (already framed) between
 * the network and the TransportLayer, which parses them and stamps the Via on receipt.
 */
import type { Endpoint } from '../message/types.ts';

export type TransportProtocol = Endpoint['transport'];

/** Optional logger (pino-compatible subset). */
export interface SipLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** What a transport hands to its owner. */
export interface TransportSink {
  /** One framed message (a datagram, or one message cut from a stream by Content-Length). */
  message(buf: Buffer, source: Endpoint): void;
  /** A connection of a connection-oriented transport closed (for flow tracking, RFC 5626). */
  closed(remote: Endpoint): void;
  readonly logger: SipLogger | null;
  /** Admission of a new inbound connection by remote address. */
  acceptSafe(address: string): boolean;
}

export interface Transport {
  readonly protocol: TransportProtocol;
  /** Reliable transports get no retransmissions from the transaction layer (§17). */
  readonly reliable: boolean;
  /** Binds / starts listening; resolves with the bound address. */
  listen(): Promise<{ address: string; port: number }>;
  /**
   * Sends one message. Connection-oriented transports use `dest.connectionId` when that connection is
   * open, else a connection to (address, port), opening one if needed (TCP/TLS only).
   */
  send(buf: Buffer, dest: Endpoint): Promise<void>;
  close(): Promise<void>;
}

export interface ListenOptions {
  /** Bind address, default 0.0.0.0. */
  host?: string;
  /** Port, default 5060 (5061 for TLS, 8080 for WS, 8443 for WSS); 0 picks a free one. */
  port?: number;
  /** Host written in Via sent-by and Contact; default: the bound address (or a local IPv4 for 0.0.0.0). */
  advertisedHost?: string;
  /** Port written in Via sent-by; default: the bound port. */
  advertisedPort?: number;
}

export interface TlsCredentials {
  cert: string | Buffer;
  key: string | Buffer;
  ca?: string | Buffer;
}

/** The key of a remote address in connection maps. */
export function remoteKey(address: string, port: number): string {
  return address + '|' + port;
}

/** `::ffff:192.0.2.1` (IPv4 seen on a dual-stack socket) → `192.0.2.1`. */
export function normalizeAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
