/**
 * The federated directory's in-memory index (spec §8 "Directory"): every user of every account,
 * sorted by name per account, searchable as the user types (search.ts has the matching rules).
 *
 * It is built once, on first use, with ONE system read across all accounts on the operator path —
 * the one cross-account read the directory needs. It never decides who sees what: the directory
 * service (services/directory.ts) names the accounts a request may search, from the grants read
 * fresh for that request, and masks the fields the grants do not share.
 *
 * It stays current through the event bus: `user.*` and `presence.*` events reload that user,
 * `number.*` events reload whoever holds or held the number, `account.*` events (re)name an office,
 * and `directory.reindex` (bulk loads) reloads a whole account. The in-process bus awaits every
 * subscriber after commit, so a change is searchable by the time the API answers the request that
 * made it (spec §8: "New users in a member account appear to all members automatically; removed
 * users disappear").
 *
 * One index per Services instance, found with {@link directoryFor}; no start-up wiring is needed
 * (the first search builds it), and {@link DirectoryIndex.warm} builds it ahead of time.
 */
import type { Bus, DomainEvent } from '../bus/index.ts';
import { isUuid } from '../domain/ids.ts';
import type { Services } from '../services/context.ts';
import type { Database, Row } from '../store/db.ts';
import { parseQuery } from './search.ts';
import { Shard, type Entry, type Person } from './shard.ts';

export type { Entry, Person } from './shard.ts';

/** One account a search covers, and whether its extensions may be searched. */
export interface ShardScope {
  accountId: string;
  matchExtension: boolean;
}

export interface SearchResult {
  /** At most `limit` entries, in (last name, first name, id) order. */
  items: Entry[];
  /** Whether more entries match after the last one. */
  more: boolean;
}

const PERSON_SELECT = `
  SELECT u.id, u.account_id, u.first_name, u.last_name, u.email, u.presence, u.profile_image_url,
         x.extension, n.id AS number_id, n.e164 AS number
    FROM users u
    LEFT JOIN extensions x ON x.account_id = u.account_id AND x.target_type = 'user' AND x.target_id = u.id
    LEFT JOIN numbers n ON n.account_id = u.account_id AND n.user_id = u.id`;

const toPerson = (r: Row): Person => ({
  id: r.id as string,
  accountId: r.account_id as string,
  firstName: r.first_name as string,
  lastName: r.last_name as string,
  email: r.email as string,
  extension: (r.extension as string | null) ?? null,
  numberId: (r.number_id as string | null) ?? null,
  number: (r.number as string | null) ?? null,
  presence: r.presence as string,
  profileImageUrl: (r.profile_image_url as string | null) ?? null,
});

const RELEVANT = /^(user|presence|number|account|directory)\./;

export class DirectoryIndex {
  private readonly shards = new Map<string, Shard>();
  /** Which user holds each number the index shows (number events carry only the number id). */
  private readonly numberHolder = new Map<string, string>();
  /** userId → account, for users whose account an event does not name. */
  private readonly accountOfUser = new Map<string, string>();
  private state: 'cold' | 'loading' | 'ready' = 'cold';
  private loading: Promise<void> | null = null;
  private readonly queued: DomainEvent[] = [];
  /** The latest reload asked for per user: an older read finishing later must not win. */
  private readonly tickets = new Map<string, number>();
  private counter = 0;
  private readonly unsubscribe: () => void;
  /** How long the last full build took (ms), for the benchmark and logs. */
  buildMs = 0;

  constructor(private readonly db: Database, bus: Bus) {
    this.unsubscribe = bus.subscribe((e) => this.onEvent(e));
  }

  /** Builds the index if it is not built yet; resolves once it is current. */
  warm(): Promise<void> {
    if (this.state === 'ready') return Promise.resolve();
    this.loading ??= this.load().catch((err: unknown) => {
      this.state = 'cold';
      this.loading = null;
      throw err;
    });
    return this.loading;
  }

  /** Stops following events (the index is then frozen). */
  close(): void {
    this.unsubscribe();
  }

