/**
 * Call records from the SIP service, batched: a finished call's legs are queued and written together
 * with the other calls that ended meanwhile (services/call-records.ts `recordCalls`: one tenant
 * transaction per account per batch), so a thousand calls a second cost a few transactions. A call
 * whose legs the service refuses is logged with the reason; a failed write is retried once.
 */
import type { Logger } from 'pino';
import { recordCalls, type CallLegInput } from '../../services/call-records.ts';
import type { Services } from '../../services/context.ts';

export class CallRecorder {
  private queue: { interactionId: string; legs: CallLegInput[] }[] = [];
  private running: Promise<void> | null = null;
  /** Calls recorded so far (tests and metrics). */
  written = 0;

  constructor(private readonly services: Services, private readonly log: Logger) {}

  add(interactionId: string, legs: CallLegInput[]): void {
    if (legs.length === 0) return;
    this.queue.push({ interactionId, legs });
    this.running ??= this.drain();
  }

  /** Resolves when everything queued so far is written (shutdown, tests). */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      for (let attempt = 1; ; attempt++) {
        try {
          const r = await recordCalls(this.services, batch);
          this.written += batch.length - r.refused.length;
          for (const f of r.refused) this.log.error({ interactionId: f.interactionId, reason: f.reason }, 'call record refused');
          break;
        } catch (e) {
          if (attempt >= 2) {
            this.log.error({ err: String(e), calls: batch.length }, 'call records could not be written');
            break;
          }
        }
      }
    }
    this.running = null;
  }
}
