/**
 * The contracts between the transaction layer (RFC 3261 §17), the transport below it and the
 * transaction user (TU: registrar, dialog layer, B2BUA core) above it.
 */
import type { Endpoint, SipMessage, SipRequest, SipResponse, Via } from '../message/types.ts';
import type { ClientTransaction } from './client.ts';
import type { ServerTransaction } from './server.ts';

export type TransportProtocol = Endpoint['transport'];

/** What the transaction layer needs from the transport layer (implemented by TransportLayer). */
export interface TransactionTransport {
  /** Sends one serialized message; rejects on a transport error (§18.4, §17.1.4, §17.2.4). */
  send(buf: Buffer, dest: Endpoint): Promise<void>;
  /** Whether a transport of this protocol is configured. */
  supports(protocol: TransportProtocol): boolean;
  /** The sent-by (host, port) to put in the Via of requests sent over this protocol (§18.1.1). */
  sentBy(protocol: TransportProtocol): { host: string; port: number };
  /** Where responses to a request with this top Via, received from `source`, go (§18.2.2, RFC 3581 §4). */
  responseTarget(topVia: Via, source: Endpoint): Endpoint | null;
  /** Installs the receiver of every parsed message (one receiver). */
  setReceiver(receiver: (msg: SipMessage, source: Endpoint) => void): void;
}

/** Over which transports the transaction layer retransmits (§17.1.1.2, §17.1.2.2, §17.2.1). */
export function isReliable(protocol: TransportProtocol): boolean {
  return protocol !== 'UDP';
}

/**
 * Callbacks of one client transaction. One handler object may serve many transactions (each callback
 * gets the transaction; put per-call state in `tx.context`).
 */
export interface ClientTransactionHandler {
  /**
   * Every response the transaction passes up: provisional, final, and (INVITE, RFC 6026 §8.4) 2xx
   * retransmissions in the Accepted state. For a 2xx to INVITE the TU sends the ACK itself
   * (RFC 3261 §13.2.2.4) with `TransactionLayer.sendStateless`.
   */
  onResponse(res: SipResponse, tx: ClientTransaction): void;
  /**
   * Timer B or F fired (or the 64·T1 wait after a CANCEL, §9.1). Without this callback the TU gets a
   * locally made 408 Request Timeout through onResponse (§8.1.3.1).
   */
  onTimeout?(tx: ClientTransaction): void;
  /** The request could not be sent (§17.1.4). Without this callback: a local 503 through onResponse. */
  onTransportError?(tx: ClientTransaction, err: Error): void;
  /** The transaction reached Terminated and left the layer. */
  onTerminated?(tx: ClientTransaction): void;
}

/** The transaction user above the layer. */
export interface TransactionUser {
  /** A new request created a server transaction (CANCEL included: see findInviteForCancel). */
  onRequest(tx: ServerTransaction): void;
  /**
   * An ACK that matches no server transaction (the ACK for a 2xx, its own transaction per §17.1.1.3)
   * or that matched an INVITE server transaction in the Accepted state (RFC 6026 §7.1).
   */
  onAck(ack: SipRequest, source: Endpoint): void;
  /** A response matching no client transaction (e.g. a 2xx retransmission after Timer M, §17.1.1.2). */
  onStrayResponse?(res: SipResponse, source: Endpoint): void;
  /** Timer H fired: the ACK for a non-2xx final response never came (§17.2.1). */
  onServerTimeout?(tx: ServerTransaction): void;
  /** A response could not be sent (§17.2.4); the transaction is terminated. */
  onServerTransportError?(tx: ServerTransaction, err: Error): void;
}

/** Optional logger (pino-compatible subset). */
export interface TxLogger {
  debug(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}
