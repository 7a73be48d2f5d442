/**
 * Server transactions, RFC 3261 §17.2 with RFC 6026 §7.1 (INVITE: Accepted state and Timer L).
 *
 * The TU answers with `respond(response)` or `reply(status, …)`. Retransmitted requests are absorbed
 * here and answered with the last response; nothing is retransmitted on reliable transports (Timer G
 * is not set) and Timers I and J are zero there (§17.2.1, §17.2.2).
 *
 * Memory: a transaction outlives its final response by up to 64·T1 (Timers H, J, L) and a loaded
 * server holds hundreds of thousands of them, so what the state machine no longer needs is let go:
 * only the final response's bytes are kept for retransmissions, not the response object; and a
 * non-INVITE transaction in Completed keeps its request as bytes too, parsed again only if someone
 * reads `request` (nothing in Tandem does after the final response).
 */
import { createResponse, newTag, type ResponseExtras } from '../message/build.ts';
import { parseMessage } from '../message/parser.ts';
import { serializeMessage } from '../message/serialize.ts';
import type { Endpoint, SipRequest, SipResponse } from '../message/types.ts';
import type { TimerHandle } from './clock.ts';
import type { TransactionHost } from './host.ts';
import { checkTransition, INITIAL_STATE, type MachineKind, type TransactionState } from './state.ts';
import { isReliable } from './types.ts';

abstract class ServerTransactionBase {
  abstract readonly kind: MachineKind;
  state: TransactionState;
  /** Free for the TU. */
  context: unknown = undefined;
  readonly reliable: boolean;
  /** Whether any response (provisional or final) was sent. */
  protected responded = false;
  /** The bytes of the last response sent, for retransmissions. */
  protected lastBuf: Buffer | null = null;
  /** The request, or null once it is kept only as `requestBytes` (see the module header). */
  private req: SipRequest | null;
  private requestBytes: Buffer | null = null;
  protected tRetx: TimerHandle | null = null;
  protected tLife: TimerHandle | null = null;
  protected interval = 0;
  private tag: string | null = null;

  constructor(
    protected readonly host: TransactionHost,
    readonly key: string,
    request: SipRequest,
    /** Where the request came from (its connection, for connection-oriented transports). */
    readonly source: Endpoint,
    /** Where responses go (§18.2.2); null when that is refused (e.g. a broadcast sent-by). */
    readonly responseDest: Endpoint | null,
    kind: MachineKind,
  ) {
    this.state = INITIAL_STATE[kind];
    this.reliable = isReliable(source.transport);
    this.req = request;
    this.method = request.method;
  }

  /** The request that created the transaction (the same object, until it is released). */
  get request(): SipRequest {
    // Parsed again from its own serialization: it parsed before, and serializing changes nothing.
    this.req ??= parseMessage(this.requestBytes!, { maxMessageBytes: Infinity, maxHeaders: Infinity, maxLineBytes: Infinity }) as SipRequest;
    return this.req;
  }

  readonly method: string;

  /** Keeps the request as bytes only (see the module header); kept as it is if it cannot be serialized. */
  protected releaseRequest(): void {
    if (this.req === null) return;
    try {
      this.requestBytes = serializeMessage(this.req);
      this.req = null;
    } catch {
      // kept as an object
    }
  }

