/**
 * `tandem rates import <csv>` and `tandem rates list` (spec §12 "a rate table"; issue 4 "loaded from
 * a CSV by the operator"), through the API as the operator (see local-client.ts), so the import
 * meets the same checks, transaction and audit as PUT /v1/rate-deck.
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import { formatMoney } from '../routing/rating.ts';
import type { RateDeckImport, RateDeckProblem, RateDeckRow } from '../services/rating.ts';
import { table } from './accounts.ts';
import { ApiError, reportOperator, withLocalClient, type LocalClient } from './local-client.ts';

const out = (s: string): void => void process.stdout.write(`${s}\n`);

/** Replaces the deck with the file's text; a refusal is an {@link ApiError} whose problem lists the bad rows. */
export function importRates(c: LocalClient, csv: string): Promise<RateDeckImport> {
  return c.call<RateDeckImport>('PUT', '/v1/rate-deck', { body: { csv } });
}

/** Every row of the deck (optionally those starting with `prefix`), by prefix. */
export function listRates(c: LocalClient, prefix?: string): Promise<RateDeckRow[]> {
  return c.all<RateDeckRow>(`/v1/rate-deck${prefix ? `?prefix=${encodeURIComponent(prefix)}` : ''}`);
}

/** The lines printed for a refused import: one per bad row, as the API listed them. */
export function refusalLines(e: ApiError): string[] {
  const problems = (e.problem.problems as RateDeckProblem[] | undefined) ?? [];
  if (problems.length === 0) return [e.problem.detail];
  return [`The rate deck was refused; nothing was imported. ${problems.length} bad row${problems.length === 1 ? '' : 's'}:`,
    ...problems.map((p) => `  line ${p.line} (row ${p.row})${p.column ? `, ${p.column}` : ''}: ${p.reason}`)];
}

/** The deck as a text table, prices in currency units. */
export function rateTable(rows: RateDeckRow[]): string[] {
  return table([['PREFIX', 'PER MINUTE', 'SETUP', 'DESCRIPTION'], ...rows.map((r) => [r.prefix, formatMoney(r.perMinute), formatMoney(r.setup), r.description])]);
}

export function register(program: Command): void {
  const rates = program.command('rates').description('the rate deck: prefix → per-minute price and setup (as the operator)');

  rates
    .command('import <csv>')
    .description('replace the whole rate deck with a CSV file (header prefix,description,per_minute,setup; prices like 0.0123); a file with any bad row changes nothing')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { json?: boolean }) => {
      const csv = fs.readFileSync(file, 'utf8');
      await withLocalClient(async (c) => {
        reportOperator(c, out);
        try {
          const r = await importRates(c, csv);
          if (opts.json) return out(JSON.stringify(r, null, 2));
          out(`Rate deck replaced: ${r.rows} row${r.rows === 1 ? '' : 's'} (the previous deck had ${r.replaced}).`);
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          if (opts.json) out(JSON.stringify(e.problem, null, 2));
          else for (const l of refusalLines(e)) process.stderr.write(`${l}\n`);
          process.exitCode = 1;
        }
      });
    });

  rates
    .command('list')
    .description('list the rate deck by prefix')
    .option('--prefix <digits>', 'only the rows starting with these digits')
    .option('--json', 'print JSON (prices in 1/10,000 units)')
    .action(async (opts: { prefix?: string; json?: boolean }) => {
      await withLocalClient(async (c) => {
        reportOperator(c, out);
        const rows = await listRates(c, opts.prefix);
        if (opts.json) return out(JSON.stringify(rows, null, 2));
        if (rows.length === 0) return out(opts.prefix ? `No rate deck row starts with ${opts.prefix}.` : 'The rate deck is empty (tandem rates import <csv>).');
        for (const l of rateTable(rows)) out(l);
        out(`${rows.length} row${rows.length === 1 ? '' : 's'}`);
      });
    });
}
