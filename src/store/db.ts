/**
 * Database access: one interface over the embedded PGlite and a PostgreSQL server.
 *
 * Every piece of application work runs in a transaction opened by one of three explicit paths:
 * - `tenant(accountId, fn)`: as the non-owner role `tandem_app` with `SET LOCAL tandem.account_id`,
 *   so row-level security walls the transaction into one account (second wall behind the
 *   repositories' own `account_id = $1`);
 * - `operator(fn)`: operator-wide work (accounts, number inventory), with `tandem.operator` set;
 *   callers write an audit row for every mutation made on this path;
 * - `identity(fn)`: as `tandem_app` with no account, for the identity tables only (login, tokens).
 * Migrations run as the owner through `migrate()` and nothing else does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export type Row = Record<string, unknown>;

/** What repositories see: a query function bound to one open transaction. */
export interface Sql {
  query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements without parameters (migrations). */
  exec(text: string): Promise<void>;
}

export interface Database {
  readonly kind: 'pglite' | 'pg';
  tenant<T>(accountId: string, fn: (sql: Sql) => Promise<T>): Promise<T>;
  operator<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  identity<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  /** Owner connection, for migrations and test set-up only. */
  owner<T>(fn: (sql: Sql) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

// pg returns int8/numeric as strings, PGlite as numbers: normalise here, once, so both agree.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

const APP_ROLE = 'tandem_app';

type Scope = { kind: 'tenant'; accountId: string } | { kind: 'operator' } | { kind: 'identity' } | { kind: 'owner' };

/**
 * The one statement that puts a transaction in its scope: `set_config('role', …, true)` is
 * `SET LOCAL ROLE`, and the account (or the operator flag) is set alongside, in a single round trip.
 */
function scopeStatements(scope: Scope): [string, unknown[]][] {
  switch (scope.kind) {
    case 'owner':
      return [];
    case 'tenant':
      return [[`SELECT set_config('role', '${APP_ROLE}', true), set_config('tandem.account_id', $1, true)`, [scope.accountId]]];
    case 'operator':
      return [[`SELECT set_config('role', '${APP_ROLE}', true), set_config('tandem.operator', 'on', true)`, []]];
    case 'identity':
      return [[`SELECT set_config('role', '${APP_ROLE}', true)`, []]];
  }
}

abstract class BaseDatabase implements Database {
  abstract readonly kind: 'pglite' | 'pg';
  protected abstract run<T>(scope: Scope, fn: (sql: Sql) => Promise<T>): Promise<T>;
  tenant<T>(accountId: string, fn: (sql: Sql) => Promise<T>): Promise<T> {
    return this.run({ kind: 'tenant', accountId }, fn);
  }
  operator<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return this.run({ kind: 'operator' }, fn);
  }
  identity<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return this.run({ kind: 'identity' }, fn);
  }
  owner<T>(fn: (sql: Sql) => Promise<T>): Promise<T> {
    return this.run({ kind: 'owner' }, fn);
  }
  async ping(): Promise<void> {
    await this.run({ kind: 'identity' }, (sql) => sql.query('SELECT 1'));
  }
  abstract close(): Promise<void>;
}

/** Embedded PostgreSQL (PGlite): a single session, so transactions are serialised. */
export class PgliteDatabase extends BaseDatabase {
  readonly kind = 'pglite' as const;
  private queue: Promise<unknown> = Promise.resolve();
  constructor(readonly pglite: PGlite) {
    super();
  }
  static async open(dataDir: string | null, loadFrom?: Blob): Promise<PgliteDatabase> {
    if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
    const db = await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(loadFrom ? { loadDataDir: loadFrom } : {}) });
    return new PgliteDatabase(db);
  }
  protected run<T>(scope: Scope, fn: (sql: Sql) => Promise<T>): Promise<T> {
    const next = this.queue.then(() =>
      this.pglite.transaction(async (tx) => {
        for (const [text, params] of scopeStatements(scope)) await tx.query(text, params as unknown[]);
        return fn({
          query: async <R extends Row>(text: string, params?: readonly unknown[]) => (await tx.query<R>(text, params as unknown[])).rows,
          exec: async (text: string) => void (await tx.exec(text)),
        });
      }),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }
  async close(): Promise<void> {
    await this.queue;
    await this.pglite.close();
  }
}

/** A PostgreSQL server through a pg pool. */
export class PgDatabase extends BaseDatabase {
  readonly kind = 'pg' as const;
  constructor(readonly pool: pg.Pool) {
    super();
  }
  static open(url: string, max = 10): PgDatabase {
    const pool = new pg.Pool({ connectionString: url, max });
    pool.on('error', () => undefined); // an idle client dying is reported by the next query
    return new PgDatabase(pool);
  }
  protected async run<T>(scope: Scope, fn: (sql: Sql) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (const [text, params] of scopeStatements(scope)) await client.query(text, params);
      const result = await fn({
        query: async <R extends Row>(text: string, params?: readonly unknown[]) => (await client.query<R>(text, params as unknown[])).rows,
        exec: async (text: string) => void (await client.query(text)),
      });
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }
  async close(): Promise<void> {
    await this.pool.end();
  }
}

export const MIGRATIONS_DIR = path.join(path.dirname(new URL(import.meta.url).pathname), 'migrations');

/** Applies the numbered plain-SQL migrations not yet applied, each in its own transaction. */
export async function migrate(db: Database): Promise<string[]> {
  const files = fs.readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{3}_.+\.sql$/.test(f)).sort();
  await db.owner((sql) =>
    sql.query(`CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`),
  );
  const applied = new Set((await db.owner((sql) => sql.query<{ name: string }>('SELECT name FROM schema_migrations'))).map((r) => r.name));
  const done: string[] = [];
  for (const file of files) {
    if (applied.has(file)) continue;
    const text = fs.readFileSync(path.join(MIGRATIONS_DIR, file), 'utf8');
    await db.owner(async (sql) => {
      // A migration on a shared server takes a lock so two starting instances do not race.
      await sql.query('SELECT pg_advisory_xact_lock(7243001)');
      const again = await sql.query('SELECT 1 FROM schema_migrations WHERE name = $1', [file]);
      if (again.length > 0) return;
      await sql.exec(text);
      await sql.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
    });
    done.push(file);
  }
  return done;
}

/** Opens the configured database and brings its schema up to date. */
export async function openDatabase(opts: { databaseUrl: string | null; dataDir: string | null }): Promise<Database> {
  const db = opts.databaseUrl ? PgDatabase.open(opts.databaseUrl) : await PgliteDatabase.open(opts.dataDir ? path.join(opts.dataDir, 'pg') : null);
  await migrate(db);
  return db;
}
