/**
 * Users (spec §2): one account, one site, a unique extension, a role. The account's user limit is
 * checked with the account row locked, so two concurrent creations cannot both take the last place.
 */
import { AppError, notFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { hashSecret, verifySecret } from '../domain/secrets.ts';
import { checkEmail, checkExtension, checkName, checkUserLimit } from '../domain/tenancy.ts';
import type { Sql } from '../store/db.ts';
import { countUsers, getSite, lockAccount, type Account } from '../store/repos/accounts.ts';
import { extensionOwner, setExtension } from '../store/repos/extensions.ts';
import { federatedExtensionOwner } from '../store/repos/federations.ts';
import { assertExtensionClearOfPrefixes } from './call-rules.ts';
import { emailTaken, getUser, listUsers as listUsersRepo, toUser, userSortKey, type User } from '../store/repos/users.ts';
import { decodeCursor, toPage, type Page } from '../store/pagination.ts';
import { accountOf, adminsSite, inAccount, isAdmin, type Ctx, type Tx } from './context.ts';

export interface UserInput {
  siteId?: string;
  firstName: string;
  lastName: string;
  email: string;
  extension?: string | null;
  role?: User['role'];
  password?: string | null;
  officeAnywhereEnabled?: boolean;
  profileImageUrl?: string | null;
}

export function checkPassword(p: string, field = 'password'): void {
  if (p.length < 10) throw new AppError('validation_failed', 'A password has at least 10 characters', field);
  if (p.length > 200) throw new AppError('validation_failed', 'A password has at most 200 characters', field);
}

/** Refuses an extension that breaks the account's rules or is used by another target. */
export async function claimExtension(sql: Sql, account: Account, ext: string, field: string, self: { type: 'user' | 'oa_portal'; id: string } | null): Promise<void> {
  checkExtension(ext, account, field);
  const owner = await extensionOwner(sql, account.id, ext);
  if (owner && !(self && owner.targetType === self.type && owner.targetId === self.id)) {
    const what = owner.targetType === 'user' ? 'a user' : owner.targetType === 'oa_portal' ? 'an Office Anywhere portal number' : `a ${owner.targetType.replace('_', ' ')}`;
    throw new AppError('extension_taken', `Extension ${ext} is already used by ${what} in this account`, field, { usedBy: owner });
  }
  await assertExtensionClearOfPrefixes(sql, account.id, ext, field);
  // Spec §8: with plain extension dialing across a federation, an extension must be unique across it.
  const other = await federatedExtensionOwner(sql, account.id, ext);
  if (other) {
    throw new AppError('extension_collision', `Extension ${ext} is used in ${other.accountName}, which this account dials by plain extension through a federation`, field, { accountId: other.accountId, accountName: other.accountName });
  }
}

/** Creates a user inside an open transaction (used by account creation and the CSV import too). */
export async function createUserIn(tx: Tx, ctx: Ctx, account: Account, input: UserInput & { siteId: string }, fieldPrefix = ''): Promise<User> {
  const f = (n: string) => (fieldPrefix ? `${fieldPrefix}.${n}` : n);
  const firstName = checkName(input.firstName, f('firstName'), 'The first name');
  const lastName = checkName(input.lastName, f('lastName'), 'The last name');
  checkEmail(input.email, f('email'));
  if (input.password) checkPassword(input.password, f('password'));
  const locked = await lockAccount(tx.sql, account.id);
  if (!locked) throw notFound('Account');
  checkUserLimit(await countUsers(tx.sql, account.id), 1, ctx.config.maxUsersPerAccount);
  if (!(await getSite(tx.sql, account.id, input.siteId))) throw new AppError('not_found', 'Site was not found', f('siteId'));
  if (await emailTaken(tx.sql, input.email, null)) throw new AppError('email_taken', `${input.email} is already in use`, f('email'));
  const id = newId();
  if (input.extension) await claimExtension(tx.sql, account, input.extension, f('extension'), null);
  const hash = input.password ? await hashSecret(input.password) : null;
  await tx.sql.query(
    `INSERT INTO users (id, account_id, site_id, first_name, last_name, email, role, password_hash, oa_enabled, profile_image_url)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [id, account.id, input.siteId, firstName, lastName, input.email.trim(), input.role ?? 'user', hash, input.officeAnywhereEnabled ?? false, input.profileImageUrl ?? null]);
  if (input.extension) await setExtension(tx.sql, account.id, 'user', id, input.extension);
  const user = (await getUser(tx.sql, account.id, id))!;
  await tx.audit({ action: 'user.create', targetType: 'user', targetId: id, after: user });
  tx.emit('user.created', id);
  return user;
}

export async function createUser(ctx: Ctx, input: UserInput & { siteId: string }): Promise<User> {
  return inAccount(ctx, async (tx) => {
    const account = await lockAccount(tx.sql, accountOf(ctx));
    if (!account) throw notFound('Account');
    return createUserIn(tx, ctx, account, input);
  });
}

/** Who may read a user: admins of the user's site, and the user themself. */
function canRead(ctx: Ctx, u: User): boolean {
  return adminsSite(ctx.actor, u.siteId) || ctx.actor.id === u.id;
}

export async function getUserFor(ctx: Ctx, userId: string): Promise<User> {
  const u = await inAccount(ctx, (tx) => getUser(tx.sql, accountOf(ctx), userId));
  if (!u || !canRead(ctx, u)) throw notFound('User');
  return u;
}

export async function listUsers(ctx: Ctx, q: { q?: string; siteId?: string; limit: number; cursor?: string }): Promise<Page<User>> {
  const after = decodeCursor(q.cursor, 3);
  let siteIds: string[] | null = isAdmin(ctx.actor) ? null : ctx.actor.siteIds;
  if (q.siteId) {
    if (!adminsSite(ctx.actor, q.siteId)) return { items: [], nextCursor: null };
    siteIds = [q.siteId];
  }
  const rows = await inAccount(ctx, (tx) => listUsersRepo(tx.sql, accountOf(ctx), { q: q.q, siteIds, after, limit: q.limit }));
  return toPage(rows, q.limit, userSortKey, toUser);
}

export interface UserPatch {
  siteId?: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  extension?: string | null;
  role?: User['role'];
  password?: string;
  officeAnywhereEnabled?: boolean;
  profileImageUrl?: string | null;
  adminSiteIds?: string[];
}

export async function updateUser(ctx: Ctx, userId: string, patch: UserPatch): Promise<User> {
  const accountId = accountOf(ctx);
  if (patch.email !== undefined) checkEmail(patch.email);
  if (patch.password !== undefined) checkPassword(patch.password);
  const firstName = patch.firstName === undefined ? undefined : checkName(patch.firstName, 'firstName', 'The first name');
  const lastName = patch.lastName === undefined ? undefined : checkName(patch.lastName, 'lastName', 'The last name');
  const hash = patch.password !== undefined ? await hashSecret(patch.password) : undefined;
  return inAccount(ctx, async (tx) => {
    const account = await lockAccount(tx.sql, accountId);
    const before = await getUser(tx.sql, accountId, userId);
    if (!account || !before) throw notFound('User');
    if (patch.siteId !== undefined && !(await getSite(tx.sql, accountId, patch.siteId))) throw new AppError('not_found', 'Site was not found', 'siteId');
    if (patch.email !== undefined && (await emailTaken(tx.sql, patch.email, userId))) throw new AppError('email_taken', `${patch.email} is already in use`, 'email');
    if (patch.extension) await claimExtension(tx.sql, account, patch.extension, 'extension', { type: 'user', id: userId });
    const role = patch.role ?? before.role;
    if (before.role === 'account_admin' && role !== 'account_admin') await checkNotLastAdmin(tx.sql, accountId, userId);
    await tx.sql.query(
      `UPDATE users SET site_id = $3, first_name = $4, last_name = $5, email = $6, role = $7, oa_enabled = $8, profile_image_url = $9,
              password_hash = coalesce($10, password_hash) WHERE account_id = $1 AND id = $2`,
      [accountId, userId, patch.siteId ?? before.siteId, firstName ?? before.firstName, lastName ?? before.lastName, patch.email?.trim() ?? before.email,
       role, patch.officeAnywhereEnabled ?? before.officeAnywhereEnabled,
       patch.profileImageUrl !== undefined ? patch.profileImageUrl : before.profileImageUrl, hash ?? null]);
    if (patch.extension !== undefined) await setExtension(tx.sql, accountId, 'user', userId, patch.extension);
    if (role !== 'site_admin') await tx.sql.query(`DELETE FROM site_admin_sites WHERE account_id = $1 AND user_id = $2`, [accountId, userId]);
    if (patch.adminSiteIds !== undefined) {
      if (role !== 'site_admin') throw new AppError('validation_failed', 'Only site admins are given sites', 'adminSiteIds');
      await tx.sql.query(`DELETE FROM site_admin_sites WHERE account_id = $1 AND user_id = $2`, [accountId, userId]);
      for (const siteId of new Set(patch.adminSiteIds)) {
        if (!(await getSite(tx.sql, accountId, siteId))) throw new AppError('not_found', 'Site was not found', 'adminSiteIds');
        await tx.sql.query(`INSERT INTO site_admin_sites (account_id, user_id, site_id) VALUES ($1, $2, $3)`, [accountId, userId, siteId]);
      }
    }
    const after = (await getUser(tx.sql, accountId, userId))!;
    await tx.audit({ action: 'user.update', targetType: 'user', targetId: userId, before, after: { ...after, ...(patch.password !== undefined ? { password: 'changed' } : {}) } });
    tx.emit('user.updated', userId);
    return after;
  });
}

async function checkNotLastAdmin(sql: Sql, accountId: string, userId: string): Promise<void> {
  const r = await sql.query(`SELECT 1 FROM users WHERE account_id = $1 AND role = 'account_admin' AND id <> $2 LIMIT 1`, [accountId, userId]);
  if (r.length === 0) throw new AppError('last_admin', 'This is the last account admin of the account; make another user account admin first');
}

/** Deletes a user: their number becomes unassigned (display name kept), their extension is freed. */
export async function deleteUser(ctx: Ctx, userId: string): Promise<void> {
  const accountId = accountOf(ctx);
  await inAccount(ctx, async (tx) => {
    const before = await getUser(tx.sql, accountId, userId);
    if (!before) throw notFound('User');
    if (before.role === 'account_admin') await checkNotLastAdmin(tx.sql, accountId, userId);
    const unassigned = await tx.sql.query<{ id: string }>(`UPDATE numbers SET user_id = NULL, updated_at = now() WHERE account_id = $1 AND user_id = $2 RETURNING id`, [accountId, userId]);
    await setExtension(tx.sql, accountId, 'user', userId, null);
    await tx.sql.query(`DELETE FROM auth_tokens WHERE user_id = $1`, [userId]);
    await tx.sql.query(`DELETE FROM users WHERE account_id = $1 AND id = $2`, [accountId, userId]);
    await tx.audit({ action: 'user.delete', targetType: 'user', targetId: userId, before });
    tx.emit('user.deleted', userId);
    for (const n of unassigned) tx.emit('number.updated', n.id);
  });
}

/** A user changes their own portal password, proving the current one. */
export async function changeOwnPassword(ctx: Ctx, current: string, next: string): Promise<void> {
  checkPassword(next, 'newPassword');
  const userId = ctx.actor.id;
  if (ctx.actor.type !== 'user' || !userId) throw new AppError('forbidden', 'Only users change their password here');
  const accountId = accountOf(ctx);
  const stored = await inAccount(ctx, async (tx) => (await tx.sql.query<{ password_hash: string | null }>(`SELECT password_hash FROM users WHERE account_id = $1 AND id = $2`, [accountId, userId]))[0]?.password_hash ?? null);
  if (!stored || !(await verifySecret(stored, current))) throw new AppError('wrong_current_password', 'The current password is wrong', 'currentPassword');
  const hash = await hashSecret(next);
  await inAccount(ctx, async (tx) => {
    await tx.sql.query(`UPDATE users SET password_hash = $3 WHERE account_id = $1 AND id = $2`, [accountId, userId, hash]);
    await tx.audit({ action: 'user.password_change', targetType: 'user', targetId: userId, after: { password: 'changed' } });
  });
}
