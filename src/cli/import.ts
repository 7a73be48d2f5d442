/**
 * `tandem import users|numbers <csv> --account <id|name>` (spec §13 "import users and numbers").
 *
 * Every row goes through the API (local-client.ts), so it meets the same validation, rules and audit
 * as a write from the portal. A bad row does not stop the import: it is listed with its line and the
 * API's reason. A row that already exists identically is counted "unchanged" and not written, so
 * running the same file again changes nothing (and writes no audit rows).
 */
import fs from 'node:fs';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { AppError } from '../domain/errors.ts';
import { parseNumber } from '../domain/phone.ts';
import { readCsv, type CsvRow } from '../lib/csv.ts';
import { ApiError, reportOperator, resolveAccount, withLocalClient, type ApiAccount, type ApiNumber, type ApiSite, type ApiUser, type LocalClient } from './local-client.ts';

export const USER_COLUMNS = { required: ['site', 'first_name', 'last_name', 'email'], optional: ['extension', 'role'] };
export const NUMBER_COLUMNS = { required: ['site', 'number'], optional: ['status'] };

/** A row that was not imported: its line in the file, the CSV column at fault and the reason. */
export interface RowFailure {
  line: number;
  column: string | null;
  code: string;
  detail: string;
}

export interface ImportReport {
  imported: number;
  unchanged: number;
  failed: number;
  failures: RowFailure[];
}

/** Progress of an import: a bar on a terminal, plain lines otherwise (logs, pipes, CI). */
export interface Progress {
  tick(): void;
  stop(): void;
}

