/**
 * Handset login and logout (spec §6) and handset provisioning.
 *
 * An admin logs a number into a handset by its Phone ID: one number per handset, one handset per
 * number, both of the same site. The number goes `active → pending` (pending_action `handset_login`);
 * when the phone fetches its configuration, authenticated by HTTP Digest, it goes back to `active`.
 * A login the phone never completes is rolled back after `provisionTimeoutSeconds`.
 */
import { AppError, notFound } from '../domain/errors.ts';
import { handsetDisplay, tryNormalizePhoneId, normalizePhoneId } from '../domain/devices.ts';
import { transition } from '../domain/numbers.ts';
import type { Sql } from '../store/db.ts';
import { getAccount } from '../store/repos/accounts.ts';
import {
  accountOfPhoneId, getDevice, getDeviceByPhoneId, getDeviceOfNumber, handsetNumberInfo, markProvisioned, setDeviceNumber, setNumberPending,
  staleHandsetLogins, type Device,
} from '../store/repos/devices.ts';
import { lockNumber, type NumberRow } from '../store/repos/numbers.ts';
import { getPortalOfNumber } from '../store/repos/office-anywhere.ts';
import { accountOf, adminsSite, inAccount, systemCtx, type Ctx, type Services } from './context.ts';
import { assertRowActionable } from './numbers.ts';
import { authenticateDevice, deviceChallenge, digestNonceSecret, type DeviceChallenge, type DeviceRequest } from './devices.ts';

export const HANDSET_LOGIN = 'handset_login';

/** The answer to a handset login: the number (now pending) and the handset it is logged into. */
export interface HandsetLogin {
  number: { id: string; e164: string; status: NumberRow['status']; pendingAction: string | null };
  device: Device;
}

const handsetLabel = (d: Device): string => `handset ${d.phoneId}${d.name ? ` (${d.name})` : ''}`;

/** Locks a number the actor administers, else 404. */
async function lockAdministeredNumber(ctx: Ctx, sql: Sql, numberId: string): Promise<NumberRow> {
  const n = await lockNumber(sql, accountOf(ctx), numberId);
  if (!n || !adminsSite(ctx.actor, n.site_id)) throw notFound('Number');
  return n;
}

/**
 * Logs a number into the handset with this Phone ID (spec §6). Refused with no change when the
 * number is not active or is a main number, when the handset is unknown or of another site, when
 * the number is already on a handset, or when the handset already has a number (the error names
 * the handset and that number).
 */
export async function loginHandset(ctx: Ctx, numberId: string, phoneIdInput: string): Promise<HandsetLogin> {
  const accountId = accountOf(ctx);
  const phoneId = normalizePhoneId(phoneIdInput);
  return inAccount(ctx, async (tx) => {
    const n = await lockAdministeredNumber(ctx, tx.sql, numberId);
    assertRowActionable(n);
    const device = await getDeviceByPhoneId(tx.sql, accountId, phoneId, true);
    if (!device || !adminsSite(ctx.actor, device.siteId)) throw new AppError('not_found', `No handset with Phone ID ${phoneId} in this account`, 'phoneId');
    if (device.siteId !== n.site_id) {
      throw new AppError('handset_other_site', `Handset ${device.phoneId} belongs to another site than ${n.e164}; a number logs into a handset of its own site (move the handset first)`, 'phoneId');
    }
    const current = await getDeviceOfNumber(tx.sql, accountId, n.id, true);
    if (current) {
      throw new AppError('number_on_handset', `${n.e164} is already logged into ${handsetLabel(current)}; log it out first`, null,
        { handset: { phoneId: current.phoneId, name: current.name } });
    }
    if (device.numberId) {
      throw new AppError('handset_in_use', `${handsetLabel(device)} already has ${device.number} logged in; log that number out first`, 'phoneId',
        { handset: { phoneId: device.phoneId, name: device.name, number: device.number } });
    }
    const portal = await getPortalOfNumber(tx.sql, accountId, n.id);
    if (portal) throw new AppError('number_in_use', `${n.e164} is the Office Anywhere portal number "${portal.name}"; it cannot be logged into a handset`);
    transition(n.status, 'pending');
    await setDeviceNumber(tx.sql, accountId, device.id, n.id);
    await setNumberPending(tx.sql, accountId, n.id, { action: HANDSET_LOGIN });
    const after = (await getDevice(tx.sql, accountId, device.id))!;
    await tx.audit({
      action: 'number.handset_login', targetType: 'number', targetId: n.id,
      before: { status: n.status, device: null },
      after: { status: 'pending', pendingAction: HANDSET_LOGIN, device: { id: device.id, phoneId: device.phoneId } },
    });
    tx.emit('number.updated', n.id);
    tx.emit('device.updated', device.id);
    return { number: { id: n.id, e164: n.e164, status: 'pending', pendingAction: HANDSET_LOGIN }, device: after };
  });
}

/** Logs a number out of its handset (spec §6). */
export async function logoutHandset(ctx: Ctx, numberId: string): Promise<void> {
  const accountId = accountOf(ctx);
  await inAccount(ctx, async (tx) => {
    const n = await lockAdministeredNumber(ctx, tx.sql, numberId);
    assertRowActionable(n);
    const device = await getDeviceOfNumber(tx.sql, accountId, n.id, true);
    if (!device) throw new AppError('number_not_on_handset', `${n.e164} is not logged into a handset`);
    await setDeviceNumber(tx.sql, accountId, device.id, null);
    await tx.audit({
      action: 'number.handset_logout', targetType: 'number', targetId: n.id,
      before: { device: { id: device.id, phoneId: device.phoneId } }, after: { device: null },
    });
    tx.emit('number.updated', n.id);
    tx.emit('device.updated', device.id);
  });
}

