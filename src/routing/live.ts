/**
 * The live snapshot: built from the database at start (the build time is reported), then patched
 * from bus events — an event of an account reloads that account's slice; a federation event reloads
 * its members' grants; a rate deck event reloads the deck. Publishing is awaited, so after any change
 * the API acknowledged, the next decision reflects it.
 */
import type { Bus, DomainEvent } from '../bus/index.ts';
import type { Database } from '../store/db.ts';
import { buildSnapshot, loadAccounts, loadRates } from './build.ts';
import type { Snapshot } from './snapshot.ts';

export class LiveRouting {
  private snap: Snapshot | null = null;
  private building: Promise<void> | null = null;
  /** Milliseconds the last full build took. */
  buildMs = 0;
  constructor(private readonly db: Database, bus: Bus) {
    bus.subscribe((e) => this.onEvent(e));
  }

  /** Builds the snapshot once (later calls wait for the same build). */
  warm(): Promise<void> {
    this.building ??= (async () => {
      const t0 = performance.now();
      this.snap = await buildSnapshot(this.db);
      this.buildMs = performance.now() - t0;
    })();
    return this.building;
  }

  /** The current snapshot, without waiting (the SIP hot path); throws before {@link warm} finished. */
  current(): Snapshot {
    if (!this.snap) throw new Error('the routing snapshot is not built yet: await warm() first');
    return this.snap;
  }

  /** The current snapshot; builds it first if needed. */
  async snapshot(): Promise<Snapshot> {
    await this.warm();
    return this.snap!;
  }

  private async onEvent(e: DomainEvent): Promise<void> {
    if (!this.snap) return; // not built yet: the build will read the change
    if (e.type.startsWith('rate_deck.')) {
      this.snap.rates = await loadRates(this.db);
      return;
    }
    const ids = new Set<string>();
    if (e.accountId) ids.add(e.accountId);
    const more = e.data?.accountIds;
    if (Array.isArray(more)) for (const id of more) if (typeof id === 'string') ids.add(id);
    if (ids.size > 0) await this.reload([...ids]);
  }

  /** Replaces the slices of these accounts (and their numbers) with fresh ones. */
  private async reload(accountIds: string[]): Promise<void> {
    const { accounts, numbers } = await loadAccounts(this.db, accountIds);
    const snap = this.snap!;
    for (const id of accountIds) {
      const a = accounts.get(id);
      if (a) snap.accounts.set(id, a);
      else snap.accounts.delete(id);
    }
    const ids = new Set(accountIds);
    for (const [e164, n] of snap.numbers) if (ids.has(n.accountId)) snap.numbers.delete(e164);
    for (const n of numbers) snap.numbers.set(n.e164, n);
    snap.builtAt = new Date().toISOString();
  }
}

const live = new WeakMap<Bus, WeakMap<Database, LiveRouting>>();

/**
 * The live routing snapshot of this database and bus — one per pair, whatever object carries them
 * (services, or a request's context built from them).
 */
export function routingFor(s: { db: Database; bus: Bus }): LiveRouting {
  let byDb = live.get(s.bus);
  if (!byDb) live.set(s.bus, (byDb = new WeakMap()));
  let r = byDb.get(s.db);
  if (!r) byDb.set(s.db, (r = new LiveRouting(s.db, s.bus)));
  return r;
}
