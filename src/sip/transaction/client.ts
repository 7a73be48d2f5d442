/**
 * Client transactions, RFC 3261 §17.1 with RFC 6026 §8.4 (INVITE: Accepted state and Timer M).
 *
 * Timers are armed with shared functions and the transaction as argument (no closure per timer). On
 * reliable transports nothing is retransmitted (Timers A and E are not set) and Timers D and K are
 * zero (§17.1.1.2, §17.1.2.2).
 *
 * Memory: after its final response a transaction may wait 64·T1 more (Timer M) and a loaded server
 * holds many, so it then keeps its request only as the bytes it sent (parsed again only if someone
 * reads `request`), and it passes responses up without keeping them.
 */
import { parseMessage } from '../message/parser.ts';
import { createAckForNon2xx, createCancel, createResponse } from '../message/build.ts';
import type { Endpoint, SipRequest, SipResponse } from '../message/types.ts';
import type { TimerHandle } from './clock.ts';
import type { TransactionHost } from './host.ts';
import { checkTransition, INITIAL_STATE, type MachineKind, type TransactionState } from './state.ts';
import { isReliable, type ClientTransactionHandler } from './types.ts';

/** Handler of the CANCEL transactions started by `cancel()`: their outcome needs no action (§9.1). */
const SILENT: ClientTransactionHandler = { onResponse() {}, onTimeout() {}, onTransportError() {} };

abstract class ClientTransactionBase {
  abstract readonly kind: MachineKind;
  state: TransactionState;
  /** Free for the TU: per-call state reachable from the shared handler. */
  context: unknown;
  readonly reliable: boolean;
  readonly branch: string;
  protected tRetx: TimerHandle | null = null;
  protected tLife: TimerHandle | null = null;
  protected interval = 0;
  /** The request as sent: for retransmissions, and the request itself once released. */
  protected readonly buf: Buffer;
  /** The request, or null once only `buf` is kept (see the module header). */
  private req: SipRequest | null;

  constructor(
    protected readonly host: TransactionHost,
    readonly key: string,
    request: SipRequest,
    readonly dest: Endpoint,
    public handler: ClientTransactionHandler,
    kind: MachineKind,
    context: unknown,
  ) {
    this.state = INITIAL_STATE[kind];
    this.context = context;
    this.reliable = isReliable(dest.transport);
    this.branch = request.via[0]!.branch!;
    this.buf = host.serialize(request);
    this.req = request;
    this.method = request.method;
  }

  readonly method: string;

  /** The request (the object given, until it is released after the final response). */
  get request(): SipRequest {
    this.req ??= parseMessage(this.buf, { maxMessageBytes: Infinity, maxHeaders: Infinity, maxLineBytes: Infinity }) as SipRequest;
    return this.req;
  }

  protected move(to: TransactionState): void {
    this.state = checkTransition(this.kind, this.state, to);
  }

  protected clearTimers(): void {
    const c = this.host.clock;
    if (this.tRetx) c.clearTimeout(this.tRetx);
    if (this.tLife) c.clearTimeout(this.tLife);
    this.tRetx = this.tLife = null;
  }

  /** A final response arrived and was acted on: nothing is retransmitted or built from the request any more. */
  protected final(): void {
    this.clearTimers();
    this.req = null;
  }

  protected transmit(): void {
    this.host.sendFor(this as unknown as ClientTransaction, this.buf, this.dest); // subclasses are the union members
  }

  /** Terminated: timers cleared, removed from the layer, TU told. Idempotent. */
  terminate(): void {
    if (this.state === 'Terminated') return;
    this.move('Terminated');
    this.clearTimers();
    const self = this as unknown as ClientTransaction; // subclasses are the union members
    this.host.removeClient(self);
    this.handler.onTerminated?.(self);
  }

  /** Timer B/F (or the post-CANCEL wait) fired: report to the TU, as a 408 by default (§8.1.3.1). */
  protected timeout(): void {
    this.terminate();
    const self = this as unknown as ClientTransaction; // subclasses are the union members
    if (this.handler.onTimeout) this.handler.onTimeout(self);
    else this.handler.onResponse(createResponse(this.request, 408, undefined, { toTag: null }), self);
  }

