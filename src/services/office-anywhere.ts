/**
 * Office Anywhere configuration (spec §7): portal numbers, users' alternate phones, and the readiness
 * check of a user's prerequisites. (The call handling — ringing alternate phones, call-out, push and
 * pull — lives with the call engine.)
 */
import { AppError, notFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { checkPortalScope, officeAnywhereReadiness, type PortalScope, type Readiness } from '../domain/office-anywhere.ts';
import { checkOutbound, parseNumber, type ParsedNumber } from '../domain/phone.ts';
import { checkName } from '../domain/tenancy.ts';
import type { Sql } from '../store/db.ts';
import { getAccount, getSite, type Account } from '../store/repos/accounts.ts';
import { getDeviceOfNumber } from '../store/repos/devices.ts';
import { setExtension } from '../store/repos/extensions.ts';
import { lockNumber } from '../store/repos/numbers.ts';
import {
  allPortals, alternatePhoneExists, deleteAlternatePhone as deleteAltRow, deletePortal as deletePortalRow, getAlternatePhone, getPortal,
  getPortalOfNumber, insertAlternatePhone, insertPortal, isAccountNumber, listAlternatePhones as listAltRows, listPortals as listPortalsRepo,
  portalSortKey, toPortal, updateAlternatePhone as updateAltRow, updatePortal as updatePortalRow, type AlternatePhone, type Portal,
} from '../store/repos/office-anywhere.ts';
import { getUser, type User } from '../store/repos/users.ts';
import { decodeCursor, toPage, type Page } from '../store/pagination.ts';
import { accountOf, adminsSite, inAccount, isAdmin, type Ctx } from './context.ts';
import { assertRowActionable } from './numbers.ts';
import { claimExtension } from './users.ts';

export type { AlternatePhone, Portal, Readiness };

// ---------------------------------------------------------------------------------------------
// Portal numbers

/** Who may read a portal: account admins and operators; site admins those serving their sites. */
const canReadPortal = (ctx: Ctx, p: Portal): boolean =>
  isAdmin(ctx.actor) || (ctx.actor.role === 'site_admin' && (p.scope === 'account' || (p.siteId !== null && ctx.actor.siteIds.includes(p.siteId))));

export interface PortalInput {
  numberId: string;
  name?: string;
  extension?: string | null;
  scope: PortalScope;
  siteId?: string | null;
}

async function requireAccount(sql: Sql, accountId: string): Promise<Account> {
  const account = await getAccount(sql, accountId);
  if (!account) throw notFound('Account');
  return account;
}

async function requireSite(sql: Sql, accountId: string, siteId: string | null): Promise<void> {
  if (siteId !== null && !(await getSite(sql, accountId, siteId))) throw new AppError('not_found', 'Site was not found', 'siteId');
}

/**
 * Dedicates a number to Office Anywhere (spec §7): an active, non-main number of the account, not
 * assigned to a user, not logged into a handset, not already a portal. The name defaults to the number.
 */
export async function createPortal(ctx: Ctx, input: PortalInput): Promise<Portal> {
  const accountId = accountOf(ctx);
  const siteId = checkPortalScope(input.scope, input.siteId);
  const name = input.name === undefined ? null : checkName(input.name, 'name', 'The portal name');
  return inAccount(ctx, async (tx) => {
    const account = await requireAccount(tx.sql, accountId);
    await requireSite(tx.sql, accountId, siteId);
    const n = await lockNumber(tx.sql, accountId, input.numberId);
    if (!n) throw new AppError('not_found', 'Number was not found', 'numberId');
    try {
      assertRowActionable(n);
    } catch (e) {
      if (e instanceof AppError) throw new AppError(e.code, e.message, 'numberId', e.extra);
      throw e;
    }
    if (await getPortalOfNumber(tx.sql, accountId, n.id)) throw new AppError('portal_number_in_use', `${n.e164} is already an Office Anywhere portal number`, 'numberId');
    if (n.user_id) throw new AppError('portal_number_assigned', `${n.e164} is assigned to a user; unassign it before making it a portal number`, 'numberId');
    const device = await getDeviceOfNumber(tx.sql, accountId, n.id);
    if (device) throw new AppError('number_in_use', `${n.e164} is logged into handset ${device.phoneId}; log it out before making it a portal number`, 'numberId');
    const id = newId();
    if (input.extension) await claimExtension(tx.sql, account, input.extension, 'extension', null);
    await insertPortal(tx.sql, accountId, { id, numberId: n.id, name: name ?? n.e164, scope: input.scope, siteId });
    if (input.extension) await setExtension(tx.sql, accountId, 'oa_portal', id, input.extension);
    const portal = (await getPortal(tx.sql, accountId, id))!;
    await tx.audit({ action: 'oa_portal.create', targetType: 'oa_portal', targetId: id, after: portal });
    tx.emit('oa_portal.created', id);
    return portal;
  });
}

/** Portals by name; a site admin sees those serving their sites (scope account, or one of their sites). */
export async function listPortals(ctx: Ctx, q: { q?: string; limit: number; cursor?: string }): Promise<Page<Portal>> {
  const after = decodeCursor(q.cursor, 2);
  const siteIds = isAdmin(ctx.actor) ? null : ctx.actor.siteIds;
  const rows = await inAccount(ctx, (tx) => listPortalsRepo(tx.sql, accountOf(ctx), { q: q.q, siteIds, after, limit: q.limit }));
  return toPage(rows, q.limit, portalSortKey, toPortal);
}

/** A portal the actor may read, else 404. */
export async function getPortalFor(ctx: Ctx, portalId: string): Promise<Portal> {
  const p = await inAccount(ctx, (tx) => getPortal(tx.sql, accountOf(ctx), portalId));
  if (!p || !canReadPortal(ctx, p)) throw notFound('Portal number');
  return p;
}

export interface PortalPatch {
  /** null resets the name to the number itself. */
  name?: string | null;
  extension?: string | null;
  scope?: PortalScope;
  siteId?: string | null;
  /** Never editable (spec §7); present only so that the refusal can say so. */
  numberId?: unknown;
  number?: unknown;
}

/** Changes a portal's name, extension or scope. Its number cannot be edited (spec §7). */
export async function updatePortal(ctx: Ctx, portalId: string, patch: PortalPatch): Promise<Portal> {
  const accountId = accountOf(ctx);
  for (const key of ['numberId', 'number'] as const) {
    if (patch[key] !== undefined) {
      throw new AppError('portal_number_immutable',
        "A portal number's own number cannot be edited; to use another number, delete this portal and create one with the other number (or unassign the number)", key);
    }
  }
  const name = patch.name === undefined || patch.name === null ? patch.name : checkName(patch.name, 'name', 'The portal name');
  return inAccount(ctx, async (tx) => {
    const before = await getPortal(tx.sql, accountId, portalId, true);
    if (!before) throw notFound('Portal number');
    const account = await requireAccount(tx.sql, accountId);
    const scope = patch.scope ?? before.scope;
    // Changing to scope account drops the site; otherwise a given siteId replaces the current one.
    const wantedSite = patch.siteId !== undefined ? patch.siteId : scope === 'site' ? before.siteId : null;
    const siteId = checkPortalScope(scope, wantedSite);
    await requireSite(tx.sql, accountId, siteId);
    if (patch.extension) await claimExtension(tx.sql, account, patch.extension, 'extension', { type: 'oa_portal', id: portalId });
    await updatePortalRow(tx.sql, accountId, portalId, { name: name === undefined ? before.name : name ?? before.number, scope, siteId });
    if (patch.extension !== undefined) await setExtension(tx.sql, accountId, 'oa_portal', portalId, patch.extension);
    const after = (await getPortal(tx.sql, accountId, portalId))!;
    await tx.audit({ action: 'oa_portal.update', targetType: 'oa_portal', targetId: portalId, before, after });
    tx.emit('oa_portal.updated', portalId);
    return after;
  });
}

/** Removes a portal: the number is an ordinary number again and the extension is free. */
export async function deletePortal(ctx: Ctx, portalId: string): Promise<void> {
  const accountId = accountOf(ctx);
  await inAccount(ctx, async (tx) => {
    const before = await getPortal(tx.sql, accountId, portalId, true);
    if (!before) throw notFound('Portal number');
    await setExtension(tx.sql, accountId, 'oa_portal', portalId, null);
    await deletePortalRow(tx.sql, accountId, portalId);
    await tx.audit({ action: 'oa_portal.delete', targetType: 'oa_portal', targetId: portalId, before });
    tx.emit('oa_portal.deleted', portalId);
  });
}

// ---------------------------------------------------------------------------------------------
// Alternate phones

/** A user the actor may act for: admins of the user's site, or the user themself; else 404. */
async function reachableUser(ctx: Ctx, sql: Sql, userId: string): Promise<User> {
  const u = await getUser(sql, accountOf(ctx), userId);
  if (!u || !(adminsSite(ctx.actor, u.siteId) || (ctx.actor.type === 'user' && ctx.actor.id === u.id))) throw notFound('User');
  return u;
}

const altKind = (p: ParsedNumber): AlternatePhone['kind'] => (p.kind === 'mobile' || p.kind === 'landline' ? p.kind : 'other');

/**
 * Checks an alternate phone number: valid for the account's country, callable under the account's
 * outbound rules (a call to it is an ordinary outbound leg), outside the account, not listed twice.
 */
async function checkAlternateNumber(sql: Sql, account: Account, userId: string, input: string, exceptId: string | null): Promise<ParsedNumber> {
  const parsed = parseNumber(input, account.country, 'number');
  checkOutbound(parsed, { country: account.country, intlWhitelist: account.intlWhitelist, premiumAllowed: account.premiumAllowed }, 'number');
  if (await isAccountNumber(sql, account.id, parsed.e164)) {
    throw new AppError('alternate_phone_is_office_number', `${parsed.e164} is one of this account's own numbers; an alternate phone is a mobile or landline outside the account`, 'number');
  }
  if (await alternatePhoneExists(sql, account.id, userId, parsed.e164, exceptId)) {
    throw new AppError('alternate_phone_exists', `The user already lists ${parsed.e164} as an alternate phone`, 'number');
  }
  return parsed;
}

const cleanLabel = (v: string | undefined): string => {
  const t = (v ?? '').trim();
  if (t.length > 100) throw new AppError('validation_failed', 'The label is longer than 100 characters', 'label');
  return t;
};

/** A user's alternate phones, oldest first (admins of the user's site, or the user themself). */
export async function listAlternatePhones(ctx: Ctx, userId: string): Promise<AlternatePhone[]> {
  return inAccount(ctx, async (tx) => {
    await reachableUser(ctx, tx.sql, userId);
    return listAltRows(tx.sql, accountOf(ctx), userId);
  });
}

export interface AlternatePhoneInput {
  number: string;
  label?: string;
  active?: boolean;
}

/** Adds an alternate phone for a user (spec §7); kind (mobile, landline, other) comes from the number. */
export async function createAlternatePhone(ctx: Ctx, userId: string, input: AlternatePhoneInput): Promise<AlternatePhone> {
  const accountId = accountOf(ctx);
  const label = cleanLabel(input.label);
  return inAccount(ctx, async (tx) => {
    await reachableUser(ctx, tx.sql, userId);
    const account = await requireAccount(tx.sql, accountId);
    const parsed = await checkAlternateNumber(tx.sql, account, userId, input.number, null);
    const id = newId();
    await insertAlternatePhone(tx.sql, accountId, { id, userId, e164: parsed.e164, kind: altKind(parsed), label, active: input.active ?? true });
    const alt = (await getAlternatePhone(tx.sql, accountId, userId, id))!;
    await tx.audit({ action: 'alternate_phone.create', targetType: 'alternate_phone', targetId: id, after: alt });
    tx.emit('alternate_phone.created', id);
    return alt;
  });
}

/** Changes an alternate phone's number, label or active flag; a new number passes the same checks. */
export async function updateAlternatePhone(ctx: Ctx, userId: string, altId: string, patch: Partial<AlternatePhoneInput>): Promise<AlternatePhone> {
  const accountId = accountOf(ctx);
  const label = patch.label === undefined ? undefined : cleanLabel(patch.label);
  return inAccount(ctx, async (tx) => {
    await reachableUser(ctx, tx.sql, userId);
    const before = await getAlternatePhone(tx.sql, accountId, userId, altId, true);
    if (!before) throw notFound('Alternate phone');
    const account = await requireAccount(tx.sql, accountId);
    const parsed = patch.number === undefined ? null : await checkAlternateNumber(tx.sql, account, userId, patch.number, altId);
    await updateAltRow(tx.sql, accountId, altId, {
      e164: parsed?.e164 ?? before.number, kind: parsed ? altKind(parsed) : before.kind, label: label ?? before.label, active: patch.active ?? before.active,
    });
    const after = (await getAlternatePhone(tx.sql, accountId, userId, altId))!;
    await tx.audit({ action: 'alternate_phone.update', targetType: 'alternate_phone', targetId: altId, before, after });
    tx.emit('alternate_phone.updated', altId);
    return after;
  });
}

/** Removes an alternate phone. */
export async function deleteAlternatePhone(ctx: Ctx, userId: string, altId: string): Promise<void> {
  const accountId = accountOf(ctx);
  await inAccount(ctx, async (tx) => {
    await reachableUser(ctx, tx.sql, userId);
    const before = await getAlternatePhone(tx.sql, accountId, userId, altId, true);
    if (!before) throw notFound('Alternate phone');
    await deleteAltRow(tx.sql, accountId, altId);
    await tx.audit({ action: 'alternate_phone.delete', targetType: 'alternate_phone', targetId: altId, before });
    tx.emit('alternate_phone.deleted', altId);
  });
}

// ---------------------------------------------------------------------------------------------
// Readiness

/** The user's Office Anywhere prerequisites (spec §7), each with a message. */
export async function officeAnywhereReadinessFor(ctx: Ctx, userId: string): Promise<Readiness> {
  const accountId = accountOf(ctx);
  return inAccount(ctx, async (tx) => {
    const user = await reachableUser(ctx, tx.sql, userId);
    const site = await getSite(tx.sql, accountId, user.siteId);
    const portals = await allPortals(tx.sql, accountId);
    const alternatePhones = await listAltRows(tx.sql, accountId, userId);
    return officeAnywhereReadiness({
      user: { siteId: user.siteId, siteName: site?.name ?? 'of the user', officeAnywhereEnabled: user.officeAnywhereEnabled },
      portals, alternatePhones,
    });
  });
}
