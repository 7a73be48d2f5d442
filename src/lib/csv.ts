/**
 * CSV in and out for the CLI (spec §13 "import users and numbers"): reading an import file with a
 * checked header and the file line of every row, and writing CSV rows (the demo's credentials file).
 */
import { parse } from 'csv-parse/sync';

/** One data row: its line in the file (the header is line 1) and its values by column name. */
export interface CsvRow {
  line: number;
  values: Record<string, string>;
  /** Set when the row does not have as many fields as the header. */
  problem: string | null;
}

/**
 * Parses CSV text whose first line names the columns. Column names are matched case-insensitively
 * and with surrounding spaces ignored; every `required` column must be there and no column outside
 * `required` and `optional` may be. Blank lines are skipped. Values are trimmed.
 * @throws Error naming the missing or unknown columns, or the CSV syntax error and its line.
 */
export function readCsv(text: string, columns: { required: string[]; optional: string[] }): CsvRow[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as typeof records;
  } catch (e) {
    throw new Error(`The file is not valid CSV: ${(e as Error).message}`);
  }
  const first = records[0];
  if (!first) throw new Error(`The file is empty; its first line must name the columns: ${[...columns.required, ...columns.optional].join(',')}`);
  const header = first.record.map((h) => h.trim().toLowerCase());
  const known = new Set([...columns.required, ...columns.optional]);
  const missing = columns.required.filter((c) => !header.includes(c));
  const unknown = header.filter((c) => !known.has(c));
  const dup = header.filter((c, i) => header.indexOf(c) !== i);
  const problems: string[] = [];
  if (missing.length) problems.push(`missing column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  if (unknown.length) problems.push(`unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}`);
  if (dup.length) problems.push(`column${dup.length > 1 ? 's' : ''} named twice: ${[...new Set(dup)].join(', ')}`);
  if (problems.length) {
    throw new Error(`The header line is wrong (${problems.join('; ')}); expected ${columns.required.join(',')}${columns.optional.length ? ` and optionally ${columns.optional.join(',')}` : ''}`);
  }
  return records.slice(1).map(({ record, info }) => {
    const values: Record<string, string> = {};
    header.forEach((h, i) => (values[h] = (record[i] ?? '').trim()));
    const problem = record.length === header.length ? null : `the row has ${record.length} fields but the header names ${header.length}`;
    return { line: info.lines, values, problem };
  });
}

/** One CSV line (RFC 4180 quoting where a value needs it), without the line break. */
export function csvLine(values: readonly (string | number | null | undefined)[]): string {
  return values
    .map((v) => {
      const s = v === null || v === undefined ? '' : String(v);
      return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    })
    .join(',');
}
