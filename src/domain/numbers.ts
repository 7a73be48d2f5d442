/**
 * Number status (spec §3): reserved → active → pending → active. Every action is allowed only on an
 * active, non-main number; the guard below is the one place that rule lives.
 */
import { AppError } from './errors.ts';

export type NumberStatus = 'reserved' | 'active' | 'pending';

const TRANSITIONS: Record<NumberStatus, NumberStatus[]> = {
  reserved: ['active'], // activation
  active: ['pending', 'reserved'], // a change begins (handset login) / deactivation back to reserved
  pending: ['active'], // the change is applied, or rolled back
};

/** The guarded transition function: throws on an illegal move. */
export function transition(from: NumberStatus, to: NumberStatus): NumberStatus {
  if (!TRANSITIONS[from].includes(to)) throw new AppError('conflict', `A number cannot go from ${from} to ${to}`);
  return to;
}

export interface NumberState {
  e164: string;
  status: NumberStatus;
  isMain: boolean;
}

/** Refuses any action on the main number or on a number that is not active (spec §3). */
export function assertActionable(n: NumberState): void {
  if (n.isMain) throw new AppError('number_is_main', `${n.e164} is the site's main number, which is read-only`);
  if (n.status !== 'active') {
    const why = n.status === 'reserved' ? 'reserved (not yet activated)' : 'pending (the system is applying a change)';
    throw new AppError('number_not_active', `${n.e164} is ${why}; only active numbers can be changed`, null, { numberStatus: n.status });
  }
}
