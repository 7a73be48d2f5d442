/**
 * `tandem trunks list|add|update|remove` (spec §10 "Carrier trunks configured by the operator"; issue 5
 * item 4), through the API as the operator (see local-client.ts), so every change meets the same
 * checks, transaction, audit and event as /v1/trunks — and the SIP service reloads on that event.
 */
import fs from 'node:fs';
import type { Static } from '@sinclair/typebox';
import type { Command } from 'commander';
import type { Trunk } from '../http/schemas/trunks.ts';
import { table } from './accounts.ts';
import { reportOperator, withLocalClient, type LocalClient } from './local-client.ts';

export type ApiTrunk = Static<typeof Trunk>;

const out = (s: string): void => void process.stdout.write(`${s}\n`);
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every trunk, in the order outbound calls try them. */
export function listTrunks(c: LocalClient): Promise<ApiTrunk[]> {
  return c.all<ApiTrunk>('/v1/trunks');
}

/** A trunk named by its id or its exact name (case-insensitive). */
export async function resolveTrunk(c: LocalClient, ref: string): Promise<ApiTrunk> {
  const wanted = ref.trim();
  if (UUID_RE.test(wanted)) {
    const r = await c.request<ApiTrunk>('GET', `/v1/trunks/${wanted}`);
    if (r.status === 200) return r.body;
  }
  const all = await listTrunks(c);
  const hit = all.find((t) => t.name.toLowerCase() === wanted.toLowerCase());
  if (hit) return hit;
  const names = all.map((t) => `"${t.name}"`);
  throw new Error(`No trunk is named "${wanted}" or has that id${names.length ? ` (the trunks: ${names.slice(0, 10).join(', ')})` : ' (there are no trunks yet: tandem trunks add)'}`);
}

/** The options `add` and `update` share, as commander hands them over. */
export interface TrunkOptions {
  name?: string;
  host?: string;
  port?: string;
  transport?: string;
  username?: string;
  password?: string;
  passwordStdin?: boolean;
  priority?: string;
  inbound?: string[];
  clearInbound?: boolean;
  clearCredentials?: boolean;
  enable?: boolean;
  disable?: boolean;
}

function whole(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v.trim())) throw new Error(`--${flag} must be a whole number, got "${v}"`);
  return Number(v);
}

/** The request body for the options given (only those given; a password from stdin when asked). */
export function trunkBody(o: TrunkOptions, readStdin: () => string = () => fs.readFileSync(0, 'utf8')): Record<string, unknown> {
  if (o.password !== undefined && o.passwordStdin) throw new Error('Give the password either with --password or with --password-stdin, not both');
  if (o.enable && o.disable) throw new Error('Give --enable or --disable, not both');
  if (o.clearInbound && o.inbound?.length) throw new Error('Give --inbound or --clear-inbound, not both');
  if (o.clearCredentials && (o.username !== undefined || o.password !== undefined || o.passwordStdin)) throw new Error('--clear-credentials takes no --username or password');
  const password = o.passwordStdin ? readStdin().split(/\r?\n/)[0]! : o.password;
  const body: Record<string, unknown> = {};
  if (o.name !== undefined) body.name = o.name;
  if (o.host !== undefined) body.host = o.host;
  const port = whole('port', o.port);
  if (port !== undefined) body.port = port;
  if (o.transport !== undefined) body.transport = o.transport.trim().toUpperCase();
  if (o.username !== undefined) body.username = o.username;
  if (password !== undefined) body.password = password;
  if (o.clearCredentials) body.username = null;
  const priority = whole('priority', o.priority);
  if (priority !== undefined) body.priority = priority;
  if (o.enable) body.enabled = true;
  if (o.disable) body.enabled = false;
  if (o.inbound?.length) body.inboundAddresses = o.inbound;
  if (o.clearInbound) body.inboundAddresses = [];
  return body;
}

/** Where calls go: host:port;transport=… (an IPv6 host in brackets, RFC 3261 §19.1.1). */
const gateway = (t: ApiTrunk): string => `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port};transport=${t.transport.toLowerCase()}`;
const credentials = (t: ApiTrunk): string => (t.username ? `${t.username}${t.hasPassword ? ' (password set)' : ''}` : '-');

