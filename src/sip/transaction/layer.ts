/**
 * The transaction layer (RFC 3261 §17): matches incoming messages to transactions, creates server
 * transactions for new requests, starts client transactions for the TU, and hands the TU what the
 * state machines pass up. Transactions live in two maps keyed as in ./keys.ts and leave them when
 * they terminate.
 */
import { formatVia } from '../message/headers-parse.ts';
import { isRfc3261Branch, newBranch } from '../message/build.ts';
import { serializeMessage } from '../message/serialize.ts';
import type { Endpoint, SipMessage, SipRequest, SipResponse, Via } from '../message/types.ts';
import { InviteClientTransaction, NonInviteClientTransaction, type ClientTransaction } from './client.ts';
import { systemClock, type Clock } from './clock.ts';
import type { TransactionHost } from './host.ts';
import { clientKey, clientKeyOfResponse, serverKey } from './keys.ts';
import { InviteServerTransaction, NonInviteServerTransaction, type ServerTransaction } from './server.ts';
import { timerConfig, type TimerConfig } from './timers.ts';
import type { ClientTransactionHandler, TransactionTransport, TransactionUser, TxLogger } from './types.ts';

export interface TransactionLayerOptions {
  transport: TransactionTransport;
  tu: TransactionUser;
  clock?: Clock;
  timers?: Partial<TimerConfig>;
  logger?: TxLogger;
  /**
   * §18.1.1: a request over UDP larger than this (path MTU 1500 minus 200) goes over TCP instead when
   * TCP is configured and the transaction layer wrote the Via itself. Default 1300.
   */
  udpMaxRequestBytes?: number;
}

export class TransactionLayer implements TransactionHost {
  readonly clock: Clock;
  readonly timers: TimerConfig;
  readonly tu: TransactionUser;
  readonly logger: TxLogger | null;
  private readonly transport: TransactionTransport;
  private readonly udpMax: number;
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly servers = new Map<string, ServerTransaction>();

  constructor(opts: TransactionLayerOptions) {
    this.transport = opts.transport;
    this.tu = opts.tu;
    this.clock = opts.clock ?? systemClock;
    this.timers = timerConfig(opts.timers);
    this.logger = opts.logger ?? null;
    this.udpMax = opts.udpMaxRequestBytes ?? 1300;
    this.transport.setReceiver((msg, source) => this.receive(msg, source));
  }

  /** Number of live transactions. */
  get size(): { clients: number; servers: number } {
    return { clients: this.clients.size, servers: this.servers.size };
  }

  serialize(msg: SipMessage): Buffer {
    return serializeMessage(msg);
  }

  /**
   * Starts a client transaction for `req` towards `dest` (§17.1). ACK is refused: the ACK for a non-2xx
   * is the INVITE transaction's, the ACK for a 2xx is sent with `sendStateless` (§17.1.1.3).
   *
   * When the request has no Via, one is added (on the request object itself): the transport's sent-by,
   * a new branch and `rport` (RFC 3581 §3). A request that already has a top Via (a CANCEL, or a TU that
   * wrote its own) must carry an RFC 3261 branch. A UDP request larger than `udpMaxRequestBytes` whose
   * Via was added here goes over TCP when TCP is configured (§18.1.1).
   */
  request(req: SipRequest, dest: Endpoint, handler: ClientTransactionHandler, context?: unknown): ClientTransaction {
    if (req.method === 'ACK') throw new Error('ACK is not sent in a client transaction (RFC 3261 §17.1.1.3)');
    let to = dest;
    if (req.via.length === 0) {
      to = this.addVia(req, dest);
    } else if (!isRfc3261Branch(req.via[0]!.branch)) {
      throw new Error('the top Via of a request sent by a client transaction needs an RFC 3261 branch (§8.1.1.7)');
    }
    const key = clientKey(req.via[0]!.branch!, req.cseq.method);
    if (this.clients.has(key)) throw new Error(`a client transaction with branch ${req.via[0]!.branch} and method ${req.cseq.method} exists`);
    const tx = req.method === 'INVITE'
      ? new InviteClientTransaction(this, key, req, to, handler, context)
      : new NonInviteClientTransaction(this, key, req, to, handler, context);
    this.clients.set(key, tx);
    tx.start();
    return tx;
  }

