/** What a transaction needs from the layer that owns it (internal to src/sip/transaction). */
import type { Endpoint, SipMessage, SipRequest } from '../message/types.ts';
import type { Clock } from './clock.ts';
import type { ClientTransaction } from './client.ts';
import type { ServerTransaction } from './server.ts';
import type { TimerConfig } from './timers.ts';
import type { ClientTransactionHandler, TransactionUser, TxLogger } from './types.ts';

export interface TransactionHost {
  readonly clock: Clock;
  readonly timers: TimerConfig;
  readonly tu: TransactionUser;
  readonly logger: TxLogger | null;
  serialize(msg: SipMessage): Buffer;
  /** Sends for a transaction; a failure is reported to `tx.transportError`. */
  sendFor(tx: ClientTransaction | ServerTransaction, buf: Buffer, dest: Endpoint): void;
  removeClient(tx: ClientTransaction): void;
  removeServer(tx: ServerTransaction): void;
  /** Starts a new client transaction (used for CANCEL). */
  request(req: SipRequest, dest: Endpoint, handler: ClientTransactionHandler): ClientTransaction;
}
