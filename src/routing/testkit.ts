/**
 * Builders for routing tests: a snapshot assembled in memory, with the same shapes build.ts
 * compiles from the database. Deterministic ids (`acct-1`, `user-3`, …) keep explanations readable.
 */
import { DEFAULT_FEATURES, type FeatureState } from '../domain/features.ts';
import { emptySnapshot, type AccountSnap, type CallRuleSnap, type GrantSnap, type NumberSnap, type PortalSnap, type Snapshot, type UserSnap } from './snapshot.ts';

export class SnapshotBuilder {
  readonly snap: Snapshot = emptySnapshot();
  private n = 0;
  private id(kind: string): string {
    return `${kind}-${++this.n}`;
  }

  /** An account with one site ("HQ") whose main number is `mainNumber`. */
  account(o: { name: string; country?: string; mainNumber: string; extMinLength?: number; extMaxLength?: number; intlWhitelist?: string[] | null; premiumAllowed?: boolean }): AccountSnap {
    const a: AccountSnap = {
      id: this.id('acct'), name: o.name, country: o.country ?? 'DE', sipDomain: `${o.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example.net`,
      extMinLength: o.extMinLength ?? 3, extMaxLength: o.extMaxLength ?? 4, intlWhitelist: o.intlWhitelist ?? null, premiumAllowed: o.premiumAllowed ?? false,
      sites: new Map(), users: new Map(), extensions: new Map(), portals: new Map(), callRules: new Map(), grants: new Map(),
    };
    this.snap.accounts.set(a.id, a);
    this.site(a, 'HQ', o.mainNumber);
    return a;
  }

  site(a: AccountSnap, name: string, mainNumber: string): string {
    const id = this.id('site');
    a.sites.set(id, { id, name, mainNumber });
    this.number(a, mainNumber, { siteId: id, isMain: true });
    return id;
  }

  /** The first site of the account. */
  hq(a: AccountSnap): string {
    return [...a.sites.keys()][0]!;
  }

  number(a: AccountSnap, e164: string, o: { siteId?: string; isMain?: boolean; status?: NumberSnap['status']; userId?: string | null; features?: Partial<FeatureState>; handset?: boolean; displayName?: { line1: string; line2: string } } = {}): NumberSnap {
    const id = this.id('num');
    const n: NumberSnap = {
      id, accountId: a.id, siteId: o.siteId ?? this.hq(a), e164, status: o.status ?? 'active', isMain: o.isMain ?? false, userId: o.userId ?? null,
      displayName: o.displayName ?? null, features: { ...DEFAULT_FEATURES, ...(o.features ?? {}) },
      handset: o.handset ? { deviceId: this.id('dev'), phoneId: `PH${this.n}`, sipUsername: `ph${this.n}` } : null, portalId: null,
    };
    this.snap.numbers.set(e164, n);
    return n;
  }

  /** A user with an extension and, optionally, a number (active, logged into a handset unless `handset: false`). */
  user(a: AccountSnap, o: { firstName: string; lastName: string; extension?: string | null; number?: string; features?: Partial<FeatureState>; handset?: boolean; siteId?: string; officeAnywhere?: boolean; alternates?: { e164: string; active: boolean }[] }): UserSnap {
    const u: UserSnap = {
      id: this.id('user'), accountId: a.id, siteId: o.siteId ?? this.hq(a), firstName: o.firstName, lastName: o.lastName, extension: o.extension ?? null,
      number: o.number ?? null, officeAnywhereEnabled: o.officeAnywhere ?? false, alternatePhones: o.alternates ?? [], callRuleId: null,
    };
    a.users.set(u.id, u);
    if (u.extension) a.extensions.set(u.extension, { type: 'user', id: u.id });
    if (o.number) this.number(a, o.number, { siteId: u.siteId, userId: u.id, features: o.features ?? {}, handset: o.handset ?? true });
    return u;
  }

  portal(a: AccountSnap, e164: string, o: { name?: string; extension?: string; scope?: 'account' | 'site'; siteId?: string } = {}): PortalSnap {
    const n = this.number(a, e164, { siteId: o.siteId ?? this.hq(a) });
    const p: PortalSnap = { id: this.id('portal'), numberE164: e164, name: o.name ?? e164, extension: o.extension ?? null, scope: o.scope ?? 'account', siteId: o.scope === 'site' ? (o.siteId ?? this.hq(a)) : null };
    n.portalId = p.id;
    a.portals.set(p.id, p);
    if (p.extension) a.extensions.set(p.extension, { type: 'oa_portal', id: p.id });
    return p;
  }

  /** Puts accounts in one active federation: every pair gets the union of what it had and `grant`. */
  federate(accounts: AccountSnap[], grant: GrantSnap): void {
    for (const x of accounts) {
      for (const y of accounts) {
        if (x === y) continue;
        const had = x.grants.get(y.id);
        x.grants.set(y.id, had
          ? { directory: had.directory || grant.directory, extensionDialing: had.extensionDialing || grant.extensionDialing, metered: had.metered && grant.metered, showExtension: had.showExtension || grant.showExtension }
          : { ...grant });
      }
    }
  }

  /** An outbound call rule, assigned to the given users. */
  callRule(a: AccountSnap, o: Omit<CallRuleSnap, 'id'>, users: UserSnap[] = []): CallRuleSnap {
    const r: CallRuleSnap = { id: this.id('rule'), ...o };
    a.callRules.set(r.id, r);
    for (const u of users) u.callRuleId = r.id;
    return r;
  }

  rate(prefix: string, perMinute: number, setup = 0, description = ''): void {
    this.snap.rates.push({ prefix, description, perMinute, setup });
    this.snap.rates.sort((x, y) => y.prefix.length - x.prefix.length || x.prefix.localeCompare(y.prefix));
  }
}

export const LINKED: GrantSnap = { directory: true, extensionDialing: true, metered: false, showExtension: true };
export const FEDERATED: GrantSnap = { directory: true, extensionDialing: false, metered: false, showExtension: false };
