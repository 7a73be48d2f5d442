/** Accounts and sites. Every function takes the account id first (operator listing excepted). */
import type { Sql } from '../db.ts';

export interface Account {
  id: string;
  name: string;
  country: string;
  extMinLength: number;
  extMaxLength: number;
  sipDomain: string;
  intlWhitelist: string[] | null;
  premiumAllowed: boolean;
  createdAt: string;
}

export interface Site {
  id: string;
  accountId: string;
  name: string;
  timeZone: string;
  address: string;
  mainNumber: string | null;
  createdAt: string;
}

const iso = (v: unknown): string => new Date(v as string).toISOString();

export const toAccount = (r: Record<string, unknown>): Account => ({
  id: r.id as string,
  name: r.name as string,
  country: (r.country as string).trim(),
  extMinLength: Number(r.ext_min_length),
  extMaxLength: Number(r.ext_max_length),
  sipDomain: r.sip_domain as string,
  intlWhitelist: (r.intl_whitelist as string[] | null) ?? null,
  premiumAllowed: r.premium_allowed as boolean,
  createdAt: iso(r.created_at),
});

const toSite = (r: Record<string, unknown>): Site => ({
  id: r.id as string,
  accountId: r.account_id as string,
  name: r.name as string,
  timeZone: r.time_zone as string,
  address: r.address as string,
  mainNumber: (r.main_number as string | null) ?? null,
  createdAt: iso(r.created_at),
});

export async function getAccount(sql: Sql, accountId: string): Promise<Account | null> {
  const r = (await sql.query(`SELECT * FROM accounts WHERE id = $1`, [accountId]))[0];
  return r ? toAccount(r) : null;
}

/** Locks the account row: serialises writes that check account-wide counts (user limit). */
export async function lockAccount(sql: Sql, accountId: string): Promise<Account | null> {
  const r = (await sql.query(`SELECT * FROM accounts WHERE id = $1 FOR UPDATE`, [accountId]))[0];
  return r ? toAccount(r) : null;
}

const SITE_SELECT = `SELECT s.*, n.e164 AS main_number FROM sites s LEFT JOIN numbers n ON n.site_id = s.id AND n.is_main AND n.account_id = s.account_id`;

export async function getSite(sql: Sql, accountId: string, siteId: string): Promise<Site | null> {
  const r = (await sql.query(`${SITE_SELECT} WHERE s.account_id = $1 AND s.id = $2`, [accountId, siteId]))[0];
  return r ? toSite(r) : null;
}

/** Sites alphabetically (spec §2), optionally only the given ones (a site admin's). */
export async function listSites(sql: Sql, accountId: string, only: string[] | null): Promise<Site[]> {
  const rows = only
    ? await sql.query(`${SITE_SELECT} WHERE s.account_id = $1 AND s.id = ANY($2::uuid[]) ORDER BY lower(s.name), s.name, s.id`, [accountId, only])
    : await sql.query(`${SITE_SELECT} WHERE s.account_id = $1 ORDER BY lower(s.name), s.name, s.id`, [accountId]);
  return rows.map(toSite);
}

export async function siteNameTaken(sql: Sql, accountId: string, name: string, exceptId: string | null): Promise<boolean> {
  const rows = await sql.query(`SELECT 1 FROM sites WHERE account_id = $1 AND lower(name) = lower($2) AND id IS DISTINCT FROM $3::uuid`, [accountId, name, exceptId]);
  return rows.length > 0;
}

export async function countUsers(sql: Sql, accountId: string): Promise<number> {
  const r = (await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE account_id = $1`, [accountId]))[0];
  return r ? Number(r.n) : 0;
}