/** The trunks as a text table (never a password: the API has none to give). */
export function trunkTable(trunks: ApiTrunk[]): string[] {
  return table([
    ['PRIORITY', 'NAME', 'GATEWAY', 'ENABLED', 'CREDENTIALS', 'TRUSTED INBOUND'],
    ...trunks.map((t) => [
      String(t.priority), t.name, gateway(t), t.enabled ? 'yes' : 'no', credentials(t), t.inboundAddresses.join(', ') || '-',
    ]),
  ]);
}

/** Inbound addresses: the option may be repeated and each may list several, separated by commas or spaces. */
const collect = (v: string, prev: string[] | undefined): string[] => [...(prev ?? []), ...v.split(/[\s,]+/).filter(Boolean)];

function settingsOptions(cmd: Command): Command {
  return cmd
    .option('--port <port>', 'gateway port (default 5060, 5061 for TLS)')
    .option('--transport <transport>', 'UDP, TCP or TLS (default UDP)')
    .option('--username <name>', "user name for the carrier's digest challenge (with a password)")
    .option('--password <password>', 'password for the carrier (stored, never shown again); prefer --password-stdin')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .option('--priority <n>', 'order of outbound use, 0–1000, lower first (default 100)')
    .option('--inbound <addresses>', 'addresses or CIDR blocks trusted to send calls in (repeat, or separate with commas)', collect)
    .option('--json', 'print the trunk as JSON');
}

const describe = (t: ApiTrunk): string =>
  `"${t.name}" (id ${t.id}) → ${gateway(t)}, priority ${t.priority}, ${t.enabled ? 'enabled' : 'disabled'}, credentials ${credentials(t)}, trusted inbound ${t.inboundAddresses.join(', ') || '-'}`;

export function register(program: Command): void {
  const trunks = program.command('trunks').description('carrier trunks: outbound gateways and trusted inbound addresses (as the operator)');

  trunks
    .command('list')
    .description('list the trunks in the order outbound calls try them')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withLocalClient(async (c) => {
        reportOperator(c, out);
        const list = await listTrunks(c);
        if (opts.json) return out(JSON.stringify(list, null, 2));
        if (list.length === 0) return out('There are no carrier trunks yet (tandem trunks add <name> --host <host>).');
        for (const l of trunkTable(list)) out(l);
        out(`${list.length} trunk${list.length === 1 ? '' : 's'}`);
      });
    });

  settingsOptions(trunks.command('add <name>'))
    .description('add a carrier trunk')
    .requiredOption('--host <host>', 'the gateway: IPv4 or IPv6 address or DNS name (no scheme, no port)')
    .option('--disable', 'add it disabled (it carries no calls and is not trusted)')
    .action(async (name: string, o: TrunkOptions & { json?: boolean }) => {
      const body = { ...trunkBody(o), name };
      await withLocalClient(async (c) => {
        reportOperator(c, out);
        const t = await c.call<ApiTrunk>('POST', '/v1/trunks', { body });
        if (o.json) return out(JSON.stringify(t, null, 2));
        out(`Trunk added: ${describe(t)}`);
      });
    });

  settingsOptions(trunks.command('update <trunk>'))
    .description('change a trunk (by id or exact name); options not given stay as they are')
    .option('--name <name>', 'rename it')
    .option('--host <host>', 'the gateway: IPv4 or IPv6 address or DNS name')
    .option('--clear-credentials', 'remove the user name and password')
    .option('--clear-inbound', 'trust no inbound address any more')
    .option('--enable', 'carry calls again')
    .option('--disable', 'carry no calls and trust no inbound address')
    .action(async (ref: string, o: TrunkOptions & { json?: boolean }) => {
      const body = trunkBody(o);
      if (Object.keys(body).length === 0) throw new Error('Nothing to change: give at least one option (tandem trunks update --help)');
      await withLocalClient(async (c) => {
        reportOperator(c, out);
        const current = await resolveTrunk(c, ref);
        const t = await c.call<ApiTrunk>('PATCH', `/v1/trunks/${current.id}`, { body });
        if (o.json) return out(JSON.stringify(t, null, 2));
        out(`Trunk updated: ${describe(t)}`);
      });
    });

  trunks
    .command('remove <trunk>')
    .description('remove a trunk (by id or exact name)')
    .action(async (ref: string) => {
      await withLocalClient(async (c) => {
        reportOperator(c, out);
        const t = await resolveTrunk(c, ref);
        await c.call('DELETE', `/v1/trunks/${t.id}`);
        out(`Trunk "${t.name}" removed.`);
      });
    });
}