  /** §17.1.4: a transport failure terminates the transaction; reported as a 503 by default (§8.1.3.1). */
  transportError(err: Error): void {
    if (this.state === 'Terminated' || this.state === 'Completed' || this.state === 'Accepted') return;
    this.terminate();
    const self = this as unknown as ClientTransaction; // subclasses are the union members
    if (this.handler.onTransportError) this.handler.onTransportError(self, err);
    else this.handler.onResponse(createResponse(this.request, 503, undefined, { toTag: null }), self);
  }

  abstract start(): void;
  abstract receiveResponse(res: SipResponse): void;
}

/** INVITE client transaction: Calling, Proceeding, Completed, Accepted, Terminated (RFC 6026 Figure 5). */
export class InviteClientTransaction extends ClientTransactionBase {
  readonly kind = 'invite-client' as const;
  private ackBuf: Buffer | null = null;
  private cancelPending: ReadonlyArray<readonly [string, string]> | null = null;
  private cancelled = false;

  constructor(host: TransactionHost, key: string, request: SipRequest, dest: Endpoint, handler: ClientTransactionHandler, context: unknown) {
    super(host, key, request, dest, handler, 'invite-client', context);
  }

  /** §17.1.1.2: send; Timer A = T1 (unreliable only), Timer B = 64·T1. */
  start(): void {
    const { clock, timers } = this.host;
    this.transmit();
    if (!this.reliable) {
      this.interval = timers.T1;
      this.tRetx = clock.setTimeout(InviteClientTransaction.timerA, this.interval, this);
    }
    this.tLife = clock.setTimeout(InviteClientTransaction.timerB, 64 * timers.T1, this);
  }

  /** Timer A: retransmit in Calling, and double the interval (no cap for INVITE, §17.1.1.2). */
  private static timerA(tx: InviteClientTransaction): void {
    tx.tRetx = null;
    if (tx.state !== 'Calling') return;
    tx.transmit();
    tx.interval *= 2;
    tx.tRetx = tx.host.clock.setTimeout(InviteClientTransaction.timerA, tx.interval, tx);
  }

  /** Timer B in Calling (§17.1.1.2), or the 64·T1 wait for a final response after CANCEL (§9.1). */
  private static timerB(tx: InviteClientTransaction): void {
    tx.tLife = null;
    if (tx.state === 'Calling' || tx.state === 'Proceeding') tx.timeout();
  }

  /** Timer D (Completed) and Timer M (Accepted, RFC 6026 §8.4). */
  private static timerEnd(tx: InviteClientTransaction): void {
    tx.tLife = null;
    tx.terminate();
  }

  receiveResponse(res: SipResponse): void {
    const { clock, timers } = this.host;
    const s = res.status;
    switch (this.state) {
      case 'Calling':
      case 'Proceeding':
        if (s < 200) {
          if (this.state === 'Calling') {
            this.move('Proceeding');
            this.clearTimers(); // Timer A stops; Timer B only runs in Calling (§17.1.1.2)
          }
          this.handler.onResponse(res, this);
          if (this.cancelPending) this.sendCancel(this.cancelPending);
        } else if (s < 300) {
          // RFC 6026 §8.4: 2xx → Accepted, pass to the TU, Timer M = 64·T1.
          this.move('Accepted');
          this.final();
          this.cancelPending = null;
          this.tLife = clock.setTimeout(InviteClientTransaction.timerEnd, 64 * timers.T1, this);
          this.handler.onResponse(res, this);
        } else {
          // §17.1.1.2: 300–699 → ACK, Completed, pass to the TU, Timer D (0 on reliable transports).
          this.move('Completed');
          this.cancelPending = null;
          this.sendAck(res);
          this.final();
          if (this.reliable) this.terminateAfter(res);
          else {
            this.tLife = clock.setTimeout(InviteClientTransaction.timerEnd, timers.D, this);
            this.handler.onResponse(res, this);
          }
        }
        return;
      case 'Accepted':
        // RFC 6026 §8.4: 2xx retransmissions (and 2xx from other forks) go to the TU, which re-ACKs.
        if (s >= 200 && s < 300) this.handler.onResponse(res, this);
        return;
      case 'Completed':
        // §17.1.1.2: a retransmitted final response gets the ACK again and is not passed up.
        if (s >= 300) this.sendAck(res);
        return;
      default:
        return;
    }
  }

  /** Reliable transport: Timer D is zero, the transaction ends right after passing the response up. */
  private terminateAfter(res: SipResponse): void {
    this.handler.onResponse(res, this);
    this.terminate();
  }

