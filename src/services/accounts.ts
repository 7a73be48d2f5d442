/**
 * Accounts (spec §2). Operators create and list accounts on the operator path; an account admin reads
 * and changes their own account's settings.
 */
import { AppError, notFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { parseNumber } from '../domain/phone.ts';
import { checkCountry, checkExtensionRules, checkName, checkSipDomain } from '../domain/tenancy.ts';
import type { Sql } from '../store/db.ts';
import { getAccount, toAccount, type Account } from '../store/repos/accounts.ts';
import { allExtensions } from '../store/repos/extensions.ts';
import { decodeCursor, toPage, type Page } from '../store/pagination.ts';
import { asOperator, inAccount, type Ctx } from './context.ts';
import { createSiteIn, type SiteInput } from './sites.ts';
import { createUserIn, type UserInput } from './users.ts';
import type { User } from '../store/repos/users.ts';
import type { Site } from '../store/repos/accounts.ts';

export interface AccountInput {
  name: string;
  country: string;
  sipDomain: string;
  extMinLength?: number;
  extMaxLength?: number;
  intlWhitelist?: string[] | null;
  premiumAllowed?: boolean;
}

async function checkUnique(sql: Sql, name: string, sipDomain: string, exceptId: string | null): Promise<void> {
  const rows = await sql.query<{ name_taken: boolean; domain_taken: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM accounts WHERE lower(name) = lower($1) AND id IS DISTINCT FROM $3::uuid) AS name_taken,
            EXISTS (SELECT 1 FROM accounts WHERE lower(sip_domain) = lower($2) AND id IS DISTINCT FROM $3::uuid) AS domain_taken`,
    [name, sipDomain, exceptId]);
  if (rows[0]?.name_taken) throw new AppError('account_name_taken', `An account named "${name}" exists`, 'name');
  if (rows[0]?.domain_taken) throw new AppError('sip_domain_taken', `The SIP domain ${sipDomain} is in use`, 'sipDomain');
}

function checkWhitelist(list: string[] | null | undefined): void {
  for (const c of list ?? []) checkCountry(c, 'intlWhitelist');
}

/**
 * Opens a new account with its first site (and main number) and its first account admin: an
 * account is usable only with both.
 */
export async function createAccount(ctx: Ctx, input: AccountInput & { firstSite: SiteInput; admin: UserInput }): Promise<{ account: Account; site: Site; admin: User }> {
  const name = checkName(input.name, 'name', 'The account name');
  checkCountry(input.country);
  checkSipDomain(input.sipDomain);
  const min = input.extMinLength ?? 3;
  const max = input.extMaxLength ?? 4;
  checkExtensionRules(min, max);
  checkWhitelist(input.intlWhitelist);
  const id = newId();
  const result = await asOperator(ctx, id, async (tx) => {
    await checkUnique(tx.sql, name, input.sipDomain, null);
    const r = (await tx.sql.query(
      `INSERT INTO accounts (id, name, country, ext_min_length, ext_max_length, sip_domain, intl_whitelist, premium_allowed)
       VALUES ($1, $2, $3, $4, $5, lower($6), $7, $8) RETURNING *`,
      [id, name, input.country, min, max, input.sipDomain, input.intlWhitelist ?? null, input.premiumAllowed ?? false]))[0]!;
    const account = toAccount(r);
    await tx.audit({ action: 'account.create', targetType: 'account', targetId: id, after: account });
    const site = await createSiteIn(tx, account, { ...input.firstSite, mainNumber: parseNumber(input.firstSite.mainNumber, account.country, 'firstSite.mainNumber').e164 }, 'firstSite');
    const admin = await createUserIn(tx, ctx, account, { ...input.admin, siteId: site.id, role: 'account_admin' }, 'admin');
    tx.emit('account.created', id);
    return { account, site, admin };
  });
  return result;
}

export async function listAccounts(ctx: Ctx, q: { limit: number; cursor?: string; search?: string }): Promise<Page<Account>> {
  const after = decodeCursor(q.cursor, 2);
  return asOperator(ctx, null, async (tx) => {
    const rows = await tx.sql.query(
      `SELECT * FROM accounts WHERE ($1::text IS NULL OR name ILIKE '%' || $1 || '%')
         AND ($2::text IS NULL OR (lower(name), id) > ($2, $3::uuid))
       ORDER BY lower(name), id LIMIT $4`,
      [q.search ?? null, after?.[0] ?? null, after?.[1] ?? null, q.limit + 1]);
    return toPage(rows, q.limit, (r) => [(r.name as string).toLowerCase(), r.id as string], toAccount);
  });
}

export async function getAccountById(ctx: Ctx, accountId: string): Promise<Account> {
  const a = ctx.actor.role === 'operator'
    ? await asOperator(ctx, null, (tx) => getAccount(tx.sql, accountId))
    : ctx.actor.accountId === accountId ? await inAccount(ctx, (tx) => getAccount(tx.sql, accountId)) : null;
  if (!a) throw notFound('Account');
  return a;
}

export interface AccountPatch {
  name?: string;
  country?: string;
  extMinLength?: number;
  extMaxLength?: number;
  intlWhitelist?: string[] | null;
  premiumAllowed?: boolean;
}

/** Changes an account's settings; new extension lengths must fit every extension in use. */
export async function updateAccount(ctx: Ctx, accountId: string, patch: AccountPatch): Promise<Account> {
  if (ctx.actor.role !== 'operator' && ctx.actor.accountId !== accountId) throw notFound('Account');
  if (patch.name !== undefined) patch.name = checkName(patch.name, 'name', 'The account name');
  if (patch.country !== undefined) checkCountry(patch.country);
  checkWhitelist(patch.intlWhitelist);
  const actorCtx: Ctx = ctx.actor.role === 'operator' ? { ...ctx, actor: { ...ctx.actor, accountId } } : ctx;
  return inAccount(actorCtx, async (tx) => {
    const before = await getAccount(tx.sql, accountId);
    if (!before) throw notFound('Account');
    const min = patch.extMinLength ?? before.extMinLength;
    const max = patch.extMaxLength ?? before.extMaxLength;
    checkExtensionRules(min, max);
    const misfits = (await allExtensions(tx.sql, accountId)).filter((e) => e.length < min || e.length > max).sort();
    if (misfits.length > 0) {
      throw new AppError('extension_length_conflict', `${misfits.length} extension(s) in use do not have ${min}–${max} digits (for example ${misfits.slice(0, 5).join(', ')}); change them first`, 'extMinLength', { extensions: misfits.slice(0, 50) });
    }
    if (patch.name !== undefined) await checkUnique(tx.sql, patch.name, before.sipDomain, accountId);
    const r = (await tx.sql.query(
      `UPDATE accounts SET name = $2, country = $3, ext_min_length = $4, ext_max_length = $5, intl_whitelist = $6, premium_allowed = $7 WHERE id = $1 RETURNING *`,
      [accountId, patch.name ?? before.name, patch.country ?? before.country, min, max,
       patch.intlWhitelist !== undefined ? patch.intlWhitelist : before.intlWhitelist, patch.premiumAllowed ?? before.premiumAllowed]))[0]!;
    const after = toAccount(r);
    await tx.audit({ action: 'account.update', targetType: 'account', targetId: accountId, before, after });
    tx.emit('account.updated', accountId);
    return after;
  });
}
