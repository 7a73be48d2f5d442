/** Numbers (DIDs) of an account. */
import type { Sql } from '../db.ts';
import { newId } from '../../domain/ids.ts';
import { generateDefaultPin } from '../../domain/pin.ts';
import type { NumberStatus } from '../../domain/numbers.ts';

export type { NumberStatus };

/** The raw row of a number, as stored. */
export interface NumberRow {
  [k: string]: unknown;
  id: string;
  account_id: string;
  site_id: string;
  e164: string;
  status: NumberStatus;
  is_main: boolean;
  pending_action: string | null;
  pending_since: string | null;
  user_id: string | null;
  display_line1: string | null;
  display_line2: string | null;
  default_pin: string;
  pin_hash: string | null;
  pin_failures: number;
  pin_locked: boolean;
}

/** Reads a number and locks its row for the rest of the transaction; null when not in the account. */
export async function lockNumber(sql: Sql, accountId: string, numberId: string): Promise<NumberRow | null> {
  return (await sql.query<NumberRow>(`SELECT * FROM numbers WHERE account_id = $1 AND id = $2 FOR UPDATE`, [accountId, numberId]))[0] ?? null;
}

/** Inserts a number with a fresh default PIN and default features. */
export async function insertNumber(sql: Sql, accountId: string, siteId: string, e164: string, status: NumberStatus, isMain: boolean): Promise<string> {
  const id = newId();
  await sql.query(
    `INSERT INTO numbers (id, account_id, site_id, e164, status, is_main, default_pin) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, accountId, siteId, e164, status, isMain, generateDefaultPin()],
  );
  await sql.query(`INSERT INTO number_features (number_id, account_id) VALUES ($1, $2)`, [id, accountId]);
  return id;
}

export async function numberTaken(sql: Sql, e164: string): Promise<boolean> {
  const r = await sql.query<{ taken: boolean }>(`SELECT tandem_number_taken($1) AS taken`, [e164]);
  return r[0]?.taken === true;
}
