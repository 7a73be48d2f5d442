/**
 * Domain events, published after the transaction that caused them commits. In-process by default;
 * a NATS adapter plugs in behind the same interface for scale-out.
 */
import { EventEmitter } from 'node:events';

export interface DomainEvent {
  type: string;
  accountId: string | null;
  /** The changed object's id. */
  id: string;
  at: string;
}

export interface Bus {
  publish(e: Omit<DomainEvent, 'at'>): void;
  subscribe(handler: (e: DomainEvent) => void): () => void;
}

export class LocalBus implements Bus {
  private readonly emitter = new EventEmitter();
  publish(e: Omit<DomainEvent, 'at'>): void {
    this.emitter.emit('event', { ...e, at: new Date().toISOString() });
  }
  subscribe(handler: (e: DomainEvent) => void): () => void {
    this.emitter.on('event', handler);
    return () => this.emitter.off('event', handler);
  }
}
