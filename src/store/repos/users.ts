/** Users of an account, with their extension (from the extensions directory) and number. */
import type { Sql } from '../db.ts';
import type { Role } from '../../services/context.ts';
import { likePattern } from '../pagination.ts';

export interface User {
  id: string;
  accountId: string;
  siteId: string;
  firstName: string;
  lastName: string;
  email: string;
  extension: string | null;
  role: Exclude<Role, 'operator'>;
  officeAnywhereEnabled: boolean;
  profileImageUrl: string | null;
  presence: string;
  number: string | null;
  adminSiteIds: string[];
  hasPassword: boolean;
  createdAt: string;
}

const USER_SELECT = `
  SELECT u.*, x.extension, n.e164 AS number,
         coalesce((SELECT array_agg(sa.site_id ORDER BY sa.site_id) FROM site_admin_sites sa WHERE sa.user_id = u.id AND sa.account_id = u.account_id), '{}') AS admin_site_ids
    FROM users u
    LEFT JOIN extensions x ON x.account_id = u.account_id AND x.target_type = 'user' AND x.target_id = u.id
    LEFT JOIN numbers n ON n.account_id = u.account_id AND n.user_id = u.id`;

export const toUser = (r: Record<string, unknown>): User => ({
  id: r.id as string,
  accountId: r.account_id as string,
  siteId: r.site_id as string,
  firstName: r.first_name as string,
  lastName: r.last_name as string,
  email: r.email as string,
  extension: (r.extension as string | null) ?? null,
  role: r.role as User['role'],
  officeAnywhereEnabled: r.oa_enabled as boolean,
  profileImageUrl: (r.profile_image_url as string | null) ?? null,
  presence: r.presence as string,
  number: (r.number as string | null) ?? null,
  adminSiteIds: (r.admin_site_ids as string[] | null) ?? [],
  hasPassword: r.password_hash !== null,
  createdAt: new Date(r.created_at as string).toISOString(),
});

export async function getUser(sql: Sql, accountId: string, userId: string): Promise<User | null> {
  const r = (await sql.query(`${USER_SELECT} WHERE u.account_id = $1 AND u.id = $2`, [accountId, userId]))[0];
  return r ? toUser(r) : null;
}

export interface UserListFilter {
  q?: string;
  siteIds?: string[] | null;
  after?: (string | number)[] | null;
  limit: number;
}

/** Users by last name, first name, id; `q` matches name, e-mail, extension or number. */
export async function listUsers(sql: Sql, accountId: string, f: UserListFilter): Promise<Record<string, unknown>[]> {
  const params: unknown[] = [accountId];
  const where = ['u.account_id = $1'];
  if (f.siteIds) {
    params.push(f.siteIds);
    where.push(`u.site_id = ANY($${params.length}::uuid[])`);
  }
  if (f.q) {
    params.push(likePattern(f.q));
    const p = `$${params.length}`;
    where.push(`(u.first_name ILIKE ${p} OR u.last_name ILIKE ${p} OR (u.first_name || ' ' || u.last_name) ILIKE ${p} OR u.email ILIKE ${p} OR x.extension ILIKE ${p} OR n.e164 ILIKE ${p})`);
  }
  if (f.after) {
    params.push(f.after[0], f.after[1], f.after[2]);
    const n = params.length;
    where.push(`(lower(u.last_name), lower(u.first_name), u.id) > ($${n - 2}, $${n - 1}, $${n}::uuid)`);
  }
  params.push(f.limit + 1);
  return sql.query(`${USER_SELECT} WHERE ${where.join(' AND ')} ORDER BY lower(u.last_name), lower(u.first_name), u.id LIMIT $${params.length}`, params);
}

export const userSortKey = (r: Record<string, unknown>): string[] => [(r.last_name as string).toLowerCase(), (r.first_name as string).toLowerCase(), r.id as string];

export async function emailTaken(sql: Sql, email: string, exceptId: string | null): Promise<boolean> {
  // Looked up across accounts (an e-mail signs in one identity); answers only yes or no.
  const r = await sql.query(`SELECT tandem_email_taken($1, $2) AS taken`, [email, exceptId]);
  return r[0]?.taken === true;
}
