/**
 * Domain events, published after the transaction that caused them commits. Caches (the directory
 * index, later the routing snapshot) subscribe to them. In-process by default: `publish` resolves
 * once every local subscriber has handled the event, so the request that caused a change answers
 * only after the caches reflect it ("effective for the very next request"). A NATS adapter plugs in
 * behind the same interface for scale-out.
 */

export interface DomainEvent {
  type: string;
  accountId: string | null;
  /** The changed object's id. */
  id: string;
  at: string;
  /** Facts a subscriber needs without reading the database (never secrets). */
  data?: Record<string, unknown>;
}

export type EventHandler = (e: DomainEvent) => void | Promise<void>;

export interface Bus {
  publish(e: Omit<DomainEvent, 'at'>): Promise<void>;
  subscribe(handler: EventHandler): () => void;
}

export class LocalBus implements Bus {
  private readonly handlers = new Set<EventHandler>();
  async publish(e: Omit<DomainEvent, 'at'>): Promise<void> {
    const event: DomainEvent = { ...e, at: new Date().toISOString() };
    const results = await Promise.allSettled([...this.handlers].map(async (h) => h(event)));
    // A failing subscriber must not undo a committed change; it is reported, not thrown.
    for (const r of results) if (r.status === 'rejected') process.emitWarning(`event subscriber failed on ${e.type}: ${String(r.reason)}`);
  }
  subscribe(handler: EventHandler): () => void {
    this.handlers.add(handler);
    return () => void this.handlers.delete(handler);
  }
}
