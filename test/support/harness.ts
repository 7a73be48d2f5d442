/**
 * The medium-test harness: a real database (PGlite, or PostgreSQL when DATABASE_URL is set), the
 * real Fastify app driven through `inject`, and builders that create tenants through the API the way
 * a client would, returning ids and tokens.
 */
import type { FastifyInstance } from 'fastify';
import { LocalBus } from '../../src/bus/index.ts';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { buildApp } from '../../src/http/app.ts';
import { ensureOperator } from '../../src/services/auth.ts';
import type { Services } from '../../src/services/context.ts';
import type { Database } from '../../src/store/db.ts';
import { freshDatabase } from './db.ts';

export interface Harness {
  app: FastifyInstance;
  services: Services;
  db: Database;
  operatorToken: string;
  /** A request through the app; returns status, parsed JSON body and headers. */
  call(method: string, url: string, opts?: { token?: string | null; body?: unknown; headers?: Record<string, string> }): Promise<Res>;
  close(): Promise<void>;
}

export interface Res {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON of any route, asserted by each test
  headers: Record<string, unknown>;
  text: string;
}

let counter = 0;
/** A unique suffix for names, e-mails, domains and numbers within one test process. */
export const uniq = (): number => ++counter;

export async function harness(overrides: Partial<Config> = {}): Promise<Harness> {
  const db = await freshDatabase();
  const config = loadConfig({}, { operatorPassword: 'operator password 1', databaseUrl: null, ...overrides });
  const services: Services = { db, bus: new LocalBus(), config };
  await ensureOperator(services);
  const app = await buildApp(services);
  const call: Harness['call'] = async (method, url, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const res = await app.inject({ method: method as 'GET', url, headers, ...(opts.body !== undefined ? { payload: opts.body as object } : {}) });
    let body: unknown = null;
    try {
      body = res.body ? JSON.parse(res.body) : null;
    } catch {
      body = res.body;
    }
    return { status: res.statusCode, body, headers: res.headers, text: res.body };
  };
  const login = await call('POST', '/v1/auth/login', { body: { email: config.operatorEmail, password: 'operator password 1' } });
  if (login.status !== 200) throw new Error(`operator login failed: ${login.text}`);
  return {
    app, services, db, call, operatorToken: login.body.token as string,
    async close() {
      await app.close();
      await db.close();
    },
  };
}

export interface TenantFixture {
  accountId: string;
  siteId: string;
  mainNumber: string;
  mainNumberId: string;
  adminId: string;
  adminToken: string;
  /** The admin's e-mail; their password is 'admin password 1'. */
  adminEmail: string;
  domain: string;
}

/** A distinct E.164 number in Germany's 030 range for each call (valid per libphonenumber). */
export const nextNumber = (): string => `+49309${String(1000000 + uniq()).slice(1)}`;

/** Opens an account through the API (operator), signs its admin in, and returns ids and the token. */
export async function makeAccount(h: Harness, over: { name?: string; country?: string; extMinLength?: number; extMaxLength?: number; mainNumber?: string; intlWhitelist?: string[] | null } = {}): Promise<TenantFixture> {
  const n = uniq();
  const domain = `acct${n}.example.net`;
  const mainNumber = over.mainNumber ?? nextNumber();
  const res = await h.call('POST', '/v1/accounts', {
    token: h.operatorToken,
    body: {
      name: over.name ?? `Account ${n}`, country: over.country ?? 'DE', sipDomain: domain,
      ...(over.extMinLength ? { extMinLength: over.extMinLength } : {}), ...(over.extMaxLength ? { extMaxLength: over.extMaxLength } : {}),
      ...(over.intlWhitelist !== undefined ? { intlWhitelist: over.intlWhitelist } : {}),
      firstSite: { name: 'Head office', timeZone: 'Europe/Berlin', mainNumber },
      admin: { firstName: 'Admin', lastName: `Number${n}`, email: `admin${n}@${domain}`, password: 'admin password 1', extension: '100' },
    },
  });
  if (res.status !== 201) throw new Error(`makeAccount failed: ${res.text}`);
  const token = await signIn(h, `admin${n}@${domain}`, 'admin password 1');
  const nums = await h.call('GET', `/v1/sites/${res.body.site.id}/numbers?q=${encodeURIComponent(mainNumber)}`, { token });
  const mainNumberId = nums.status === 200 ? (nums.body.items[0]?.id as string) : '';
  return { accountId: res.body.account.id, siteId: res.body.site.id, mainNumber: res.body.site.mainNumber, mainNumberId, adminId: res.body.admin.id, adminToken: token, adminEmail: `admin${n}@${domain}`, domain };
}