  /** People in the index (all accounts). */
  get size(): number {
    let n = 0;
    for (const s of this.shards.values()) n += s.size;
    return n;
  }

  /** The account's name as the index knows it (its Office), or null for an unknown account. */
  officeName(accountId: string): string | null {
    return this.shards.get(accountId)?.name ?? null;
  }

  private async load(): Promise<void> {
    this.state = 'loading';
    const t0 = performance.now();
    // The one cross-account read of the directory (see the header): every account and every user.
    const { accounts, people } = await this.db.operator(async (sql) => ({
      accounts: await sql.query<{ id: string; name: string }>(`SELECT id, name FROM accounts`),
      people: (await sql.query(PERSON_SELECT)).map(toPerson),
    }));
    this.shards.clear();
    this.numberHolder.clear();
    this.accountOfUser.clear();
    const byAccount = new Map<string, Person[]>();
    for (const a of accounts) {
      this.shards.set(a.id, new Shard(a.id, a.name));
      byAccount.set(a.id, []);
    }
    for (const p of people) {
      byAccount.get(p.accountId)?.push(p);
      this.track(p);
    }
    for (const [id, list] of byAccount) {
      const shard = this.shards.get(id)!;
      shard.reset(list);
      shard.prepare();
    }
    // Events that arrived while reading are applied now: their reads see the committed state.
    while (this.queued.length > 0) await this.apply(this.queued.shift()!);
    this.buildMs = performance.now() - t0;
    this.state = 'ready';
  }

  private track(p: Person): void {
    this.accountOfUser.set(p.id, p.accountId);
    if (p.numberId) this.numberHolder.set(p.numberId, p.id);
  }

  private untrack(id: string, e: Person | undefined): void {
    this.accountOfUser.delete(id);
    if (e?.numberId && this.numberHolder.get(e.numberId) === id) this.numberHolder.delete(e.numberId);
  }

  private async onEvent(e: DomainEvent): Promise<void> {
    if (!RELEVANT.test(e.type)) return;
    if (this.state === 'cold') return; // nothing cached: the first build reads the current state
    if (this.state === 'loading') {
      this.queued.push(e);
      return;
    }
    await this.apply(e);
  }

  private async apply(e: DomainEvent): Promise<void> {
    const kind = e.type.slice(0, e.type.indexOf('.'));
    if (kind === 'user' || kind === 'presence') await this.reloadUsers([e.id]);
    else if (kind === 'number') await this.reloadNumber(e.id);
    else if (kind === 'account') await this.reloadAccount(e.id);
    else if (e.type === 'directory.reindex') await this.reindexAccount(e.id);
  }

  private async reloadUsers(all: string[]): Promise<void> {
    const ids = all.filter(isUuid);
    if (ids.length === 0) return;
    const mine = ids.map((id) => {
      const t = ++this.counter;
      this.tickets.set(id, t);
      return [id, t] as const;
    });
    const rows = await this.db.operator((sql) => sql.query(`${PERSON_SELECT} WHERE u.id = ANY($1::uuid[])`, [ids]));
    const found = new Map(rows.map((r) => [r.id as string, toPerson(r)]));
    const missingAccounts = [...new Set([...found.values()].map((p) => p.accountId).filter((a) => !this.shards.has(a)))];
    if (missingAccounts.length > 0) {
      const names = await this.db.operator((sql) => sql.query<{ id: string; name: string }>(`SELECT id, name FROM accounts WHERE id = ANY($1::uuid[])`, [missingAccounts]));
      for (const a of names) if (!this.shards.has(a.id)) this.shards.set(a.id, new Shard(a.id, a.name));
    }
    for (const [id, t] of mine) {
      if (this.tickets.get(id) !== t) continue; // a newer reload of this user is on its way
      this.tickets.delete(id);
      const p = found.get(id);
      const was = this.accountOfUser.get(id);
      if (was) this.untrack(id, this.shards.get(was)?.remove(id));
      if (p) {
        this.shards.get(p.accountId)?.upsert(p);
        this.track(p);
      }
    }
  }

