/** Office Anywhere portal numbers and users' alternate phones (spec §7). Account id first. */
import type { Sql } from '../db.ts';
import type { PortalScope } from '../../domain/office-anywhere.ts';
import { likePattern } from '../pagination.ts';

export interface Portal {
  id: string;
  numberId: string;
  number: string;
  name: string;
  extension: string | null;
  scope: PortalScope;
  siteId: string | null;
  createdAt: string;
}

export interface AlternatePhone {
  id: string;
  userId: string;
  number: string;
  kind: 'mobile' | 'landline' | 'other';
  label: string;
  active: boolean;
  createdAt: string;
}

const iso = (v: unknown): string => new Date(v as string).toISOString();

const PORTAL_SELECT = `
  SELECT p.id, p.account_id, p.number_id, p.name, p.scope, p.site_id, p.created_at, n.e164 AS number, x.extension
    FROM oa_portals p
    JOIN numbers n ON n.account_id = p.account_id AND n.id = p.number_id
    LEFT JOIN extensions x ON x.account_id = p.account_id AND x.target_type = 'oa_portal' AND x.target_id = p.id`;

export const toPortal = (r: Record<string, unknown>): Portal => ({
  id: r.id as string,
  numberId: r.number_id as string,
  number: r.number as string,
  name: r.name as string,
  extension: (r.extension as string | null) ?? null,
  scope: r.scope as PortalScope,
  siteId: (r.site_id as string | null) ?? null,
  createdAt: iso(r.created_at),
});

export async function getPortal(sql: Sql, accountId: string, portalId: string, lock = false): Promise<Portal | null> {
  const r = (await sql.query(`${PORTAL_SELECT} WHERE p.account_id = $1 AND p.id = $2${lock ? ' FOR UPDATE OF p' : ''}`, [accountId, portalId]))[0];
  return r ? toPortal(r) : null;
}

export async function getPortalOfNumber(sql: Sql, accountId: string, numberId: string): Promise<Portal | null> {
  const r = (await sql.query(`${PORTAL_SELECT} WHERE p.account_id = $1 AND p.number_id = $2`, [accountId, numberId]))[0];
  return r ? toPortal(r) : null;
}

export interface PortalListFilter {
  q?: string;
  /** A site admin's sites: they see account-wide portals and those of their sites; null sees all. */
  siteIds: string[] | null;
  after: (string | number)[] | null;
  limit: number;
}

/** Portals by name; `q` matches name, number or extension. */
export async function listPortals(sql: Sql, accountId: string, f: PortalListFilter): Promise<Record<string, unknown>[]> {
  const params: unknown[] = [accountId];
  const where = ['p.account_id = $1'];
  if (f.siteIds) {
    params.push(f.siteIds);
    where.push(`(p.scope = 'account' OR p.site_id = ANY($${params.length}::uuid[]))`);
  }
  if (f.q) {
    params.push(likePattern(f.q));
    const p = `$${params.length}`;
    where.push(`(p.name ILIKE ${p} OR n.e164 ILIKE ${p} OR x.extension ILIKE ${p})`);
  }
  if (f.after) {
    params.push(f.after[0], f.after[1]);
    where.push(`(lower(p.name), p.id) > ($${params.length - 1}, $${params.length}::uuid)`);
  }
  params.push(f.limit + 1);
  return sql.query(`${PORTAL_SELECT} WHERE ${where.join(' AND ')} ORDER BY lower(p.name), p.id LIMIT $${params.length}`, params);
}

export const portalSortKey = (r: Record<string, unknown>): string[] => [(r.name as string).toLowerCase(), r.id as string];

/** Every portal of the account (scope and site only), for the readiness check. */
export async function allPortals(sql: Sql, accountId: string): Promise<Portal[]> {
  return (await sql.query(`${PORTAL_SELECT} WHERE p.account_id = $1 ORDER BY lower(p.name), p.id`, [accountId])).map(toPortal);
}