  /** The To tag this transaction's responses carry when the request has none (one per transaction). */
  get toTag(): string {
    const existing = this.request.to.params.get('tag');
    if (existing) return existing;
    if (this.tag === null) this.tag = newTag();
    return this.tag;
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

  protected transmit(buf: Buffer): void {
    if (this.responseDest) this.host.sendFor(this as unknown as ServerTransaction, buf, this.responseDest); // subclasses are the union members
  }

  /** Sends `res` and remembers its bytes for retransmissions. */
  protected sendResponse(res: SipResponse): void {
    this.responded = true;
    this.lastBuf = this.host.serialize(res);
    this.transmit(this.lastBuf);
  }

  /** Terminated: timers cleared, removed from the layer. Idempotent. */
  terminate(): void {
    if (this.state === 'Terminated') return;
    this.move('Terminated');
    this.clearTimers();
    this.host.removeServer(this as unknown as ServerTransaction); // subclasses are the union members
  }

  /** §17.2.4: the response could not be sent; the transaction ends and the TU is told. */
  transportError(err: Error): void {
    if (this.state === 'Terminated') return;
    this.terminate();
    this.host.tu.onServerTransportError?.(this as unknown as ServerTransaction, err); // subclasses are the union members
  }

  /**
   * Builds a response to the request (createResponse with this transaction's To tag) and sends it
   * through `respond`. Returns the response, or null when the state machine discarded it.
   */
  reply(status: number, reason?: string, extra: ResponseExtras = {}): SipResponse | null {
    if (!this.accepts(status)) return null;
    const toTag = extra.toTag !== undefined ? extra.toTag : status === 100 ? null : this.toTag;
    const res = createResponse(this.request, status, reason, { ...extra, toTag });
    return this.respond(res) ? res : null;
  }

  /** Whether the state machine would send a response with this status now (`respond` checks it too). */
  abstract accepts(status: number): boolean;
  /** The TU passes a response down; false when the state machine discards it (e.g. after a final). */
  abstract respond(res: SipResponse): boolean;
  /** A retransmission of the request (or, for INVITE, an ACK) matched this transaction. */
  abstract receiveRequest(req: SipRequest, source: Endpoint): void;
}

/** INVITE server transaction: Proceeding, Completed, Confirmed, Accepted, Terminated (RFC 6026 Figure 7). */
export class InviteServerTransaction extends ServerTransactionBase {
  readonly kind = 'invite-server' as const;

  constructor(host: TransactionHost, key: string, request: SipRequest, source: Endpoint, responseDest: Endpoint | null) {
    super(host, key, request, source, responseDest, 'invite-server');
    // §17.2.1: send 100 Trying unless the TU answers within 200 ms.
    this.tRetx = host.clock.setTimeout(InviteServerTransaction.timer100, host.timers.trying100, this);
  }

  private static timer100(tx: InviteServerTransaction): void {
    tx.tRetx = null;
    if (tx.state === 'Proceeding' && !tx.responded) tx.sendResponse(createResponse(tx.request, 100));
  }

  /** Timer G: retransmit the final response, doubling up to T2 (§17.2.1). */
  private static timerG(tx: InviteServerTransaction): void {
    tx.tRetx = null;
    if (tx.state !== 'Completed' || !tx.lastBuf) return;
    tx.transmit(tx.lastBuf);
    tx.interval = Math.min(2 * tx.interval, tx.host.timers.T2);
    tx.tRetx = tx.host.clock.setTimeout(InviteServerTransaction.timerG, tx.interval, tx);
  }

  /** Timer H: the ACK never came (§17.2.1). */
  private static timerH(tx: InviteServerTransaction): void {
    tx.tLife = null;
    if (tx.state !== 'Completed') return;
    tx.terminate();
    tx.host.tu.onServerTimeout?.(tx);
  }

  /** Timer I (Confirmed, §17.2.1) and Timer L (Accepted, RFC 6026 §7.1). */
  private static timerEnd(tx: InviteServerTransaction): void {
    tx.tLife = null;
    tx.terminate();
  }

  accepts(status: number): boolean {
    return this.state === 'Proceeding' || (this.state === 'Accepted' && status >= 200 && status < 300);
  }

