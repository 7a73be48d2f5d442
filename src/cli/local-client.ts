/**
 * The CLI's API client (spec §13 "CLI"): the commands never write to the database themselves. They
 * build the same Fastify application the server runs, in-process, and call its routes with
 * `app.inject`, signed in as the operator and acting inside an account with the `Tandem-Account`
 * header — so every write passes the same validation, rules and audit as a write through the API.
 */
import type { Static } from '@sinclair/typebox';
import type { Account, Site, User } from '../http/schemas/tenancy.ts';
import type { NumberSummary } from '../http/schemas/numbers.ts';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../config/index.ts';
import { buildApp } from '../http/app.ts';
import { newId } from '../domain/ids.ts';
import { newToken, tokenHash } from '../domain/secrets.ts';
import { ensureOperator } from '../services/auth.ts';
import type { Services } from '../services/context.ts';
import { openServices } from '../server.ts';

/** An RFC 9457 problem as the API answers it (spec §13, ENGINEERING "Errors"). */
export interface Problem {
  status: number;
  code: string;
  detail: string;
  field?: string;
  title?: string;
  [k: string]: unknown;
}

/** A refused API call: carries the problem's code, detail and field for the caller's report. */
export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(`${problem.detail || `${method} ${url} answered ${status}`}${problem.field ? ` (field: ${problem.field})` : ''}`);
  }
  get code(): string {
    return this.problem.code;
  }
  get field(): string | null {
    return this.problem.field ?? null;
  }
}

export interface CallOptions {
  body?: unknown;
  /** The account to act in (sent as `Tandem-Account`); none for operator-wide routes. */
  account?: string | null;
}

export interface Response<T> {
  status: number;
  body: T;
}

/** A page of a cursor-paginated list (ENGINEERING "Lists"). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface LocalClient {
  readonly services: Services;
  readonly app: FastifyInstance;
  /** The operator's e-mail, and the generated password when this run created the operator. */
  readonly operator: { email: string; generatedPassword: string | null; created: boolean };
  /** Any answer, successful or not. */
  request<T>(method: string, url: string, opts?: CallOptions): Promise<Response<T>>;
  /** A successful answer's body; throws {@link ApiError} on any 4xx/5xx. */
  call<T>(method: string, url: string, opts?: CallOptions): Promise<T>;
  /** Every item of a cursor-paginated list (follows `nextCursor`). */
  all<T>(url: string, opts?: CallOptions): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Issues a short-lived session token for the operator, written on the identity path exactly as a
 * portal sign-in writes its session (services/auth.ts `login`), without knowing the operator's
 * password. Returns the token and its row id (deleted again by {@link revokeCliToken}).
 */
export async function issueCliToken(s: Services, email = s.config.operatorEmail): Promise<{ token: string; tokenId: string }> {
  const token = newToken('tds');
  const tokenId = newId();
  const expiresAt = new Date(Date.now() + 6 * 3600_000).toISOString();
  await s.db.identity(async (sql) => {
    const op = (await sql.query<{ id: string }>(`SELECT id FROM operators WHERE lower(email) = lower($1)`, [email]))[0];
    if (!op) throw new Error(`No operator ${email} exists in this database (set TANDEM_OPERATOR_EMAIL to the operator's e-mail)`);
    await sql.query(
      `INSERT INTO auth_tokens (id, token_hash, kind, name, operator_id, account_id, expires_at) VALUES ($1, $2, 'session', 'tandem cli', $3, NULL, $4)`,
      [tokenId, tokenHash(token), op.id, expiresAt]);
  });
  return { token, tokenId };
}

/** Ends a CLI session issued by {@link issueCliToken}. */
export async function revokeCliToken(s: Services, tokenId: string): Promise<void> {
  await s.db.identity((sql) => sql.query(`DELETE FROM auth_tokens WHERE id = $1 AND kind = 'session'`, [tokenId]));
}

/**
 * A client over already-open services (used by `tandem serve` for the first-start demo). `close()`
 * closes the in-process app and the session, not the database, which belongs to the caller.
 */
