/**
 * Devices (handsets, spec §2 "Device", §6): create with SIP credentials shown once, list, change,
 * delete, rotate credentials; and device authentication by HTTP Digest (RFC 7616) against the
 * stored HA1, used when a phone fetches its configuration.
 */
import crypto from 'node:crypto';
import { AppError, notFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { newSipSecret, normalizePhoneId, sipUsernameFor } from '../domain/devices.ts';
import { digestChallenges, makeNonce, parseDigestAuthorization, verifyDigest } from '../domain/digest.ts';
import type { Database, Sql } from '../store/db.ts';
import { getAccount, getSite } from '../store/repos/accounts.ts';
import {
  deleteDevice as deleteDeviceRow, deviceSortKey, getDevice, getDeviceSecret, insertDevice, listDevices as listDevicesRepo,
  phoneIdTaken, setDeviceSecret, sipUsernameTaken, toDevice, updateDevice as updateDeviceRow, type Device,
} from '../store/repos/devices.ts';
import { decodeCursor, toPage, type Page } from '../store/pagination.ts';
import { accountOf, adminsSite, inAccount, isAdmin, type Ctx, type Services } from './context.ts';

export type { Device };

/** SIP credentials as shown once, on creation or rotation (spec §2: never returned afterwards). */
export interface DeviceCredentials {
  /** The account's SIP domain: the registrar domain and the digest realm. */
  domain: string;
  username: string;
  password: string;
}

export interface DeviceWithCredentials {
  device: Device;
  credentials: DeviceCredentials;
}

export interface DeviceInput {
  siteId: string;
  phoneId: string;
  model?: string;
  name?: string;
}

const cleanLabel = (v: string | undefined, field: string, label: string): string => {
  const t = (v ?? '').trim();
  if (t.length > 100) throw new AppError('validation_failed', `${label} is longer than 100 characters`, field);
  return t;
};

/** Creates a device at a site; the answer is the only place its SIP password ever appears. */
export async function createDevice(ctx: Ctx, input: DeviceInput): Promise<DeviceWithCredentials> {
  const accountId = accountOf(ctx);
  const phoneId = normalizePhoneId(input.phoneId);
  const model = cleanLabel(input.model, 'model', 'The model');
  const name = cleanLabel(input.name, 'name', 'The device name');
  if (!adminsSite(ctx.actor, input.siteId)) throw new AppError('not_found', 'Site was not found', 'siteId');
  return inAccount(ctx, async (tx) => {
    const account = await getAccount(tx.sql, accountId);
    if (!account) throw notFound('Account');
    if (!(await getSite(tx.sql, accountId, input.siteId))) throw new AppError('not_found', 'Site was not found', 'siteId');
    if (await phoneIdTaken(tx.sql, phoneId, null)) throw new AppError('phone_id_taken', `A device with Phone ID ${phoneId} is already registered`, 'phoneId');
    let username = sipUsernameFor(phoneId);
    // The Phone ID is unique on the platform, so this only differs for a name left by a legacy row.
    while (await sipUsernameTaken(tx.sql, accountId, username)) username = `${sipUsernameFor(phoneId)}-${crypto.randomBytes(3).toString('hex')}`;
    const secret = newSipSecret(username, account.sipDomain);
    const id = newId();
    await insertDevice(tx.sql, accountId, { id, siteId: input.siteId, phoneId, model, name, sipUsername: username, ha1Md5: secret.ha1Md5, ha1Sha256: secret.ha1Sha256 });
    const device = (await getDevice(tx.sql, accountId, id))!;
    await tx.audit({ action: 'device.create', targetType: 'device', targetId: id, after: device });
    tx.emit('device.created', id);
    return { device, credentials: { domain: account.sipDomain, username, password: secret.password } };
  });
}

/** A device the actor may see (admins of its site), else 404. */
export async function getDeviceFor(ctx: Ctx, deviceId: string): Promise<Device> {
  const d = await inAccount(ctx, (tx) => getDevice(tx.sql, accountOf(ctx), deviceId));
  if (!d || !adminsSite(ctx.actor, d.siteId)) throw notFound('Device');
  return d;
}

/** Devices by Phone ID; a site admin sees those of their sites. */
export async function listDevices(ctx: Ctx, q: { q?: string; siteId?: string; limit: number; cursor?: string }): Promise<Page<Device>> {
  const after = decodeCursor(q.cursor, 2);
  let siteIds: string[] | null = isAdmin(ctx.actor) ? null : ctx.actor.siteIds;
  if (q.siteId) {
    if (!adminsSite(ctx.actor, q.siteId)) return { items: [], nextCursor: null };
    siteIds = [q.siteId];
  }
  const rows = await inAccount(ctx, (tx) => listDevicesRepo(tx.sql, accountOf(ctx), { q: q.q, siteIds, after, limit: q.limit }));
  return toPage(rows, q.limit, deviceSortKey, toDevice);
}

export interface DevicePatch {
  name?: string;
  model?: string;
  siteId?: string;
}

/** Renames a device or moves it to another site (not while a number is logged into it). */
export async function updateDevice(ctx: Ctx, deviceId: string, patch: DevicePatch): Promise<Device> {
  const accountId = accountOf(ctx);
  const name = patch.name === undefined ? undefined : cleanLabel(patch.name, 'name', 'The device name');
  const model = patch.model === undefined ? undefined : cleanLabel(patch.model, 'model', 'The model');
  return inAccount(ctx, async (tx) => {
    const before = await getDevice(tx.sql, accountId, deviceId, true);
    if (!before || !adminsSite(ctx.actor, before.siteId)) throw notFound('Device');
    const siteId = patch.siteId ?? before.siteId;
    if (siteId !== before.siteId) {
      if (!adminsSite(ctx.actor, siteId) || !(await getSite(tx.sql, accountId, siteId))) throw new AppError('not_found', 'Site was not found', 'siteId');
      // A handset serves a number of its own site (spec §6); moving it would break that.
      if (before.numberId) {
        throw new AppError('device_in_use', `${before.number} is logged into handset ${before.phoneId}; log it out before moving the handset to another site`, 'siteId');
      }
    }
    await updateDeviceRow(tx.sql, accountId, deviceId, { siteId, name: name ?? before.name, model: model ?? before.model });
    const after = (await getDevice(tx.sql, accountId, deviceId))!;
    await tx.audit({ action: 'device.update', targetType: 'device', targetId: deviceId, before, after });
    tx.emit('device.updated', deviceId);
    return after;
  });
}

/** Deletes a device; refused while a number is logged into it. */
export async function deleteDevice(ctx: Ctx, deviceId: string): Promise<void> {
  const accountId = accountOf(ctx);
  await inAccount(ctx, async (tx) => {
    const before = await getDevice(tx.sql, accountId, deviceId, true);
    if (!before || !adminsSite(ctx.actor, before.siteId)) throw notFound('Device');
    if (before.numberId) {
      throw new AppError('device_in_use', `${before.number} is logged into handset ${before.phoneId}${before.name ? ` (${before.name})` : ''}; log the number out first`);
    }
    await deleteDeviceRow(tx.sql, accountId, deviceId);
    await tx.audit({ action: 'device.delete', targetType: 'device', targetId: deviceId, before });
    tx.emit('device.deleted', deviceId);
  });
}

/** New SIP password for a device (the old one stops working at once); shown in this answer only. */
export async function rotateDeviceCredentials(ctx: Ctx, deviceId: string): Promise<DeviceWithCredentials> {
  const accountId = accountOf(ctx);
  return inAccount(ctx, async (tx) => {
    const device = await getDevice(tx.sql, accountId, deviceId, true);
    if (!device || !adminsSite(ctx.actor, device.siteId)) throw notFound('Device');
    const account = (await getAccount(tx.sql, accountId))!;
    const secret = newSipSecret(device.sipUsername, account.sipDomain);
    await setDeviceSecret(tx.sql, accountId, deviceId, secret.ha1Md5, secret.ha1Sha256);
    await tx.audit({ action: 'device.credentials_rotate', targetType: 'device', targetId: deviceId, after: { sipUsername: device.sipUsername, password: 'rotated' } });
    tx.emit('device.updated', deviceId);
    return { device, credentials: { domain: account.sipDomain, username: device.sipUsername, password: secret.password } };
  });
}

// ---------------------------------------------------------------------------------------------
// Device authentication: HTTP Digest (RFC 7616) against the stored HA1s.

const NONCE_SECRET = 'digest_nonce';
const nonceSecrets = new WeakMap<Database, Promise<Buffer>>();

/**
 * The server secret that signs digest nonces: 32 random bytes kept in the database, created by the
 * first instance that needs it, so every instance accepts the nonces of the others. Call it outside
 * any open transaction (the embedded database runs one at a time).
 */
export function digestNonceSecret(s: Services): Promise<Buffer> {
  let p = nonceSecrets.get(s.db);
  if (!p) {
    p = s.db.identity(async (sql) => {
      await sql.query(`INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [NONCE_SECRET, crypto.randomBytes(32).toString('base64')]);
      const r = (await sql.query<{ value: string }>(`SELECT value FROM server_secrets WHERE name = $1`, [NONCE_SECRET]))[0]!;
      return Buffer.from(r.value, 'base64');
    });
    nonceSecrets.set(s.db, p);
    p.catch(() => nonceSecrets.delete(s.db));
  }
  return p;
}

/** The request a device authenticates: method and request-URI as received, and its Authorization. */
export interface DeviceRequest {
  method: string;
  uri: string;
  authorization: string | undefined;
}

/** A refusal: the 401 detail and the `WWW-Authenticate` challenges to send with it. */
export interface DeviceChallenge {
  ok: false;
  detail: string;
  challenges: string[];
}

export type DeviceAuthResult = { ok: true } | DeviceChallenge;

/** What a nonce is bound to: the realm and the Phone ID it was issued for. */
export const nonceScope = (realm: string, phoneId: string): string => `${realm}\n${phoneId}`;

/** A fresh challenge (both algorithms, SHA-256 first). */
export function deviceChallenge(secret: Buffer, realm: string, phoneId: string, detail: string, stale = false): DeviceChallenge {
  return { ok: false, detail, challenges: digestChallenges(realm, makeNonce(secret, nonceScope(realm, phoneId)), stale) };
}

/**
 * Checks a device's `Authorization: Digest …` (MD5 or SHA-256, qop=auth) against its stored HA1;
 * anything else — no header, HTTP Basic, a wrong password, a foreign or expired nonce — is answered
 * with a new challenge. Reads the device's secret inside the caller's tenant transaction.
 */
export async function authenticateDevice(
  sql: Sql, accountId: string, device: { id: string; phoneId: string }, realm: string, secret: Buffer, req: DeviceRequest,
): Promise<DeviceAuthResult> {
  const stored = await getDeviceSecret(sql, accountId, device.id);
  if (!stored) return deviceChallenge(secret, realm, device.phoneId, 'Authenticate with HTTP Digest');
  if (req.authorization && /^\s*Basic\b/i.test(req.authorization)) {
    return deviceChallenge(secret, realm, device.phoneId, 'HTTP Basic is not accepted; authenticate with HTTP Digest (RFC 7616)');
  }
  const creds = parseDigestAuthorization(req.authorization);
  if (!creds) return deviceChallenge(secret, realm, device.phoneId, 'Authenticate with HTTP Digest (RFC 7616) using the device SIP credentials');
  const verdict = verifyDigest(creds, { method: req.method, uri: req.uri },
    { username: stored.sipUsername, realm, ha1: { MD5: stored.ha1Md5, 'SHA-256': stored.ha1Sha256 } },
    { secret, scope: nonceScope(realm, device.phoneId) });
  if (verdict.ok) return { ok: true };
  return deviceChallenge(secret, realm, device.phoneId, verdict.stale ? 'The nonce has expired; retry with the new one' : verdict.reason, verdict.stale);
}
