/**
 * Cursor pagination (keyset): a list is ordered by a tuple of columns ending in the id; the cursor
 * carries the last row's tuple, so the next page starts strictly after it, stable under inserts.
 */
import { AppError } from '../domain/errors.ts';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes a cursor of `n` values; a tampered or foreign cursor is refused, never guessed at. */
export function decodeCursor(cursor: string | undefined, n: number): (string | number)[] | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v;
  } catch {
    /* falls through */
  }
  throw new AppError('validation_failed', 'The cursor is not one this list gave out', 'cursor');
}

/**
 * Builds the page from `limit + 1` fetched rows.
 * @param key the sort tuple of a row, same order as the query's ORDER BY
 */
export function toPage<R, T>(rows: R[], limit: number, key: (r: R) => (string | number)[], map: (r: R) => T): Page<T> {
  const more = rows.length > limit;
  const slice = more ? rows.slice(0, limit) : rows;
  const last = slice[slice.length - 1];
  return { items: slice.map(map), nextCursor: more && last !== undefined ? encodeCursor(key(last)) : null };
}

/** Escapes a user's search text for use inside ILIKE '%…%'. */
export const likePattern = (q: string): string => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
