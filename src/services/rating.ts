/**
 * The operator's rate deck (spec §12 "public network by destination … from a rate table"; issue 4:
 * "prefix → per-minute price and setup; loaded from a CSV by the operator").
 *
 * An import replaces the whole deck in one transaction on the operator path, with one audit row, and
 * publishes `rate_deck.updated` — the live routing snapshot reloads its rates on it (routing/live.ts),
 * so the next call is rated with the new deck. A file with any bad row is refused whole, listing
 * every bad row with its line and reason, and changes nothing.
 *
 * The CSV: a header line naming the columns `prefix,per_minute` and optionally `description,setup`
 * (any order, case-insensitive); prices are decimals of currency units with at most four decimals
 * (0.0123), stored as integers of 1/10,000 units (123). A prefix is the leading digits of E.164
 * numbers (a leading `+` is accepted and dropped).
 */
import { createHash } from 'node:crypto';
import { readCsv } from '../lib/csv.ts';
import { AppError } from '../domain/errors.ts';
import { MAX_PRICE_UNITS, parseMoney } from '../routing/rating.ts';
import { decodeCursor, toPage, type Page } from '../store/pagination.ts';
import { asOperator, type Ctx } from './context.ts';

export const RATE_DECK_COLUMNS = { required: ['prefix', 'per_minute'], optional: ['description', 'setup'] };

export interface RateRow {
  prefix: string;
  description: string;
  /** 1/10,000 currency units per started minute. */
  perMinute: number;
  /** 1/10,000 currency units per connected call. */
  setup: number;
}

/** A bad row of an import: its line in the file (the header is line 1), its data row number, the column and why. */
export interface RateDeckProblem {
  line: number;
  row: number;
  column: string | null;
  reason: string;
}

/** At most this many problems are listed in a refusal (the first one is in the sentence). */
const MAX_PROBLEMS = 100;
const MAX_DESCRIPTION = 200;
const PREFIX_RE = /^\+?([1-9][0-9]{0,14})$/;

/**
 * Parses and checks a rate deck file.
 * @throws AppError validation_failed on field `csv`, naming the first bad row's line and reason and
 *   listing every bad row in `problems`.
 */
export function parseRateDeck(csv: string): RateRow[] {
  let rows;
  try {
    rows = readCsv(csv, RATE_DECK_COLUMNS);
  } catch (e) {
    throw new AppError('validation_failed', `The rate deck cannot be read: ${(e as Error).message}`, 'csv', { problems: [] });
  }
  const problems: RateDeckProblem[] = [];
  const seen = new Map<string, number>();
  const out: RateRow[] = [];
  rows.forEach((r, i) => {
    const bad = (column: string | null, reason: string) => void problems.push({ line: r.line, row: i + 1, column, reason });
    if (r.problem) return bad(null, r.problem);
    const v = r.values;
    const pm = PREFIX_RE.exec(v.prefix ?? '');
    const perMinute = parseMoney(v.per_minute ?? '');
    const setup = (v.setup ?? '') === '' ? 0 : parseMoney(v.setup!);
    const description = v.description ?? '';
    const before = problems.length;
    if (!pm) {
      bad('prefix', (v.prefix ?? '') === '' ? 'the prefix is empty'
        : /^\+?0/.test(v.prefix!) ? `the prefix "${v.prefix}" starts with 0; a prefix is the leading digits of an E.164 number (country code first), e.g. 4930`
        : `the prefix "${v.prefix}" is not 1 to 15 digits`);
    } else if (seen.has(pm[1]!)) {
      bad('prefix', `the prefix ${pm[1]} is listed twice (also on line ${seen.get(pm[1]!)})`);
    }
    const price = (column: string, text: string) => `the ${column} "${text}" is not a price: write a decimal of currency units with at most four decimals, at most ${MAX_PRICE_UNITS} (e.g. 0.0123)`;
    if (perMinute === null) bad('per_minute', (v.per_minute ?? '') === '' ? 'the per_minute price is empty' : price('per_minute', v.per_minute!));
    if (setup === null) bad('setup', price('setup', v.setup!));
    if (description.length > MAX_DESCRIPTION) bad('description', `the description has ${description.length} characters; at most ${MAX_DESCRIPTION}`);
    if (pm) seen.set(pm[1]!, seen.get(pm[1]!) ?? r.line);
    if (problems.length === before) out.push({ prefix: pm![1]!, description, perMinute: perMinute!, setup: setup! });
  });
  if (problems.length > 0) {
    const first = problems[0]!;
    const more = problems.length > 1 ? ` (${problems.length} bad rows in all; nothing was imported)` : ' (nothing was imported)';
    throw new AppError('validation_failed', `Row ${first.row} (line ${first.line}) of the rate deck: ${first.reason}${more}`, 'csv', {
      problems: problems.slice(0, MAX_PROBLEMS), line: first.line, row: first.row, column: first.column,
    });
  }
  return out;
}

export interface RateDeckImport {
  /** Rows in the deck now. */
  rows: number;
  /** Rows the replaced deck had. */
  replaced: number;
}

/** Replaces the whole rate deck with the file's rows (operators only), in one transaction with one audit row. */
export async function importRateDeck(ctx: Ctx, csv: string): Promise<RateDeckImport> {
  const rows = parseRateDeck(csv);
  return asOperator(ctx, null, async (tx) => {
    const replaced = Number((await tx.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM rate_deck`))[0]!.n);
    await tx.sql.query(`DELETE FROM rate_deck`);
    if (rows.length > 0) {
      await tx.sql.query(
        `INSERT INTO rate_deck (prefix, description, per_minute, setup)
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[])`,
        [rows.map((r) => r.prefix), rows.map((r) => r.description), rows.map((r) => r.perMinute), rows.map((r) => r.setup)]);
    }
    const sha256 = createHash('sha256').update(csv).digest('hex');
    await tx.audit({ action: 'rate_deck.replace', targetType: 'rate_deck', targetId: null, before: { rows: replaced }, after: { rows: rows.length, sha256 } });
    tx.emit('rate_deck.updated', 'rate_deck', { rows: rows.length });
    return { rows: rows.length, replaced };
  });
}

export interface RateDeckRow extends RateRow {
  updatedAt: string;
}

/** The deck by prefix (operators only); `prefix` narrows to the rows starting with those digits. */
export async function listRateDeck(ctx: Ctx, q: { prefix?: string; limit: number; cursor?: string }): Promise<Page<RateDeckRow>> {
  const after = decodeCursor(q.cursor, 1);
  const starts = q.prefix?.replace(/^\+/, '') ?? null;
  if (starts !== null && !/^[0-9]{1,15}$/.test(starts)) throw new AppError('validation_failed', 'prefix is 1 to 15 digits', 'prefix');
  const rows = await asOperator(ctx, null, (tx) =>
    tx.sql.query(
      `SELECT prefix, description, per_minute, setup, updated_at FROM rate_deck
        WHERE ($1::text IS NULL OR left(prefix, length($1)) = $1) AND ($2::text IS NULL OR prefix > $2)
        ORDER BY prefix LIMIT $3`,
      [starts, after?.[0] ?? null, q.limit + 1]));
  return toPage(rows, q.limit, (r) => [r.prefix as string], (r) => ({
    prefix: r.prefix as string, description: r.description as string, perMinute: Number(r.per_minute), setup: Number(r.setup),
    updatedAt: new Date(r.updated_at as string).toISOString(),
  }));
}
