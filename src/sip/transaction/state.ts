/**
 * The four transaction state machines of RFC 3261 §17 with the RFC 6026 corrections (the "Accepted"
 * state of the INVITE client and server transactions), as tables of legal moves. Every state change
 * goes through `checkTransition`, which throws on a move the RFC does not allow.
 */

export type TransactionState =
  | 'Calling'
  | 'Trying'
  | 'Proceeding'
  | 'Completed'
  | 'Confirmed'
  | 'Accepted'
  | 'Terminated';

export type MachineKind = 'invite-client' | 'non-invite-client' | 'invite-server' | 'non-invite-server';

type Table = Readonly<Partial<Record<TransactionState, readonly TransactionState[]>>>;

const TABLES: Readonly<Record<MachineKind, Table>> = {
  // RFC 3261 Figure 5 as changed by RFC 6026 Figure 5 (§8.4): 2xx → Accepted, Timer M → Terminated.
  'invite-client': {
    Calling: ['Proceeding', 'Completed', 'Accepted', 'Terminated'],
    Proceeding: ['Completed', 'Accepted', 'Terminated'],
    Completed: ['Terminated'],
    Accepted: ['Terminated'],
  },
  // RFC 3261 Figure 6.
  'non-invite-client': {
    Trying: ['Proceeding', 'Completed', 'Terminated'],
    Proceeding: ['Completed', 'Terminated'],
    Completed: ['Terminated'],
  },
  // RFC 3261 Figure 7 as changed by RFC 6026 Figure 7 (§7.1): 2xx from TU → Accepted, Timer L → Terminated.
  'invite-server': {
    Proceeding: ['Completed', 'Accepted', 'Terminated'],
    Completed: ['Confirmed', 'Terminated'],
    Confirmed: ['Terminated'],
    Accepted: ['Terminated'],
  },
  // RFC 3261 Figure 8.
  'non-invite-server': {
    Trying: ['Proceeding', 'Completed', 'Terminated'],
    Proceeding: ['Completed', 'Terminated'],
    Completed: ['Terminated'],
  },
};

export const INITIAL_STATE: Readonly<Record<MachineKind, TransactionState>> = {
  'invite-client': 'Calling',
  'non-invite-client': 'Trying',
  'invite-server': 'Proceeding',
  'non-invite-server': 'Trying',
};

export class IllegalTransitionError extends Error {
  constructor(
    public readonly machine: MachineKind,
    public readonly from: TransactionState,
    public readonly to: TransactionState,
  ) {
    super(`illegal ${machine} transaction transition ${from} → ${to}`);
  }
}

/** Whether the RFC allows `from` → `to` in `machine`. */
export function canTransition(machine: MachineKind, from: TransactionState, to: TransactionState): boolean {
  return TABLES[machine][from]?.includes(to) ?? false;
}

/** Returns `to` when the move is legal; throws IllegalTransitionError otherwise. */
export function checkTransition(machine: MachineKind, from: TransactionState, to: TransactionState): TransactionState {
  if (!canTransition(machine, from, to)) throw new IllegalTransitionError(machine, from, to);
  return to;
}
