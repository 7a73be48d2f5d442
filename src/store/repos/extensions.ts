/** The account's one directory of extensions (users, Office Anywhere portals, other targets). */
import type { Sql } from '../db.ts';

export type ExtensionTarget = 'user' | 'oa_portal' | 'voicemail_pilot' | 'ring_group';

export async function extensionOwner(sql: Sql, accountId: string, extension: string): Promise<{ targetType: ExtensionTarget; targetId: string } | null> {
  const r = (await sql.query<{ target_type: ExtensionTarget; target_id: string }>(
    `SELECT target_type, target_id FROM extensions WHERE account_id = $1 AND extension = $2`, [accountId, extension]))[0];
  return r ? { targetType: r.target_type, targetId: r.target_id } : null;
}

/** Points `extension` at the target, replacing the target's previous extension; null removes it. */
export async function setExtension(sql: Sql, accountId: string, targetType: ExtensionTarget, targetId: string, extension: string | null): Promise<void> {
  await sql.query(`DELETE FROM extensions WHERE account_id = $1 AND target_type = $2 AND target_id = $3`, [accountId, targetType, targetId]);
  if (extension !== null) {
    await sql.query(`INSERT INTO extensions (account_id, extension, target_type, target_id) VALUES ($1, $2, $3, $4)`, [accountId, extension, targetType, targetId]);
  }
}

export async function extensionOf(sql: Sql, accountId: string, targetType: ExtensionTarget, targetId: string): Promise<string | null> {
  const r = (await sql.query<{ extension: string }>(`SELECT extension FROM extensions WHERE account_id = $1 AND target_type = $2 AND target_id = $3`, [accountId, targetType, targetId]))[0];
  return r?.extension ?? null;
}

export async function allExtensions(sql: Sql, accountId: string): Promise<string[]> {
  return (await sql.query<{ extension: string }>(`SELECT extension FROM extensions WHERE account_id = $1`, [accountId])).map((r) => r.extension);
}