  /** Adds the top Via for `dest` (§8.1.1.7, §18.1.1) and returns the destination actually used. */
  private addVia(req: SipRequest, dest: Endpoint, mayUseTcp = true): Endpoint {
    const make = this.newVia;
    let via = make(dest.transport);
    req.headers.prepend('Via', formatVia(via));
    req.via.unshift(via);
    if (mayUseTcp && dest.transport === 'UDP' && this.transport.supports('TCP') && req.headers.getAll('Via').length === 1) {
      if (serializeMessage(req).length > this.udpMax) {
        via = { ...make('TCP'), branch: via.branch, params: via.params };
        req.headers.set('Via', formatVia(via));
        req.via[0] = via;
        return { transport: 'TCP', address: dest.address, port: dest.port };
      }
    }
    return dest;
  }

  /** Our Via for a request over `transport`: its sent-by, a new branch and `rport` (RFC 3581 §3). */
  private readonly newVia = (transport: Endpoint['transport']): Via => {
    const { host, port } = this.transport.sentBy(transport);
    const branch = newBranch();
    return { protocol: 'SIP/2.0', transport, host, port, params: new Map<string, string | null>([['branch', branch], ['rport', null]]), branch };
  };

  /**
   * Sends a message outside any transaction: the ACK for a 2xx (§13.2.2.4; a request without Via gets
   * one with a new branch, as in `request`), a 2xx retransmission by the UAS core (§13.3.1.4), or a
   * stateless response. Resolves when sent; rejects on a transport error.
   */
  sendStateless(msg: SipMessage, dest: Endpoint): Promise<void> {
    try {
      if (msg.kind === 'request' && msg.via.length === 0) this.addVia(msg, dest, false);
      return this.transport.send(serializeMessage(msg), dest);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Where a response to a request from `source` goes (§18.2.2): for stateless responses. */
  responseTarget(req: SipRequest, source: Endpoint): Endpoint | null {
    const via = req.via[0];
    return via ? this.transport.responseTarget(via, source) : null;
  }

  /** The INVITE server transaction a CANCEL cancels (§9.2), if it is still there. */
  findInviteForCancel(cancel: SipRequest): InviteServerTransaction | undefined {
    const key = serverKey(cancel, 'INVITE');
    const tx = key === null ? undefined : this.servers.get(key);
    return tx instanceof InviteServerTransaction ? tx : undefined;
  }

  /** A parsed message from the transport layer (§17.1.3, §17.2.3). */
  receive(msg: SipMessage, source: Endpoint): void {
    if (msg.kind === 'response') this.receiveResponse(msg, source);
    else this.receiveRequest(msg, source);
  }

  private receiveResponse(res: SipResponse, source: Endpoint): void {
    const key = clientKeyOfResponse(res);
    const tx = key === null ? undefined : this.clients.get(key);
    if (tx) tx.receiveResponse(res);
    else this.tu.onStrayResponse?.(res, source);
  }

  private receiveRequest(req: SipRequest, source: Endpoint): void {
    const key = serverKey(req);
    if (key === null) return; // no Via: the parser should have refused it
    const tx = this.servers.get(key);
    if (tx) {
      tx.receiveRequest(req, source);
      return;
    }
    if (req.method === 'ACK') {
      this.tu.onAck(req, source); // the ACK for a 2xx is a transaction of its own (§17.1.1.3)
      return;
    }
    const dest = this.transport.responseTarget(req.via[0]!, source);
    if (dest === null) this.logger?.warn({ callId: req.callId, via: req.headers.get('Via') }, 'no acceptable response target (§18.2.2)');
    const stx = req.method === 'INVITE'
      ? new InviteServerTransaction(this, key, req, source, dest)
      : new NonInviteServerTransaction(this, key, req, source, dest);
    this.servers.set(key, stx);
    this.tu.onRequest(stx);
  }

  sendFor(tx: ClientTransaction | ServerTransaction, buf: Buffer, dest: Endpoint): void {
    let p: Promise<void>;
    try {
      p = this.transport.send(buf, dest);
    } catch (err) {
      p = Promise.reject(err);
    }
    // Always asynchronous, so a failure never re-enters a state machine in the middle of a move.
    p.then(undefined, (err: unknown) => tx.transportError(err instanceof Error ? err : new Error(String(err))));
  }

  removeClient(tx: ClientTransaction): void {
    if (this.clients.get(tx.key) === tx) this.clients.delete(tx.key);
  }

  removeServer(tx: ServerTransaction): void {
    if (this.servers.get(tx.key) === tx) this.servers.delete(tx.key);
  }

  /** Terminates every transaction (timers cleared) without telling the TU: for shutdown. */
  stop(): void {
    for (const tx of [...this.clients.values()]) {
      tx.handler = { onResponse() {} };
      tx.terminate();
    }
    for (const tx of [...this.servers.values()]) tx.terminate();
  }
}