export async function signIn(h: Harness, email: string, password: string): Promise<string> {
  const r = await h.call('POST', '/v1/auth/login', { body: { email, password } });
  if (r.status !== 200) throw new Error(`sign-in of ${email} failed: ${r.text}`);
  return r.body.token as string;
}

/** Creates a user (with a password, so they can sign in) and returns the user and their token. */
export async function makeUser(h: Harness, t: TenantFixture, over: Record<string, unknown> = {}): Promise<{ id: string; email: string; token: string; extension: string | null }> {
  const n = uniq();
  const email = (over.email as string | undefined) ?? `user${n}@${t.domain}`;
  const body = { siteId: t.siteId, firstName: 'User', lastName: `Number${n}`, email, password: 'user password 1', extension: String(2000 + (n % 7000)), ...over };
  const r = await h.call('POST', '/v1/users', { token: t.adminToken, body });
  if (r.status !== 201) throw new Error(`makeUser failed: ${r.text}`);
  const token = await signIn(h, email, (body.password as string | undefined) ?? 'user password 1');
  return { id: r.body.id, email, token, extension: r.body.extension };
}

/** Allocates (operator) numbers to the fixture's account and site; returns their ids, reserved. */
export async function allocate(h: Harness, t: TenantFixture, count: number, siteId = t.siteId): Promise<{ id: string; e164: string }[]> {
  const numbers = Array.from({ length: count }, () => nextNumber());
  const r = await h.call('POST', `/v1/accounts/${t.accountId}/numbers`, { token: h.operatorToken, body: { siteId, numbers } });
  if (r.status !== 201) throw new Error(`allocate failed: ${r.text}`);
  return (r.body.items as { id: string; e164: string }[]).map((x) => ({ id: x.id, e164: x.e164 }));
}

/** Allocates and activates numbers. */
export async function activeNumbers(h: Harness, t: TenantFixture, count: number, siteId = t.siteId): Promise<{ id: string; e164: string }[]> {
  const nums = await allocate(h, t, count, siteId);
  for (const n of nums) {
    const r = await h.call('POST', `/v1/numbers/${n.id}/activate`, { token: t.adminToken });
    if (r.status !== 200) throw new Error(`activate failed: ${r.text}`);
  }
  return nums;
}

/** Every row of the account in every tenant table, as one comparable string (for "nothing changed"). */
export async function accountSnapshot(h: Harness, accountId: string): Promise<string> {
  const tables = ['accounts', 'sites', 'users', 'site_admin_sites', 'extensions', 'numbers', 'number_features', 'devices', 'oa_portals', 'alternate_phones',
    'call_rules', 'call_rule_prefixes', 'call_rule_users'];
  const parts: string[] = [];
  for (const t of tables) {
    const col = t === 'accounts' ? 'id' : 'account_id';
    const rows = await h.db.owner((sql) => sql.query(`SELECT to_jsonb(x) AS j FROM ${t} x WHERE ${col} = $1 ORDER BY to_jsonb(x)::text`, [accountId]));
    parts.push(`${t}:${JSON.stringify(rows.map((r) => r.j))}`);
  }
  return parts.join('\n');
}