export async function clientFor(services: Services, opts: { ownsDatabase?: boolean } = {}): Promise<LocalClient> {
  const operator = await ensureOperator(services);
  const app = await buildApp(services);
  await app.ready();
  const { token, tokenId } = await issueCliToken(services);
  const request = async <T>(method: string, url: string, o: CallOptions = {}): Promise<Response<T>> => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (o.account) headers['tandem-account'] = o.account;
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(o.body !== undefined ? { payload: o.body as object } : {}),
    });
    let body: T;
    try {
      body = (res.body ? JSON.parse(res.body) : undefined) as T;
    } catch {
      // Not JSON (a route answering text): hand the text over as a problem detail.
      body = { status: res.statusCode, code: 'not_json', detail: res.body } as T;
    }
    return { status: res.statusCode, body };
  };
  const call = async <T>(method: string, url: string, o: CallOptions = {}): Promise<T> => {
    const r = await request<T | Problem>(method, url, o);
    if (r.status >= 400) {
      const p = (r.body ?? {}) as Partial<Problem>;
      throw new ApiError(method, url, r.status, { ...p, status: r.status, code: p.code ?? 'http_error', detail: p.detail ?? `${method} ${url} answered ${r.status}` });
    }
    return r.body as T;
  };
  const all = async <T>(url: string, o: CallOptions = {}): Promise<T[]> => {
    const out: T[] = [];
    let cursor: string | null = null;
    const sep = url.includes('?') ? '&' : '?';
    do {
      const page: Page<T> = await call<Page<T>>('GET', `${url}${sep}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, o);
      out.push(...page.items);
      cursor = page.nextCursor ?? null;
    } while (cursor);
    return out;
  };
  let closed = false;
  return {
    services, app, operator, request, call, all,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await revokeCliToken(services, tokenId);
        await app.close();
      } finally {
        if (opts.ownsDatabase) await services.db.close();
      }
    },
  };
}

/** Opens the configured database (DATABASE_URL or TANDEM_DATA_DIR, like `tandem serve`) and a client over it. */
export async function openLocalClient(config: Config = loadConfig()): Promise<LocalClient> {
  const services = await openServices(config);
  try {
    return await clientFor(services, { ownsDatabase: true });
  } catch (e) {
    await services.db.close();
    throw e;
  }
}

/** Runs `fn` with a client and always closes it (an open PGlite keeps Node from exiting). */
export async function withLocalClient<T>(fn: (c: LocalClient) => Promise<T>, config?: Config): Promise<T> {
  const c = await openLocalClient(config);
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}

/** Prints the operator's generated password when this run created the operator (shown once). */
export function reportOperator(c: LocalClient, out: (s: string) => void): void {
  if (c.operator.created && c.operator.generatedPassword) {
    out(`Operator ${c.operator.email} was created; password: ${c.operator.generatedPassword}   (shown once; set TANDEM_OPERATOR_PASSWORD to choose it)`);
  }
}

// The API objects the CLI reads: the route schemas' own types.
export type ApiAccount = Static<typeof Account>;
export type ApiSite = Static<typeof Site>;
export type ApiUser = Static<typeof User>;
export type ApiNumber = Static<typeof NumberSummary>;

/** An account named by its id or by its exact name (case-insensitive). */
export async function resolveAccount(c: LocalClient, ref: string): Promise<ApiAccount> {
  const wanted = ref.trim();
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(wanted)) {
    const r = await c.request<ApiAccount>('GET', `/v1/accounts/${wanted}`);
    if (r.status === 200) return r.body;
  }
  const found = await c.all<ApiAccount>(`/v1/accounts?q=${encodeURIComponent(wanted)}`);
  const exact = found.filter((a) => a.name.toLowerCase() === wanted.toLowerCase());
  if (exact.length === 1) return exact[0]!;
  if (found.length === 0) throw new Error(`No account is named "${wanted}" or has that id (tandem accounts list shows them)`);
  throw new Error(`"${wanted}" is not the exact name of one account; did you mean ${found.slice(0, 5).map((a) => `"${a.name}"`).join(', ')}?`);
}
