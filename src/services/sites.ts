/**
 * Sites (spec §2): a location with exactly one main number, listed alphabetically. Account admins
 * create and change sites; site admins see only the sites given to them.
 */
import { AppError, notFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { parseNumber } from '../domain/phone.ts';
import { checkName, checkTimeZone } from '../domain/tenancy.ts';
import { getAccount, getSite, listSites as listSitesRepo, siteNameTaken, type Account, type Site } from '../store/repos/accounts.ts';
import { insertNumber, numberTaken } from '../store/repos/numbers.ts';
import { accountOf, adminsSite, inAccount, isAdmin, type Ctx, type Tx } from './context.ts';

export interface SiteInput {
  name: string;
  timeZone: string;
  address?: string;
  mainNumber: string;
}

/** Creates a site and its main number (active, read-only) inside an open transaction. */
export async function createSiteIn(tx: Tx, account: Account, input: SiteInput, fieldPrefix = ''): Promise<Site> {
  const f = (n: string) => (fieldPrefix ? `${fieldPrefix}.${n}` : n);
  const name = checkName(input.name, f('name'), 'The site name');
  checkTimeZone(input.timeZone, f('timeZone'));
  const main = parseNumber(input.mainNumber, account.country, f('mainNumber'));
  if (await siteNameTaken(tx.sql, account.id, name, null)) throw new AppError('site_name_taken', `A site named "${name}" exists in this account`, f('name'));
  if (await numberTaken(tx.sql, main.e164)) throw new AppError('number_taken', `${main.e164} is already allocated`, f('mainNumber'));
  const id = newId();
  await tx.sql.query(`INSERT INTO sites (id, account_id, name, time_zone, address) VALUES ($1, $2, $3, $4, $5)`, [id, account.id, name, input.timeZone, input.address ?? '']);
  await insertNumber(tx.sql, account.id, id, main.e164, 'active', true);
  const site = (await getSite(tx.sql, account.id, id))!;
  await tx.audit({ action: 'site.create', targetType: 'site', targetId: id, after: site });
  tx.emit('site.created', id);
  return site;
}

export async function createSite(ctx: Ctx, input: SiteInput): Promise<Site> {
  return inAccount(ctx, async (tx) => {
    const account = await getAccount(tx.sql, accountOf(ctx));
    if (!account) throw notFound('Account');
    return createSiteIn(tx, account, input);
  });
}

/** Sites alphabetically; a site admin sees only theirs. */
export async function listSites(ctx: Ctx): Promise<Site[]> {
  const only = isAdmin(ctx.actor) ? null : ctx.actor.siteIds;
  return inAccount(ctx, (tx) => listSitesRepo(tx.sql, accountOf(ctx), only));
}

export async function getSiteFor(ctx: Ctx, siteId: string): Promise<Site> {
  if (!adminsSite(ctx.actor, siteId)) throw notFound('Site');
  const site = await inAccount(ctx, (tx) => getSite(tx.sql, accountOf(ctx), siteId));
  if (!site) throw notFound('Site');
  return site;
}

export async function updateSite(ctx: Ctx, siteId: string, patch: { name?: string; timeZone?: string; address?: string }): Promise<Site> {
  const accountId = accountOf(ctx);
  const name = patch.name === undefined ? undefined : checkName(patch.name, 'name', 'The site name');
  if (patch.timeZone !== undefined) checkTimeZone(patch.timeZone);
  return inAccount(ctx, async (tx) => {
    const before = await getSite(tx.sql, accountId, siteId);
    if (!before) throw notFound('Site');
    if (name !== undefined && (await siteNameTaken(tx.sql, accountId, name, siteId))) throw new AppError('site_name_taken', `A site named "${name}" exists in this account`, 'name');
    await tx.sql.query(`UPDATE sites SET name = $3, time_zone = $4, address = $5 WHERE account_id = $1 AND id = $2`,
      [accountId, siteId, name ?? before.name, patch.timeZone ?? before.timeZone, patch.address ?? before.address]);
    const after = (await getSite(tx.sql, accountId, siteId))!;
    await tx.audit({ action: 'site.update', targetType: 'site', targetId: siteId, before, after });
    tx.emit('site.updated', siteId);
    return after;
  });
}

/** Deletes a site that has nothing left in it but its main number. */
export async function deleteSite(ctx: Ctx, siteId: string): Promise<void> {
  const accountId = accountOf(ctx);
  await inAccount(ctx, async (tx) => {
    const before = await getSite(tx.sql, accountId, siteId);
    if (!before) throw notFound('Site');
    const r = (await tx.sql.query<{ users: number; numbers: number; devices: number; portals: number; sites: number }>(
      `SELECT (SELECT count(*)::int FROM users WHERE account_id = $1 AND site_id = $2) AS users,
              (SELECT count(*)::int FROM numbers WHERE account_id = $1 AND site_id = $2 AND NOT is_main) AS numbers,
              (SELECT count(*)::int FROM devices WHERE account_id = $1 AND site_id = $2) AS devices,
              (SELECT count(*)::int FROM oa_portals WHERE account_id = $1 AND site_id = $2) AS portals,
              (SELECT count(*)::int FROM sites WHERE account_id = $1) AS sites`, [accountId, siteId]))[0]!;
    if (r.users + r.numbers + r.devices + r.portals > 0) {
      throw new AppError('site_in_use', `The site still has ${r.users} user(s), ${r.numbers} number(s) besides its main number, ${r.devices} device(s) and ${r.portals} Office Anywhere portal(s) scoped to it; move or delete them first`);
    }
    if (r.sites <= 1) throw new AppError('site_in_use', 'An account keeps at least one site');
    await tx.sql.query(`DELETE FROM site_admin_sites WHERE account_id = $1 AND site_id = $2`, [accountId, siteId]);
    await tx.sql.query(`DELETE FROM numbers WHERE account_id = $1 AND site_id = $2 AND is_main`, [accountId, siteId]);
    await tx.sql.query(`DELETE FROM sites WHERE account_id = $1 AND id = $2`, [accountId, siteId]);
    await tx.audit({ action: 'site.delete', targetType: 'site', targetId: siteId, before });
    tx.emit('site.deleted', siteId);
  });
}