  private sendAck(res: SipResponse): void {
    if (!this.ackBuf) this.ackBuf = this.host.serialize(createAckForNon2xx(this.request, res));
    this.host.sendFor(this, this.ackBuf, this.dest);
  }

  /**
   * Cancels the INVITE (§9.1): at once in Proceeding; in Calling the CANCEL waits for a provisional
   * response (a CANCEL must not be sent before one); after a final response it does nothing. The
   * CANCEL runs in its own non-INVITE client transaction. If no final response to the INVITE arrives
   * within 64·T1 of the CANCEL, the INVITE transaction times out (§9.1). Returns whether a CANCEL was
   * sent or is pending.
   */
  cancel(extraHeaders: ReadonlyArray<readonly [string, string]> = []): boolean {
    if (this.cancelled || this.cancelPending) return true;
    if (this.state === 'Calling') {
      this.cancelPending = extraHeaders;
      return true;
    }
    if (this.state !== 'Proceeding') return false;
    this.sendCancel(extraHeaders);
    return true;
  }

  private sendCancel(extraHeaders: ReadonlyArray<readonly [string, string]>): void {
    this.cancelPending = null;
    this.cancelled = true;
    const { clock, timers } = this.host;
    if (this.tLife) clock.clearTimeout(this.tLife);
    this.tLife = clock.setTimeout(InviteClientTransaction.timerB, 64 * timers.T1, this);
    this.host.request(createCancel(this.request, extraHeaders), this.dest, SILENT);
  }

  /** Whether cancel() was called and the CANCEL sent. */
  get isCancelled(): boolean {
    return this.cancelled;
  }
}

/** Non-INVITE client transaction: Trying, Proceeding, Completed, Terminated (§17.1.2, Figure 6). */
export class NonInviteClientTransaction extends ClientTransactionBase {
  readonly kind = 'non-invite-client' as const;

  constructor(host: TransactionHost, key: string, request: SipRequest, dest: Endpoint, handler: ClientTransactionHandler, context: unknown) {
    super(host, key, request, dest, handler, 'non-invite-client', context);
  }

  /** §17.1.2.2: send; Timer E = T1 (unreliable only), Timer F = 64·T1. */
  start(): void {
    const { clock, timers } = this.host;
    this.transmit();
    if (!this.reliable) {
      this.interval = timers.T1;
      this.tRetx = clock.setTimeout(NonInviteClientTransaction.timerE, this.interval, this);
    }
    this.tLife = clock.setTimeout(NonInviteClientTransaction.timerF, 64 * timers.T1, this);
  }

  /** Timer E: retransmit; next interval min(2·E, T2) in Trying, T2 in Proceeding (§17.1.2.2). */
  private static timerE(tx: NonInviteClientTransaction): void {
    tx.tRetx = null;
    const { clock, timers } = tx.host;
    if (tx.state === 'Trying') tx.interval = Math.min(2 * tx.interval, timers.T2);
    else if (tx.state === 'Proceeding') tx.interval = timers.T2;
    else return;
    tx.transmit();
    tx.tRetx = clock.setTimeout(NonInviteClientTransaction.timerE, tx.interval, tx);
  }

  /** Timer F: no final response in 64·T1 (§17.1.2.2). */
  private static timerF(tx: NonInviteClientTransaction): void {
    tx.tLife = null;
    if (tx.state === 'Trying' || tx.state === 'Proceeding') tx.timeout();
  }

  /** Timer K: end of Completed (§17.1.2.2). */
  private static timerK(tx: NonInviteClientTransaction): void {
    tx.tLife = null;
    tx.terminate();
  }

  receiveResponse(res: SipResponse): void {
    if (this.state !== 'Trying' && this.state !== 'Proceeding') return; // Completed absorbs retransmissions
    if (res.status < 200) {
      if (this.state === 'Trying') this.move('Proceeding');
      this.handler.onResponse(res, this);
      return;
    }
    this.move('Completed');
    this.final();
    if (this.reliable) {
      this.handler.onResponse(res, this);
      this.terminate();
      return;
    }
    this.tLife = this.host.clock.setTimeout(NonInviteClientTransaction.timerK, this.host.timers.T4, this);
    this.handler.onResponse(res, this);
  }
}

export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;