export function progress(total: number, label: string, stream: NodeJS.WriteStream = process.stdout): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total} rows  {percentage}%  ETA {eta_formatted}`, stream, hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
    bar.start(total, 0);
    return { tick: () => bar.increment(), stop: () => bar.stop() };
  }
  // Plain lines: about every tenth of the file, and the last row.
  const every = Math.max(1, Math.ceil(total / 10));
  let done = 0;
  return {
    tick() {
      done++;
      if (done % every === 0 || done === total) stream.write(`${label}: ${done}/${total} rows\n`);
    },
    stop() {},
  };
}

/** The CSV column an API field is about (the report speaks the file's language). */
const COLUMN_OF: Record<string, string> = {
  siteId: 'site', firstName: 'first_name', lastName: 'last_name', email: 'email', extension: 'extension', role: 'role',
  number: 'number', numbers: 'number', status: 'status',
};
function columnOf(field: string | null): string | null {
  if (!field) return null;
  const head = field.split(/[.[]/)[0]!;
  return COLUMN_OF[head] ?? field;
}

class RowError extends Error {
  constructor(readonly column: string | null, detail: string, readonly code = 'validation_failed') {
    super(detail);
  }
}

/** Runs `each` over the rows, sorting them into imported, unchanged and failed. */
async function runRows(rows: CsvRow[], label: string, each: (r: CsvRow) => Promise<'imported' | 'unchanged'>): Promise<ImportReport> {
  const report: ImportReport = { imported: 0, unchanged: 0, failed: 0, failures: [] };
  const p = progress(rows.length, label);
  try {
    for (const row of rows) {
      try {
        if (row.problem) throw new RowError(null, row.problem);
        report[await each(row)]++;
      } catch (e) {
        report.failed++;
        if (e instanceof ApiError) report.failures.push({ line: row.line, column: columnOf(e.field), code: e.code, detail: e.problem.detail });
        else if (e instanceof RowError) report.failures.push({ line: row.line, column: e.column, code: e.code, detail: e.message });
        else if (e instanceof AppError) report.failures.push({ line: row.line, column: columnOf(e.field), code: e.code, detail: e.message });
        else throw e;
      }
      p.tick();
    }
  } finally {
    p.stop();
  }
  return report;
}

function siteFinder(sites: ApiSite[]): (name: string) => ApiSite {
  const byName = new Map(sites.map((s) => [s.name.toLowerCase(), s]));
  return (name) => {
    if (!name) throw new RowError('site', 'The site is empty; name one of the account\'s sites');
    const s = byName.get(name.toLowerCase());
    if (!s) throw new RowError('site', `No site is named "${name}" in this account (its sites: ${sites.map((x) => x.name).join(', ')})`, 'not_found');
    return s;
  };
}

const ROLES = ['account_admin', 'site_admin', 'user'] as const;

/** Imports users (columns site, first_name, last_name, email, extension, role) into an account. */
export async function importUsers(c: LocalClient, account: ApiAccount, rows: CsvRow[]): Promise<ImportReport> {
  const opts = { account: account.id };
  const site = siteFinder((await c.call<{ items: ApiSite[] }>('GET', '/v1/sites', opts)).items);
  const byEmail = new Map((await c.all<ApiUser>('/v1/users', opts)).map((u) => [u.email.toLowerCase(), u]));
  return runRows(rows, 'Importing users', async ({ values: v }) => {
    const s = site(v.site!);
    const role = (v.role || 'user').toLowerCase();
    if (!(ROLES as readonly string[]).includes(role)) throw new RowError('role', `"${v.role}" is not a role; use ${ROLES.join(', ')} (empty means user)`);
    const want = { siteId: s.id, firstName: v.first_name!, lastName: v.last_name!, email: v.email!, extension: v.extension || null, role: role as ApiUser['role'] };
    const existing = byEmail.get(want.email.toLowerCase());
    if (existing) {
      const diffs: string[] = [];
      if (existing.siteId !== want.siteId) diffs.push('site');
      if (existing.firstName !== want.firstName) diffs.push('first_name');
      if (existing.lastName !== want.lastName) diffs.push('last_name');
      if ((existing.extension ?? null) !== want.extension) diffs.push('extension');
      if (existing.role !== want.role || (want.role === 'site_admin' && !existing.adminSiteIds.includes(want.siteId))) diffs.push('role');
      if (diffs.length === 0) return 'unchanged';
      throw new RowError(diffs[0]!, `A user with the e-mail ${want.email} exists in this account with a different ${diffs.join(', ')}; the import only adds users, change existing ones in the portal or API`, 'conflict');
    }
    const { extension, ...rest } = want;
    const created = await c.call<ApiUser>('POST', '/v1/users', { ...opts, body: { ...rest, ...(extension ? { extension } : {}) } });
    byEmail.set(created.email.toLowerCase(), created);
    if (want.role === 'site_admin') {
      // A site admin imported for a site administers that site.
      const patched = await c.call<ApiUser>('PATCH', `/v1/users/${created.id}`, { ...opts, body: { adminSiteIds: [s.id] } });
      byEmail.set(created.email.toLowerCase(), patched);
    }
    return 'imported';
  });
}

/** Imports numbers (columns site, number, status) into an account: allocates, then activates if asked. */
export async function importNumbers(c: LocalClient, account: ApiAccount, rows: CsvRow[]): Promise<ImportReport> {
  const opts = { account: account.id };
  const sites = (await c.call<{ items: ApiSite[] }>('GET', '/v1/sites', opts)).items;
  const site = siteFinder(sites);
  const siteName = new Map(sites.map((s) => [s.id, s.name]));
  const known = new Map<string, ApiNumber & { siteId: string }>();
  for (const s of sites) for (const n of await c.all<ApiNumber>(`/v1/sites/${s.id}/numbers`, opts)) known.set(n.e164, { ...n, siteId: s.id });
  return runRows(rows, 'Importing numbers', async ({ values: v }) => {
    const s = site(v.site!);
    const status = (v.status || 'reserved').toLowerCase();
    if (status !== 'reserved' && status !== 'active') throw new RowError('status', `"${v.status}" is not a status an import sets; use reserved (the default) or active`);
    if (!v.number) throw new RowError('number', 'The number is empty');
    const e164 = parseNumber(v.number, account.country, 'number').e164;
    const existing = known.get(e164);
    let id: string;
    if (existing) {
      if (existing.siteId !== s.id) throw new RowError('site', `${e164} is already allocated to the site "${siteName.get(existing.siteId)}" of this account`, 'number_taken');
      if (status === 'reserved' || existing.status !== 'reserved') return 'unchanged';
      id = existing.id;
    } else {
      const r = await c.call<{ items: ApiNumber[] }>('POST', `/v1/accounts/${account.id}/numbers`, { body: { siteId: s.id, numbers: [e164] } });
      const n = r.items[0]!;
      known.set(n.e164, { ...n, siteId: s.id });
      id = n.id;
      if (status === 'reserved') return 'imported';
    }
    try {
      const n = await c.call<ApiNumber>('POST', `/v1/numbers/${id}/activate`, opts);
      known.set(e164, { ...n, siteId: s.id, status: n.status ?? 'active' });
    } catch (e) {
      if (e instanceof ApiError) throw new RowError('status', `${e164} is allocated but could not be activated: ${e.problem.detail}`, e.code);
      throw e;
    }
    return 'imported';
  });
}

/** Prints the failures and the summary line; returns whether every row went in. */
export function printReport(report: ImportReport, out: (s: string) => void): boolean {
  if (report.failures.length > 0) {
    out('');
    out(`${report.failures.length} row${report.failures.length === 1 ? '' : 's'} not imported (rows numbered as in the file: the header is row 1):`);
    for (const f of report.failures) out(`  row ${f.line}${f.column ? ` [${f.column}]` : ''}: ${f.detail} (${f.code})`);
  }
  out(`${report.imported} imported, ${report.unchanged} unchanged, ${report.failed} failed`);
  return report.failed === 0;
}

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`Cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

export function register(program: Command): void {
  const imp = program.command('import').description('import users or numbers from a CSV file into an account');
  const out = (s: string): void => void process.stdout.write(`${s}\n`);
  const run = (kind: 'users' | 'numbers') => async (file: string, opts: { account: string }) => {
    const rows = readCsv(readFile(file), kind === 'users' ? USER_COLUMNS : NUMBER_COLUMNS);
    await withLocalClient(async (c) => {
      reportOperator(c, out);
      const account = await resolveAccount(c, opts.account);
      out(`Importing ${rows.length} ${kind === 'users' ? 'user' : 'number'} row${rows.length === 1 ? '' : 's'} into "${account.name}"`);
      const report = kind === 'users' ? await importUsers(c, account, rows) : await importNumbers(c, account, rows);
      if (!printReport(report, out)) process.exitCode = 1;
    });
  };
  imp
    .command('users <csv>')
    .description('import users; header: site,first_name,last_name,email,extension,role (site by name; role user, site_admin or account_admin, default user)')
    .requiredOption('-a, --account <account>', 'the account, by id or exact name')
    .action(run('users'));
  imp
    .command('numbers <csv>')
    .description('allocate numbers to sites; header: site,number,status (status reserved (default) or active: activated after allocation)')
    .requiredOption('-a, --account <account>', 'the account, by id or exact name')
    .action(run('numbers'));
}
