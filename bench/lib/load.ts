/** What the benchmarks share: percentiles, a seeded PRNG, and the open-loop load generator. */

/** The p-th percentile of an ascending array (nearest rank). */
export const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;

/** A small deterministic PRNG (mulberry32), so every run measures the same inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface OpenLoopSample<T> {
  /** Milliseconds from the scheduled send time (waiting for a free slot counts: no coordinated omission). */
  total: number;
  /** Milliseconds from the actual send time. */
  service: number;
  /** What `send` answered; null when it threw. */
  result: T | null;
  index: number;
}

/**
 * Open-loop load: request i is due at start + i / rate, whatever earlier answers do, with at most
 * `concurrency` in flight; requests that find no free slot wait and are counted as late.
 */
export async function openLoop<T>(opts: { rate: number; durationS: number; concurrency: number }, send: (i: number) => Promise<T>): Promise<{ samples: OpenLoopSample<T>[]; elapsedMs: number; late: number }> {
  const total = Math.round(opts.rate * opts.durationS);
  const samples: OpenLoopSample<T>[] = [];
  let inFlight = 0;
  let late = 0;
  const waiting: (() => void)[] = [];
  const slot = async (): Promise<void> => {
    if (inFlight < opts.concurrency) {
      inFlight++;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else inFlight--;
  };
  const run = async (index: number, due: number): Promise<void> => {
    await slot();
    const sent = performance.now();
    if (sent - due > 1000 / opts.rate) late++;
    let result: T | null = null;
    try {
      result = await send(index);
    } catch {
      result = null;
    } finally {
      const now = performance.now();
      samples.push({ total: now - due, service: now - sent, result, index });
      release();
    }
  };
  const start = performance.now();
  const all: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / opts.rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    all.push(run(i, due));
  }
  await Promise.all(all);
  return { samples, elapsedMs: performance.now() - start, late };
}
