/**
 * The clock the transaction layer runs its RFC 3261 §17 timers on. Injected so tests drive every timer
 * with a fake clock (./fake-clock.ts) instead of waiting.
 *
 * Timers take a callback and one argument (like Node's setTimeout(cb, ms, arg)) so a transaction can
 * arm a timer with a shared function and itself as the argument: no closure per timer.
 */

/** Opaque timer handle; only the clock that created it understands it. */
export type TimerHandle = object;

export interface Clock {
  /** Milliseconds on a monotonic-enough scale (only differences matter). */
  now(): number;
  setTimeout<T>(cb: (arg: T) => void, ms: number, arg: T): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * Real clock. Timers are unref'd: pending SIP timers never keep the process alive on their own (the
 * sockets of a running server do).
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout<T>(cb: (arg: T) => void, ms: number, arg: T): TimerHandle {
    const t = setTimeout(cb, ms, arg);
    t.unref();
    return t;
  },
  clearTimeout(handle: TimerHandle): void {
    clearTimeout(handle as NodeJS.Timeout); // only handles made above reach here
  },
};