  private async reloadNumber(numberId: string): Promise<void> {
    if (!isUuid(numberId)) return;
    const holder = await this.db.operator((sql) => sql.query<{ user_id: string | null }>(`SELECT user_id FROM numbers WHERE id = $1`, [numberId]));
    const ids = new Set<string>();
    const now = holder[0]?.user_id;
    if (now) ids.add(now);
    const before = this.numberHolder.get(numberId);
    if (before) ids.add(before);
    if (ids.size > 0) await this.reloadUsers([...ids]);
  }

  private async reloadAccount(accountId: string): Promise<void> {
    if (!isUuid(accountId)) return;
    const r = (await this.db.operator((sql) => sql.query<{ name: string }>(`SELECT name FROM accounts WHERE id = $1`, [accountId])))[0];
    if (!r) {
      await this.reindexAccount(accountId); // the account is gone: so are its people
      return;
    }
    const s = this.shards.get(accountId);
    if (s) s.name = r.name;
    else this.shards.set(accountId, new Shard(accountId, r.name));
  }

  private async reindexAccount(accountId: string): Promise<void> {
    if (!isUuid(accountId)) return;
    const { account, people } = await this.db.operator(async (sql) => ({
      account: (await sql.query<{ name: string }>(`SELECT name FROM accounts WHERE id = $1`, [accountId]))[0],
      people: (await sql.query(`${PERSON_SELECT} WHERE u.account_id = $1`, [accountId])).map(toPerson),
    }));
    const old = this.shards.get(accountId);
    for (const [userId, acc] of [...this.accountOfUser]) if (acc === accountId) this.untrack(userId, old?.get(userId));
    if (!account) {
      this.shards.delete(accountId);
      return;
    }
    const s = old ?? new Shard(accountId, account.name);
    s.name = account.name;
    s.reset(people);
    s.prepare();
    for (const p of people) this.track(p);
    this.shards.set(accountId, s);
  }

  /**
   * Searches the given accounts (and only those) for `q`, after the sort key `afterKey`, returning at
   * most `limit` entries merged across the accounts in (last name, first name, id) order. Stops as
   * soon as `limit + 1` matches are known. Call {@link warm} first.
   */
  search(scopes: readonly ShardScope[], q: string, afterKey: string | null, limit: number): SearchResult {
    if (this.state !== 'ready') throw new Error('The directory index is not built yet; await warm() first');
    const terms = parseQuery(q);
    const iters: Generator<Entry, void, undefined>[] = [];
    for (const s of scopes) {
      const shard = this.shards.get(s.accountId);
      if (shard) iters.push(shard.matches(terms, afterKey, s.matchExtension));
    }
    const heads = iters.map((it) => it.next());
    const out: Entry[] = [];
    while (out.length <= limit) {
      let best = -1;
      for (let i = 0; i < heads.length; i++) {
        const h = heads[i]!;
        if (!h.done && (best < 0 || h.value.key < (heads[best] as IteratorYieldResult<Entry>).value.key)) best = i;
      }
      if (best < 0) break;
      out.push((heads[best] as IteratorYieldResult<Entry>).value);
      heads[best] = iters[best]!.next();
    }
    for (const it of iters) it.return(undefined);
    const more = out.length > limit;
    return { items: more ? out.slice(0, limit) : out, more };
  }
}

const indexes = new WeakMap<Bus, WeakMap<Database, DirectoryIndex>>();

/** The directory index of these services (one per bus and database), created on first use. */
export function directoryFor(s: Pick<Services, 'db' | 'bus'>): DirectoryIndex {
  let byDb = indexes.get(s.bus);
  if (!byDb) {
    byDb = new WeakMap();
    indexes.set(s.bus, byDb);
  }
  let idx = byDb.get(s.db);
  if (!idx) {
    idx = new DirectoryIndex(s.db, s.bus);
    byDb.set(s.db, idx);
  }
  return idx;
}
