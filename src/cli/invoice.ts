/**
 * `tandem invoice --account <id|name> --month YYYY-MM [--json]` (spec §12 "Each account gets a
 * monthly invoice of its usage"), through the API as the operator acting in the account.
 */
import type { Command } from 'commander';
import { formatMoney } from '../routing/rating.ts';
import type { Invoice } from '../services/invoices.ts';
import { table } from './accounts.ts';
import { reportOperator, resolveAccount, withLocalClient, type LocalClient } from './local-client.ts';

const out = (s: string): void => void process.stdout.write(`${s}\n`);

/** The invoice of an account (id or exact name) for a month. */
export async function fetchInvoice(c: LocalClient, accountRef: string, month: string): Promise<{ accountName: string; invoice: Invoice }> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new Error(`--month must be a month written YYYY-MM, got "${month}"`);
  const account = await resolveAccount(c, accountRef);
  const invoice = await c.call<Invoice>('GET', `/v1/invoices/${month}`, { account: account.id });
  return { accountName: account.name, invoice };
}

const CLASS_LABEL: Record<string, string> = {
  on_net_own: 'on-net (own account)', on_net_linked: 'on-net (linked)', on_net_federated: 'on-net (federated)', emergency: 'emergency',
  local: 'local', national: 'national', international: 'international', premium: 'premium', none: 'not metered',
};

/** The invoice as text: one line per class and destination, then on-net, unrated and the totals. */
export function invoiceText(accountName: string, inv: Invoice): string[] {
  const lines = [`Invoice ${inv.month} — ${accountName} (${inv.accountId})`, ''];
  if (inv.lines.length === 0) return [...lines, 'No usage this month.'];
  const rows = [['CLASS', 'DESTINATION', 'CALLS', 'MINUTES', 'COST', 'UNRATED']];
  for (const l of inv.lines) {
    rows.push([`${CLASS_LABEL[l.class] ?? l.class}${l.officeAnywhere ? ' · Office Anywhere' : ''}`, l.destination, String(l.calls), String(l.minutes), formatMoney(l.cost), l.unrated ? String(l.unrated) : '']);
  }
  rows.push(['TOTAL', '', String(inv.totals.calls), String(inv.totals.minutes), formatMoney(inv.totals.cost), inv.unrated ? String(inv.unrated) : '']);
  lines.push(...table(rows), '');
  lines.push(`On-net (free): ${inv.onNet.calls} call${inv.onNet.calls === 1 ? '' : 's'}, ${inv.onNet.minutes} minute${inv.onNet.minutes === 1 ? '' : 's'}.`);
  if (inv.unrated > 0) lines.push(`Unrated: ${inv.unrated} call${inv.unrated === 1 ? '' : 's'} to numbers no rate deck row covers (rated 0; add their prefixes with tandem rates import).`);
  lines.push(`Amounts in currency units (rated in 1/${inv.currencyUnitScale}); minutes billed per started minute.`);
  return lines;
}

export function register(program: Command): void {
  program
    .command('invoice')
    .description("an account's monthly invoice: usage by class and destination, totals (as the operator)")
    .requiredOption('--account <account>', 'the account, by id or exact name')
    .requiredOption('--month <YYYY-MM>', 'the month (UTC)')
    .option('--json', 'print the invoice as JSON (money in 1/10,000 units)')
    .action(async (opts: { account: string; month: string; json?: boolean }) => {
      await withLocalClient(async (c) => {
        reportOperator(c, out);
        const { accountName, invoice } = await fetchInvoice(c, opts.account, opts.month);
        if (opts.json) return out(JSON.stringify(invoice, null, 2));
        for (const l of invoiceText(accountName, invoice)) out(l);
      });
    });
}