export async function insertPortal(sql: Sql, accountId: string, p: { id: string; numberId: string; name: string; scope: PortalScope; siteId: string | null }): Promise<void> {
  await sql.query(`INSERT INTO oa_portals (id, account_id, number_id, name, scope, site_id) VALUES ($1, $2, $3, $4, $5, $6)`,
    [p.id, accountId, p.numberId, p.name, p.scope, p.siteId]);
}

export async function updatePortal(sql: Sql, accountId: string, portalId: string, p: { name: string; scope: PortalScope; siteId: string | null }): Promise<void> {
  await sql.query(`UPDATE oa_portals SET name = $3, scope = $4, site_id = $5 WHERE account_id = $1 AND id = $2`, [accountId, portalId, p.name, p.scope, p.siteId]);
}

export async function deletePortal(sql: Sql, accountId: string, portalId: string): Promise<void> {
  await sql.query(`DELETE FROM oa_portals WHERE account_id = $1 AND id = $2`, [accountId, portalId]);
}

const ALT_SELECT = `SELECT id, user_id, e164, kind, label, active, created_at FROM alternate_phones`;

export const toAlternatePhone = (r: Record<string, unknown>): AlternatePhone => ({
  id: r.id as string,
  userId: r.user_id as string,
  number: r.e164 as string,
  kind: r.kind as AlternatePhone['kind'],
  label: r.label as string,
  active: r.active as boolean,
  createdAt: iso(r.created_at),
});

export async function listAlternatePhones(sql: Sql, accountId: string, userId: string): Promise<AlternatePhone[]> {
  return (await sql.query(`${ALT_SELECT} WHERE account_id = $1 AND user_id = $2 ORDER BY created_at, id`, [accountId, userId])).map(toAlternatePhone);
}

export async function getAlternatePhone(sql: Sql, accountId: string, userId: string, id: string, lock = false): Promise<AlternatePhone | null> {
  const r = (await sql.query(`${ALT_SELECT} WHERE account_id = $1 AND user_id = $2 AND id = $3${lock ? ' FOR UPDATE' : ''}`, [accountId, userId, id]))[0];
  return r ? toAlternatePhone(r) : null;
}

/** Whether the user already lists this number (another entry than `exceptId`). */
export async function alternatePhoneExists(sql: Sql, accountId: string, userId: string, e164: string, exceptId: string | null): Promise<boolean> {
  return (await sql.query(`SELECT 1 FROM alternate_phones WHERE account_id = $1 AND user_id = $2 AND e164 = $3 AND id IS DISTINCT FROM $4::uuid`, [accountId, userId, e164, exceptId])).length > 0;
}

/** Whether the number is one of the account's own numbers (DIDs). */
export async function isAccountNumber(sql: Sql, accountId: string, e164: string): Promise<boolean> {
  return (await sql.query(`SELECT 1 FROM numbers WHERE account_id = $1 AND e164 = $2`, [accountId, e164])).length > 0;
}

export async function insertAlternatePhone(sql: Sql, accountId: string, a: { id: string; userId: string; e164: string; kind: AlternatePhone['kind']; label: string; active: boolean }): Promise<void> {
  await sql.query(`INSERT INTO alternate_phones (id, account_id, user_id, e164, kind, label, active) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [a.id, accountId, a.userId, a.e164, a.kind, a.label, a.active]);
}

export async function updateAlternatePhone(sql: Sql, accountId: string, id: string, a: { e164: string; kind: AlternatePhone['kind']; label: string; active: boolean }): Promise<void> {
  await sql.query(`UPDATE alternate_phones SET e164 = $3, kind = $4, label = $5, active = $6 WHERE account_id = $1 AND id = $2`, [accountId, id, a.e164, a.kind, a.label, a.active]);
}

export async function deleteAlternatePhone(sql: Sql, accountId: string, id: string): Promise<void> {
  await sql.query(`DELETE FROM alternate_phones WHERE account_id = $1 AND id = $2`, [accountId, id]);
}
