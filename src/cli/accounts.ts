/**
 * `tandem accounts list|show|create` (spec §13 "create and inspect accounts"), through the API as
 * the operator (see local-client.ts).
 */
import type { Command } from 'commander';
import { randomString } from '../domain/secrets.ts';
import { reportOperator, resolveAccount, withLocalClient, type ApiAccount, type ApiNumber, type ApiSite, type ApiUser, type LocalClient } from './local-client.ts';

const out = (s: string): void => void process.stdout.write(`${s}\n`);

/** Pads the columns of a small text table. */
export function table(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}

/** Everything `accounts show` prints: the account, its sites with user and number counts. */
export interface AccountOverview {
  account: ApiAccount;
  sites: (ApiSite & { users: number; numbers: Record<ApiNumber['status'], number> | null })[];
  users: { total: number; byRole: Record<ApiUser['role'], number> };
}

export async function accountOverview(c: LocalClient, account: ApiAccount): Promise<AccountOverview> {
  const opts = { account: account.id };
  const sites = (await c.call<{ items: ApiSite[] }>('GET', '/v1/sites', opts)).items;
  const users = await c.all<ApiUser>('/v1/users', opts);
  const byRole: Record<ApiUser['role'], number> = { account_admin: 0, site_admin: 0, user: 0 };
  for (const u of users) byRole[u.role]++;
  const withCounts: AccountOverview['sites'] = [];
  for (const s of sites) {
    let numbers: Record<ApiNumber['status'], number> | null = null;
    const first = await c.request<{ items: ApiNumber[]; nextCursor: string | null }>('GET', `/v1/sites/${s.id}/numbers?limit=1`, opts);
    if (first.status === 200) {
      numbers = { reserved: 0, active: 0, pending: 0 };
      for (const n of await c.all<ApiNumber>(`/v1/sites/${s.id}/numbers`, opts)) numbers[n.status]++;
    }
    withCounts.push({ ...s, users: users.filter((u) => u.siteId === s.id).length, numbers });
  }
  return { account, sites: withCounts, users: { total: users.length, byRole } };
}

export function register(program: Command): void {
  const accounts = program.command('accounts').description('create and inspect accounts (as the operator)');

  accounts
    .command('list')
    .description('list the accounts, alphabetically')
    .option('-q, --query <text>', 'only accounts whose name contains this')
    .option('--json', 'print JSON')
    .action(async (opts: { query?: string; json?: boolean }) => {
      await withLocalClient(async (c) => {
        reportOperator(c, out);
        const list = await c.all<ApiAccount>(`/v1/accounts${opts.query ? `?q=${encodeURIComponent(opts.query)}` : ''}`);
        if (opts.json) return out(JSON.stringify(list, null, 2));
        if (list.length === 0) return out(opts.query ? `No account name contains "${opts.query}".` : 'There are no accounts yet (tandem accounts create, or tandem demo).');
        for (const l of table([['ID', 'NAME', 'COUNTRY', 'SIP DOMAIN'], ...list.map((a) => [a.id, a.name, a.country, a.sipDomain])])) out(l);
        out(`${list.length} account${list.length === 1 ? '' : 's'}`);
      });
    });

  accounts
    .command('show <account>')
    .description('show an account (by id or exact name): settings, sites, users and numbers')
    .option('--json', 'print JSON')
    .action(async (ref: string, opts: { json?: boolean }) => {
      await withLocalClient(async (c) => {
        reportOperator(c, out);
        const o = await accountOverview(c, await resolveAccount(c, ref));
        if (opts.json) return out(JSON.stringify(o, null, 2));
        const a = o.account;
        out(`${a.name}`);
        out(`  id          ${a.id}`);
        out(`  country     ${a.country}`);
        out(`  SIP domain  ${a.sipDomain}`);
        out(`  extensions  ${a.extMinLength === a.extMaxLength ? a.extMinLength : `${a.extMinLength}–${a.extMaxLength}`} digits`);
        out(`  users       ${o.users.total} (${o.users.byRole.account_admin} account admin, ${o.users.byRole.site_admin} site admin, ${o.users.byRole.user} user)`);
        out('');
        const rows = [['SITE', 'TIME ZONE', 'MAIN NUMBER', 'USERS', 'NUMBERS (reserved/active/pending)']];
        for (const s of o.sites) {
          const n = s.numbers ? `${s.numbers.reserved + s.numbers.active + s.numbers.pending} (${s.numbers.reserved}/${s.numbers.active}/${s.numbers.pending})` : '–';
          rows.push([s.name, s.timeZone, s.mainNumber ?? '–', String(s.users), n]);
        }
        for (const l of table(rows)) out(`  ${l}`);
      });
    });

  accounts
    .command('create')
    .description('open an account with its first site (and main number) and first account admin')
    .requiredOption('--name <name>', 'account name')
    .requiredOption('--country <code>', 'ISO country code (drives number parsing), e.g. DE')
    .requiredOption('--domain <domain>', 'SIP domain of the account')
    .requiredOption('--site-name <name>', 'name of the first site')
    .requiredOption('--time-zone <tz>', 'IANA time zone of the first site, e.g. Europe/Berlin')
    .requiredOption('--main-number <number>', "the first site's main number (E.164 or national form)")
    .requiredOption('--admin-email <email>', "the account admin's e-mail")
    .option('--admin-first-name <name>', "the account admin's first name", 'Account')
    .option('--admin-last-name <name>', "the account admin's last name", 'Admin')
    .option('--admin-extension <ext>', "the account admin's extension")
    .option('--admin-password <password>', 'the account admin\'s password (default: generated and printed once)')
    .option('--address <address>', "the first site's address")
    .option('--ext-min <n>', 'shortest extension (2–6, default 3)')
    .option('--ext-max <n>', 'longest extension (2–6, default 4)')
    .option('--json', 'print the created account as JSON')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const s = (k: string): string | undefined => (typeof o[k] === 'string' ? (o[k] as string) : undefined);
      const int = (k: string): number | undefined => {
        const v = s(k);
        if (v === undefined) return undefined;
        if (!/^\d+$/.test(v)) throw new Error(`--${k} must be a whole number, got "${v}"`);
        return Number(v);
      };
      const password = s('adminPassword') ?? randomString(16);
      await withLocalClient(async (c) => {
        reportOperator(c, out);
        const body = {
          name: s('name'), country: s('country')?.toUpperCase(), sipDomain: s('domain'),
          ...(int('extMin') !== undefined ? { extMinLength: int('extMin') } : {}),
          ...(int('extMax') !== undefined ? { extMaxLength: int('extMax') } : {}),
          firstSite: { name: s('siteName'), timeZone: s('timeZone'), mainNumber: s('mainNumber'), ...(s('address') ? { address: s('address') } : {}) },
          admin: {
            firstName: s('adminFirstName'), lastName: s('adminLastName'), email: s('adminEmail'), password,
            ...(s('adminExtension') ? { extension: s('adminExtension') } : {}),
          },
        };
        const r = await c.call<{ account: ApiAccount; site: ApiSite; admin: ApiUser }>('POST', '/v1/accounts', { body });
        if (o.json) return out(JSON.stringify(r, null, 2));
        out(`Account "${r.account.name}" created (id ${r.account.id}).`);
        out(`  site        ${r.site.name}, main number ${r.site.mainNumber}`);
        out(`  admin       ${r.admin.email}${r.admin.extension ? `, extension ${r.admin.extension}` : ''}`);
        if (!s('adminPassword')) out(`  password    ${password}   (shown once)`);
      });
    });
}
