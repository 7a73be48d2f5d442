/**
 * Live updates of a site's number list (spec §3 "Refresh": lists reflect other admins' changes, live
 * where the client is connected). A watcher gets the id and kind of every committed change that alters
 * a row of the site's list: a number of the site created, changed or released (a removed user's number
 * is unassigned, a change), or the user a number of the site is assigned to renamed. It gets ids only; the client reads the list again through
 * the ordinary, access-checked list route.
 */
import { notFound } from '../domain/errors.ts';
import { getSite } from '../store/repos/accounts.ts';
import type { DomainEvent } from '../bus/index.ts';
import { accountOf, adminsSite, type Ctx } from './context.ts';

export interface NumberListChange {
  type: string;
  id: string;
}

/**
 * Checks that the actor administers the site (else 404, as for the list), then calls `onChange` for
 * each change of the site's list until the returned function is called.
 */
export async function watchSiteNumbers(ctx: Ctx, siteId: string, onChange: (c: NumberListChange) => void): Promise<() => void> {
  if (!adminsSite(ctx.actor, siteId)) throw notFound('Site');
  const accountId = accountOf(ctx);
  if (!(await ctx.db.tenant(accountId, (sql) => getSite(sql, accountId, siteId)))) throw notFound('Site');

  const concerns = async (e: DomainEvent): Promise<boolean> => {
    if (e.accountId !== accountId) return false;
    if (e.type === 'number.deleted') return e.data?.siteId === siteId;
    const query = e.type.startsWith('number.')
      ? `SELECT 1 FROM numbers WHERE account_id = $1 AND id = $2 AND site_id = $3`
      : e.type === 'user.updated' // a rename changes "assigned to"; a removal unassigns, a number event
        ? `SELECT 1 FROM numbers WHERE account_id = $1 AND user_id = $2 AND site_id = $3`
        : null;
    if (!query) return false;
    const rows = await ctx.db.tenant(accountId, (sql) => sql.query(query, [accountId, e.id, siteId]));
    return rows.length > 0;
  };
  let open = true;
  const unsubscribe = ctx.bus.subscribe(async (e) => {
    if (open && (await concerns(e)) && open) onChange({ type: e.type, id: e.id });
  });
  return () => {
    open = false;
    unsubscribe();
  };
}
