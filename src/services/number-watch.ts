/**
 * Live updates of a site's number list (spec §3 "Refresh": lists reflect other admins' changes, live
 * where the client is connected). A watcher gets the id and kind of every committed change that alters
 * a row of the site's list: a number of the site created, changed or released (a removed user's number
 * is unassigned, a change), or the user a number of the site is assigned to renamed. It gets ids only;
 * the client reads the list again through the ordinary, access-checked list route.
 *
 * One subscription to the bus serves every watcher of a process: an event of an account somebody
 * watches is resolved to the sites it touches with one query, however many admins watch.
 */
import { notFound } from '../domain/errors.ts';
import { getSite } from '../store/repos/accounts.ts';
import type { Bus, DomainEvent } from '../bus/index.ts';
import type { Database } from '../store/db.ts';
import { accountOf, adminsSite, type Ctx } from './context.ts';

export interface NumberListChange {
  type: string;
  id: string;
}

interface Watcher {
  accountId: string;
  siteId: string;
  onChange(c: NumberListChange): void;
}

/** The watchers of one bus, and the one subscription that serves them while there are any. */
class WatchHub {
  private readonly watchers = new Set<Watcher>();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly bus: Bus, private readonly db: Database) {}

  add(w: Watcher): () => void {
    this.watchers.add(w);
    this.unsubscribe ??= this.bus.subscribe((e) => this.onEvent(e));
    return () => {
      this.watchers.delete(w);
      if (this.watchers.size === 0 && this.unsubscribe) {
        this.unsubscribe();
        this.unsubscribe = null;
      }
    };
  }

  private async onEvent(e: DomainEvent): Promise<void> {
    if (![...this.watchers].some((w) => w.accountId === e.accountId)) return;
    const sites = await this.sitesOf(e);
    // a watcher that stopped while the query ran gets nothing more
    for (const w of this.watchers) if (w.accountId === e.accountId && sites.has(w.siteId)) w.onChange({ type: e.type, id: e.id });
  }

  /** The sites whose number list the event changes. */
  private async sitesOf(e: DomainEvent): Promise<Set<string>> {
    if (e.accountId === null) return new Set();
    if (e.type === 'number.deleted') return new Set(typeof e.data?.siteId === 'string' ? [e.data.siteId] : []);
    const column = e.type.startsWith('number.') ? 'id'
      : e.type === 'user.updated' ? 'user_id' // a rename changes "assigned to"; a removal unassigns, a number event
      : null;
    if (!column) return new Set();
    const accountId = e.accountId;
    const rows = await this.db.tenant(accountId, (sql) =>
      sql.query<{ site_id: string }>(`SELECT DISTINCT site_id FROM numbers WHERE account_id = $1 AND ${column} = $2`, [accountId, e.id]));
    return new Set(rows.map((r) => r.site_id));
  }
}

const hubs = new WeakMap<Bus, WatchHub>();

/**
 * Checks that the actor administers the site (else 404, as for the list), then calls `onChange` for
 * each change of the site's list until the returned function is called.
 */
export async function watchSiteNumbers(ctx: Ctx, siteId: string, onChange: (c: NumberListChange) => void): Promise<() => void> {
  if (!adminsSite(ctx.actor, siteId)) throw notFound('Site');
  const accountId = accountOf(ctx);
  if (!(await ctx.db.tenant(accountId, (sql) => getSite(sql, accountId, siteId)))) throw notFound('Site');
  let hub = hubs.get(ctx.bus);
  if (!hub) hubs.set(ctx.bus, (hub = new WatchHub(ctx.bus, ctx.db)));
  return hub.add({ accountId, siteId, onChange });
}
