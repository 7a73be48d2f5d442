/**
 * The edge's defence against password guessing (issue 5 "Edge security, basics"): failed digest
 * authentications are counted per source address and per user name. Per address: after
 * `throttleAfter` failures in the window, that address's requests are refused without checking the
 * password; after `banAfter`, every packet from it is dropped for `banSeconds`. Per user: after
 * `userLockAfter` failures (from anywhere) the user is locked for `banSeconds` — except from the
 * addresses where that device is registered or last authenticated successfully, so an attacker
 * cannot lock the legitimate phone out. Memory is bounded: old entries are swept.
 */
export interface GuardOptions {
  windowSeconds: number;
  throttleAfter: number;
  banAfter: number;
  userLockAfter: number;
  banSeconds: number;
  /** At most this many addresses and users are tracked (the oldest are forgotten first). */
  maxTracked: number;
  now: () => number;
}

export const DEFAULT_GUARD: Omit<GuardOptions, 'now'> = {
  windowSeconds: 60,
  throttleAfter: 5,
  banAfter: 10,
  userLockAfter: 20,
  banSeconds: 600,
  maxTracked: 100_000,
};

interface Counter {
  /** Failure times (ms) inside the window, oldest first. */
  failures: number[];
  /** Banned (address) or locked (user) until this time (ms); 0 = not. */
  until: number;
}

export type GuardVerdict = 'ok' | 'throttled' | 'banned';

export class AuthGuard {
  private readonly opts: GuardOptions;
  private readonly byAddress = new Map<string, Counter>();
  private readonly byUser = new Map<string, Counter>();
  /** user key → addresses that authenticated successfully for it (most recent last). */
  private readonly trusted = new Map<string, Set<string>>();

  constructor(opts: Partial<GuardOptions> = {}) {
    this.opts = { ...DEFAULT_GUARD, now: Date.now, ...opts };
  }

  /** Whether every packet from this address is to be dropped. */
  isBanned(address: string): boolean {
    const c = this.byAddress.get(address);
    return c !== undefined && c.until > this.opts.now();
  }

  /** May an authentication attempt from `address` for `userKey` be checked at all? */
  check(address: string, userKey: string | null): GuardVerdict {
    const now = this.opts.now();
    const a = this.byAddress.get(address);
    if (a && a.until > now) return 'banned';
    if (a && this.recent(a, now) >= this.opts.throttleAfter) return 'throttled';
    if (userKey !== null) {
      const u = this.byUser.get(userKey);
      if (u && u.until > now && !this.trusted.get(userKey)?.has(address)) return 'throttled';
    }
    return 'ok';
  }

  /** A failed authentication (wrong password, unknown user, forged nonce). */
  failed(address: string, userKey: string | null): void {
    const now = this.opts.now();
    const a = this.counter(this.byAddress, address);
    a.failures.push(now);
    if (this.recent(a, now) >= this.opts.banAfter) a.until = now + this.opts.banSeconds * 1000;
    if (userKey !== null) {
      const u = this.counter(this.byUser, userKey);
      u.failures.push(now);
      if (this.recent(u, now) >= this.opts.userLockAfter) u.until = now + this.opts.banSeconds * 1000;
    }
  }

  /** A successful authentication: this address is the user's own, and its failure count starts over. */
  succeeded(address: string, userKey: string): void {
    const a = this.byAddress.get(address);
    if (a && a.until <= this.opts.now()) this.byAddress.delete(address);
    let t = this.trusted.get(userKey);
    if (!t) {
      this.evictIfFull(this.trusted);
      this.trusted.set(userKey, (t = new Set()));
    }
    t.delete(address);
    t.add(address);
    if (t.size > 8) t.delete(t.values().next().value!);
  }

  /** Lifts a ban (operator action, tests). */
  unban(address: string): void {
    this.byAddress.delete(address);
  }

  /** Drops counters that have nothing left to remember. */
  sweep(): void {
    const now = this.opts.now();
    for (const m of [this.byAddress, this.byUser]) {
      for (const [k, c] of m) if (c.until <= now && this.recent(c, now) === 0) m.delete(k);
    }
  }

  private recent(c: Counter, now: number): number {
    const from = now - this.opts.windowSeconds * 1000;
    while (c.failures.length > 0 && c.failures[0]! < from) c.failures.shift();
    return c.failures.length;
  }

  private counter(m: Map<string, Counter>, key: string): Counter {
    let c = m.get(key);
    if (!c) {
      this.evictIfFull(m);
      m.set(key, (c = { failures: [], until: 0 }));
    }
    return c;
  }

  private evictIfFull(m: Map<string, unknown>): void {
    if (m.size >= this.opts.maxTracked) m.delete(m.keys().next().value!);
  }
}
