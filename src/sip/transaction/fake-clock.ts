/**
 * A deterministic clock for tests: time moves only when the test calls `advance`, and due timers run in
 * time order (ties in the order they were set), including timers set by timers while advancing.
 */
import type { Clock, TimerHandle } from './clock.ts';

interface Entry {
  at: number;
  seq: number;
  cb: (arg: unknown) => void;
  arg: unknown;
  cancelled: boolean;
}

export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private live = 0;
  private readonly heap: Entry[] = [];

  constructor(start = 0) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout<T>(cb: (arg: T) => void, ms: number, arg: T): TimerHandle {
    const e: Entry = {
      at: this.current + Math.max(0, ms),
      seq: this.seq++,
      cb: cb as (arg: unknown) => void, // arg is stored beside cb and only ever passed back to it
      arg,
      cancelled: false,
    };
    this.push(e);
    this.live++;
    return e;
  }

  clearTimeout(handle: TimerHandle): void {
    const e = handle as Entry; // handles come from setTimeout above
    if (!e.cancelled) {
      e.cancelled = true;
      this.live--;
    }
  }

  /** Number of timers set and neither fired nor cleared. */
  pending(): number {
    return this.live;
  }

  /** Time of the next due timer, or null. */
  nextAt(): number | null {
    this.dropCancelled();
    return this.heap.length ? this.heap[0]!.at : null;
  }

  /** Moves time forward by `ms`, running every timer due on the way at its own time. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      this.dropCancelled();
      const top = this.heap[0];
      if (!top || top.at > target) break;
      this.pop();
      top.cancelled = true;
      this.live--;
      this.current = top.at;
      top.cb(top.arg);
    }
    this.current = target;
  }

  /** Runs timers until none is left (or `limitMs` of fake time has passed); returns the time moved. */
  runAll(limitMs = 3_600_000): number {
    const start = this.current;
    for (;;) {
      const at = this.nextAt();
      if (at === null || at - start > limitMs) break;
      this.advance(at - this.current);
    }
    return this.current - start;
  }

  private dropCancelled(): void {
    while (this.heap.length && this.heap[0]!.cancelled) this.pop();
  }

  private less(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (!h.length) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
