/**
 * Call records from the SIP service, batched: a finished call's legs are queued and written together
 * with the other calls that ended within the same {@link CallRecorderOptions.delayMs} (services/
 * call-records.ts `recordCalls`: one tenant transaction per account per batch, one INSERT per few
 * hundred rows), so a thousand calls a second cost a few statements a second. Nothing on the SIP
 * path waits for it (ENGINEERING.md: "SIP handling never waits for the database on its hot path"):
 * `add` only queues; the write runs later, and between two batches the event loop gets a turn, so
 * an embedded database on the same thread holds SIP up for one statement at a time, never for a
 * backlog. A call whose legs the service refuses is logged with the reason; a failed write is
 * retried once. `flush` writes what is queued now (shutdown, tests).
 */
import type { Logger } from 'pino';
import { recordCalls, type CallLegInput } from '../../services/call-records.ts';
import type { Services } from '../../services/context.ts';

export interface CallRecorderOptions {
  /** How long a finished call may wait for others to share its batch. Default 200 ms. */
  delayMs: number;
  /** Calls per batch at most (a longer queue is written in several). Default 2,000. */
  maxBatch: number;
}

type Queued = { interactionId: string; legs: CallLegInput[] };

export class CallRecorder {
  private queue: Queued[] = [];
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** flush() calls under way: batches follow each other without waiting. */
  private flushing = 0;
  private readonly opts: CallRecorderOptions;
  /** Calls recorded so far (tests and metrics). */
  written = 0;

  constructor(private readonly services: Services, private readonly log: Logger, opts: Partial<CallRecorderOptions> = {}) {
    this.opts = { delayMs: 200, maxBatch: 2000, ...opts };
  }

  /** Queues a finished call's legs; returns at once. */
  add(interactionId: string, legs: CallLegInput[]): void {
    if (legs.length === 0) return;
    this.queue.push({ interactionId, legs });
    if (this.running === null && this.timer === null) this.schedule();
  }

  /** Resolves when everything queued so far is written (shutdown, tests). */
  async flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.flushing++;
    try {
      if (this.running === null && this.queue.length > 0) this.running = this.drain();
      while (this.running) await this.running;
    } finally {
      this.flushing--;
    }
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running ??= this.drain();
    }, this.opts.delayMs);
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.length <= this.opts.maxBatch ? this.queue : this.queue.slice(0, this.opts.maxBatch);
        this.queue = batch === this.queue ? [] : this.queue.slice(batch.length);
        await this.write(batch);
        // The calls that ended meanwhile wait for their batch to fill, as the first ones did; a flush
        // does not wait, but still gives the event loop (SIP) a turn between two batches.
        if (this.queue.length > 0) await new Promise((r) => (this.flushing > 0 ? setImmediate(r) : setTimeout(r, this.opts.delayMs)));
      }
    } finally {
      this.running = null;
    }
  }

  private async write(batch: Queued[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await recordCalls(this.services, batch);
        this.written += batch.length - r.refused.length;
        for (const f of r.refused) this.log.error({ interactionId: f.interactionId, reason: f.reason }, 'call record refused');
        return;
      } catch (e) {
        if (attempt >= 2) {
          this.log.error({ err: String(e), calls: batch.length }, 'call records could not be written');
          return;
        }
      }
    }
  }
}
