/** Devices (handsets) of an account, and the handset side of numbers (spec §6). Account id first. */
import type { Sql } from '../db.ts';
import { likePattern } from '../pagination.ts';

/** A device as the API shows it: never its HA1s. */
export interface Device {
  id: string;
  siteId: string;
  phoneId: string;
  model: string;
  name: string;
  sipUsername: string;
  numberId: string | null;
  number: string | null;
  lastProvisionedAt: string | null;
  createdAt: string;
  /** Its SIP registration now: the newest unexpired binding and how many it has; null when unregistered. */
  registration: DeviceRegistration | null;
}

export interface DeviceRegistration {
  contacts: number;
  transport: string;
  /** Where its REGISTER came from (address:port, after NAT). */
  source: string;
  userAgent: string;
  registeredAt: string;
  expiresAt: string;
}

/** The stored digest credential of a device. */
export interface DeviceSecret {
  sipUsername: string;
  ha1Md5: string;
  ha1Sha256: string;
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

/** A device's unexpired registrations (needs `d` in scope). */
const LIVE_REGISTRATIONS = `FROM sip_registrations r WHERE r.account_id = d.account_id AND r.device_id = d.id AND r.expires_at > now()`;

const DEVICE_SELECT = `
  SELECT d.id, d.account_id, d.site_id, d.phone_id, d.model, d.name, d.sip_username, d.number_id,
         d.last_provisioned_at, d.created_at, n.e164 AS number,
         (SELECT json_build_object('transport', r.transport, 'address', r.source_address, 'port', r.source_port, 'userAgent', r.user_agent,
                                   'registeredAt', r.registered_at, 'expiresAt', r.expires_at, 'contacts', count(*) OVER ())
            ${LIVE_REGISTRATIONS} ORDER BY r.registered_at DESC, r.contact LIMIT 1) AS registration
    FROM devices d
    LEFT JOIN numbers n ON n.account_id = d.account_id AND n.id = d.number_id`;

export const toDevice = (r: Record<string, unknown>): Device => ({
  id: r.id as string,
  siteId: r.site_id as string,
  phoneId: r.phone_id as string,
  model: r.model as string,
  name: r.name as string,
  sipUsername: r.sip_username as string,
  numberId: (r.number_id as string | null) ?? null,
  number: (r.number as string | null) ?? null,
  lastProvisionedAt: iso(r.last_provisioned_at),
  createdAt: iso(r.created_at)!,
  registration: toRegistration(r.registration),
});

/** The newest live binding, with the count of all of them (one subquery: count(*) OVER () before LIMIT 1). */
function toRegistration(v: unknown): DeviceRegistration | null {
  if (v === null || v === undefined) return null;
  const j = (typeof v === 'string' ? JSON.parse(v) : v) as Record<string, unknown>;
  const address = j.address as string;
  return {
    contacts: Number(j.contacts), transport: j.transport as string,
    source: address.includes(':') ? `[${address}]:${String(j.port)}` : `${address}:${String(j.port)}`,
    userAgent: j.userAgent as string, registeredAt: iso(j.registeredAt)!, expiresAt: iso(j.expiresAt)!,
  };
}

/** A device of the account; `lock` holds its row for the rest of the transaction. */
export async function getDevice(sql: Sql, accountId: string, deviceId: string, lock = false): Promise<Device | null> {
  const r = (await sql.query(`${DEVICE_SELECT} WHERE d.account_id = $1 AND d.id = $2${lock ? ' FOR UPDATE OF d' : ''}`, [accountId, deviceId]))[0];
  return r ? toDevice(r) : null;
}

/** The account's device with this (normalised) Phone ID. */
export async function getDeviceByPhoneId(sql: Sql, accountId: string, phoneId: string, lock = false): Promise<Device | null> {
  const r = (await sql.query(`${DEVICE_SELECT} WHERE d.account_id = $1 AND upper(d.phone_id) = upper($2)${lock ? ' FOR UPDATE OF d' : ''}`, [accountId, phoneId]))[0];
  return r ? toDevice(r) : null;
}

/** The device a number is logged into, if any. */
export async function getDeviceOfNumber(sql: Sql, accountId: string, numberId: string, lock = false): Promise<Device | null> {
  const r = (await sql.query(`${DEVICE_SELECT} WHERE d.account_id = $1 AND d.number_id = $2${lock ? ' FOR UPDATE OF d' : ''}`, [accountId, numberId]))[0];
  return r ? toDevice(r) : null;
}

export async function getDeviceSecret(sql: Sql, accountId: string, deviceId: string): Promise<DeviceSecret | null> {
  const r = (await sql.query<{ sip_username: string; ha1_md5: string; ha1_sha256: string }>(
    `SELECT sip_username, ha1_md5, ha1_sha256 FROM devices WHERE account_id = $1 AND id = $2`, [accountId, deviceId]))[0];
  return r ? { sipUsername: r.sip_username, ha1Md5: r.ha1_md5, ha1Sha256: r.ha1_sha256 } : null;
}

export interface DeviceListFilter {
  q?: string;
  siteIds: string[] | null;
  after: (string | number)[] | null;
  limit: number;
}

/** Devices by Phone ID; `q` matches Phone ID, name, model, SIP user name or the logged-in number. */
export async function listDevices(sql: Sql, accountId: string, f: DeviceListFilter): Promise<Record<string, unknown>[]> {
  const params: unknown[] = [accountId];
  const where = ['d.account_id = $1'];
  if (f.siteIds) {
    params.push(f.siteIds);
    where.push(`d.site_id = ANY($${params.length}::uuid[])`);
  }
  if (f.q) {
    params.push(likePattern(f.q), likePattern(f.q.replace(/[:.\-\s]/g, '')));
    const p = `$${params.length - 1}`;
    where.push(`(d.phone_id ILIKE $${params.length} OR d.name ILIKE ${p} OR d.model ILIKE ${p} OR d.sip_username ILIKE ${p} OR n.e164 ILIKE ${p})`);
  }
  if (f.after) {
    params.push(f.after[0], f.after[1]);
    where.push(`(d.phone_id, d.id) > ($${params.length - 1}, $${params.length}::uuid)`);
  }
  params.push(f.limit + 1);
  return sql.query(`${DEVICE_SELECT} WHERE ${where.join(' AND ')} ORDER BY d.phone_id, d.id LIMIT $${params.length}`, params);
}

export const deviceSortKey = (r: Record<string, unknown>): string[] => [r.phone_id as string, r.id as string];

export async function insertDevice(sql: Sql, accountId: string, d: { id: string; siteId: string; phoneId: string; model: string; name: string; sipUsername: string; ha1Md5: string; ha1Sha256: string }): Promise<void> {
  await sql.query(
    `INSERT INTO devices (id, account_id, site_id, phone_id, model, name, sip_username, ha1_md5, ha1_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [d.id, accountId, d.siteId, d.phoneId, d.model, d.name, d.sipUsername, d.ha1Md5, d.ha1Sha256]);
}

export async function updateDevice(sql: Sql, accountId: string, deviceId: string, d: { siteId: string; model: string; name: string }): Promise<void> {
  await sql.query(`UPDATE devices SET site_id = $3, model = $4, name = $5 WHERE account_id = $1 AND id = $2`, [accountId, deviceId, d.siteId, d.model, d.name]);
}

export async function setDeviceSecret(sql: Sql, accountId: string, deviceId: string, ha1Md5: string, ha1Sha256: string): Promise<void> {
  await sql.query(`UPDATE devices SET ha1_md5 = $3, ha1_sha256 = $4 WHERE account_id = $1 AND id = $2`, [accountId, deviceId, ha1Md5, ha1Sha256]);
}

/** Logs a number into the device (or out, with null). */
export async function setDeviceNumber(sql: Sql, accountId: string, deviceId: string, numberId: string | null): Promise<void> {
  await sql.query(`UPDATE devices SET number_id = $3 WHERE account_id = $1 AND id = $2`, [accountId, deviceId, numberId]);
}

export async function markProvisioned(sql: Sql, accountId: string, deviceId: string): Promise<void> {
  await sql.query(`UPDATE devices SET last_provisioned_at = now() WHERE account_id = $1 AND id = $2`, [accountId, deviceId]);
}

export async function deleteDevice(sql: Sql, accountId: string, deviceId: string): Promise<void> {
  await sql.query(`DELETE FROM devices WHERE account_id = $1 AND id = $2`, [accountId, deviceId]);
}

export async function sipUsernameTaken(sql: Sql, accountId: string, username: string): Promise<boolean> {
  return (await sql.query(`SELECT 1 FROM devices WHERE account_id = $1 AND sip_username = $2`, [accountId, username])).length > 0;
}

/** Whether any account has a device with this Phone ID (yes/no only, spec §2: one phone, one ID). */
export async function phoneIdTaken(sql: Sql, phoneId: string, exceptId: string | null): Promise<boolean> {
  const r = await sql.query<{ taken: boolean }>(`SELECT tandem_phone_id_taken($1, $2) AS taken`, [phoneId, exceptId]);
  return r[0]?.taken === true;
}

/** The account of the device with this Phone ID, for a phone that names only its Phone ID. */
export async function accountOfPhoneId(sql: Sql, phoneId: string): Promise<string | null> {
  const r = await sql.query<{ account_id: string | null }>(`SELECT tandem_device_account($1) AS account_id`, [phoneId]);
  return r[0]?.account_id ?? null;
}

/**
 * Moves a number into or out of a pending handset change (spec §3/§6): `pending` records the action
 * and when it began; back to `active` clears both.
 */
export async function setNumberPending(sql: Sql, accountId: string, numberId: string, pending: { action: string } | null): Promise<void> {
  await sql.query(
    pending
      ? `UPDATE numbers SET status = 'pending', pending_action = $3, pending_since = now(), updated_at = now() WHERE account_id = $1 AND id = $2`
      : `UPDATE numbers SET status = 'active', pending_action = NULL, pending_since = NULL, updated_at = now() WHERE account_id = $1 AND id = $2`,
    pending ? [accountId, numberId, pending.action] : [accountId, numberId]);
}

/** Handset logins left pending since before `cutoff`, across accounts (operator path only). */
export async function staleHandsetLogins(sql: Sql, cutoff: Date): Promise<{ accountId: string; numberId: string }[]> {
  const rows = await sql.query<{ account_id: string; id: string }>(
    `SELECT account_id, id FROM numbers WHERE status = 'pending' AND pending_action = 'handset_login' AND pending_since < $1 ORDER BY pending_since`, [cutoff.toISOString()]);
  return rows.map((r) => ({ accountId: r.account_id, numberId: r.id }));
}

/** Everything the handset's configuration shows about the number logged into it. */
export async function handsetNumberInfo(sql: Sql, accountId: string, numberId: string): Promise<{ e164: string; line1: string | null; line2: string | null; userName: string | null } | null> {
  const r = (await sql.query<{ e164: string; display_line1: string | null; display_line2: string | null; first_name: string | null; last_name: string | null }>(
    `SELECT n.e164, n.display_line1, n.display_line2, u.first_name, u.last_name
       FROM numbers n LEFT JOIN users u ON u.account_id = n.account_id AND u.id = n.user_id
      WHERE n.account_id = $1 AND n.id = $2`, [accountId, numberId]))[0];
  if (!r) return null;
  return { e164: r.e164, line1: r.display_line1, line2: r.display_line2, userName: r.first_name !== null ? `${r.first_name} ${r.last_name ?? ''}`.trim() : null };
}