  respond(res: SipResponse): boolean {
    const { clock, timers } = this.host;
    const s = res.status;
    if (this.state === 'Proceeding') {
      if (s < 200) {
        if (this.tRetx) clock.clearTimeout(this.tRetx);
        this.tRetx = null;
        this.sendResponse(res);
        return true;
      }
      this.clearTimers();
      if (s < 300) {
        // RFC 6026 §7.1: 2xx → Accepted, Timer L = 64·T1; the TU retransmits the 2xx itself (§13.3.1.4).
        this.move('Accepted');
        this.sendResponse(res);
        this.tLife = clock.setTimeout(InviteServerTransaction.timerEnd, 64 * timers.T1, this);
        return true;
      }
      // §17.2.1: 300–699 → Completed, Timer G = T1 (unreliable only), Timer H = 64·T1.
      this.move('Completed');
      this.sendResponse(res);
      if (!this.reliable) {
        this.interval = timers.T1;
        this.tRetx = clock.setTimeout(InviteServerTransaction.timerG, this.interval, this);
      }
      this.tLife = clock.setTimeout(InviteServerTransaction.timerH, 64 * timers.T1, this);
      return true;
    }
    if (this.state === 'Accepted' && s >= 200 && s < 300) {
      // RFC 6026 §7.1: 2xx retransmissions from the TU are sent in Accepted.
      this.transmit(this.host.serialize(res));
      return true;
    }
    return false;
  }

  receiveRequest(req: SipRequest, _source: Endpoint): void {
    if (req.method === 'ACK') {
      switch (this.state) {
        case 'Completed': {
          // §17.2.1: ACK → Confirmed; Timer I = T4 (0 on reliable transports).
          this.clearTimers();
          this.move('Confirmed');
          if (this.reliable) this.terminate();
          else this.tLife = this.host.clock.setTimeout(InviteServerTransaction.timerEnd, this.host.timers.T4, this);
          return;
        }
        case 'Accepted':
          // RFC 6026 §7.1: an ACK reaching an Accepted transaction (RFC 2543 matching) goes to the TU.
          this.host.tu.onAck(req, _source);
          return;
        default:
          return; // Confirmed absorbs ACKs; an ACK before the final response is meaningless
      }
    }
    // A retransmitted INVITE: resend the last provisional (Proceeding) or final (Completed) response;
    // absorbed in Confirmed and, per RFC 6026 §7.1, in Accepted.
    if ((this.state === 'Proceeding' || this.state === 'Completed') && this.lastBuf) this.transmit(this.lastBuf);
  }
}

/** Non-INVITE server transaction: Trying, Proceeding, Completed, Terminated (§17.2.2, Figure 8). */
export class NonInviteServerTransaction extends ServerTransactionBase {
  readonly kind = 'non-invite-server' as const;

  constructor(host: TransactionHost, key: string, request: SipRequest, source: Endpoint, responseDest: Endpoint | null) {
    super(host, key, request, source, responseDest, 'non-invite-server');
    // Not in the RFC: a TU that never answers would hold the transaction forever. The client gave up
    // at Timer F (64·T1), so after that long the transaction is dropped.
    this.tLife = host.clock.setTimeout(NonInviteServerTransaction.abandon, 64 * host.timers.T1, this);
  }

  private static abandon(tx: NonInviteServerTransaction): void {
    tx.tLife = null;
    if (tx.state === 'Trying' || tx.state === 'Proceeding') tx.terminate();
  }

  /** Timer J: end of Completed (§17.2.2). */
  private static timerJ(tx: NonInviteServerTransaction): void {
    tx.tLife = null;
    tx.terminate();
  }

  accepts(_status: number): boolean {
    return this.state === 'Trying' || this.state === 'Proceeding'; // §17.2.2: discarded in Completed
  }

  respond(res: SipResponse): boolean {
    if (!this.accepts(res.status)) return false;
    if (res.status < 200) {
      if (this.state === 'Trying') this.move('Proceeding');
      this.sendResponse(res);
      return true;
    }
    this.move('Completed');
    this.clearTimers();
    this.sendResponse(res);
    // Timer J = 64·T1 on unreliable transports, 0 on reliable ones.
    if (this.reliable) this.terminate();
    else {
      this.tLife = this.host.clock.setTimeout(NonInviteServerTransaction.timerJ, 64 * this.host.timers.T1, this);
      this.releaseRequest(); // Completed only resends lastBuf
    }
    return true;
  }

  receiveRequest(_req: SipRequest, _source: Endpoint): void {
    // §17.2.2: discarded in Trying; the last response is resent in Proceeding and Completed.
    if ((this.state === 'Proceeding' || this.state === 'Completed') && this.lastBuf) this.transmit(this.lastBuf);
  }
}

export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;