/** What a handset fetches: how to register, and for which number. */
export interface HandsetConfig {
  phoneId: string;
  sipDomain: string;
  sipUsername: string;
  number: string | null;
  displayName: { line1: string; line2: string };
  registrar: { host: string; port: number };
}

export type ProvisionResult = { ok: true; config: HandsetConfig } | DeviceChallenge;

/**
 * A phone fetches its configuration, authenticated by HTTP Digest with its SIP credentials (spec §6).
 * A pending handset login of its number completes: the number goes back to `active` (audited with the
 * device as the system actor). An unknown Phone ID gets the same 401 challenge as a wrong password.
 */
export async function provisionHandset(s: Services, phoneIdInput: string, req: DeviceRequest & { requestId: string }): Promise<ProvisionResult> {
  const secret = await digestNonceSecret(s);
  const registrar = { host: new URL(s.config.publicUrl).hostname, port: s.config.sipPort };
  const phoneId = tryNormalizePhoneId(phoneIdInput);
  const accountId = phoneId ? await s.db.identity((sql) => accountOfPhoneId(sql, phoneId)) : null;
  if (!phoneId || !accountId) {
    return deviceChallenge(secret, registrar.host, phoneId ?? phoneIdInput, 'Authenticate with HTTP Digest (RFC 7616) using the device SIP credentials');
  }
  // The device acts for itself: a system actor whose id is the device's, set once it is found.
  const ctx = systemCtx(s, accountId, req.requestId);
  ctx.actor.role = 'user';
  return inAccount(ctx, async (tx): Promise<ProvisionResult> => {
    const account = (await getAccount(tx.sql, accountId))!;
    const device = await getDeviceByPhoneId(tx.sql, accountId, phoneId, true);
    if (!device) return deviceChallenge(secret, account.sipDomain, phoneId, 'Authenticate with HTTP Digest (RFC 7616) using the device SIP credentials');
    const auth = await authenticateDevice(tx.sql, accountId, device, account.sipDomain, secret, req);
    if (!auth.ok) return auth;
    ctx.actor.id = device.id;
    let completed = false;
    let number: string | null = null;
    let display = { line1: device.name || device.phoneId, line2: '' };
    if (device.numberId) {
      const n = await lockNumber(tx.sql, accountId, device.numberId);
      if (n && n.status === 'pending' && n.pending_action === HANDSET_LOGIN) {
        transition(n.status, 'active');
        await setNumberPending(tx.sql, accountId, n.id, null);
        completed = true;
      }
      const info = await handsetNumberInfo(tx.sql, accountId, device.numberId);
      if (info) {
        number = info.e164;
        display = handsetDisplay(info);
      }
    }
    await markProvisioned(tx.sql, accountId, device.id);
    if (completed) {
      await tx.audit({ action: 'number.handset_login_complete', targetType: 'number', targetId: device.numberId,
        before: { status: 'pending', pendingAction: HANDSET_LOGIN }, after: { status: 'active', device: { id: device.id, phoneId: device.phoneId } } });
      tx.emit('number.updated', device.numberId!);
    } else {
      await tx.audit({ action: 'device.provision', targetType: 'device', targetId: device.id, after: { number } });
    }
    tx.emit('device.updated', device.id);
    return { ok: true, config: { phoneId: device.phoneId, sipDomain: account.sipDomain, sipUsername: device.sipUsername, number, displayName: display, registrar } };
  });
}

/**
 * Rolls back every handset login still pending after `provisionTimeoutSeconds` (the phone never
 * fetched its configuration): the handset is released and the number is active again, audited as
 * the system. Each number in its own transaction, re-checked under lock. Returns how many.
 */
export async function rollbackStaleHandsetLogins(s: Services, now: Date = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - s.config.provisionTimeoutSeconds * 1000);
  const stale = await s.db.operator((sql) => staleHandsetLogins(sql, cutoff));
  let done = 0;
  for (const { accountId, numberId } of stale) {
    const ctx = systemCtx(s, accountId);
    const rolled = await inAccount(ctx, async (tx) => {
      const n = await lockNumber(tx.sql, accountId, numberId);
      if (!n || n.status !== 'pending' || n.pending_action !== HANDSET_LOGIN || !n.pending_since || new Date(n.pending_since) >= cutoff) return false;
      transition(n.status, 'active');
      const device = await getDeviceOfNumber(tx.sql, accountId, n.id, true);
      if (device) await setDeviceNumber(tx.sql, accountId, device.id, null);
      await setNumberPending(tx.sql, accountId, n.id, null);
      await tx.audit({
        action: 'number.handset_login_rollback', targetType: 'number', targetId: n.id,
        before: { status: 'pending', pendingAction: HANDSET_LOGIN, pendingSince: new Date(n.pending_since).toISOString(), device: device ? { id: device.id, phoneId: device.phoneId } : null },
        after: { status: 'active', device: null, reason: `the handset did not fetch its configuration within ${s.config.provisionTimeoutSeconds} s` },
      });
      tx.emit('number.updated', n.id);
      if (device) tx.emit('device.updated', device.id);
      return true;
    });
    if (rolled) done++;
  }
  return done;
}
