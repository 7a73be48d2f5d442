/**
 * Test databases. The runner (scripts/run-tests.mjs) prepares a migrated template once; each test
 * file then gets its own copy: a PGlite loaded from the dumped data directory, or — when DATABASE_URL
 * points at a PostgreSQL server — a database created from a migrated template database.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import pg from 'pg';
import { MIGRATIONS_DIR, migrate, PgDatabase, PgliteDatabase, type Database } from '../../src/store/db.ts';

export const CACHE_DIR = path.resolve('.test-cache');
const migrationsHash = (): string => {
  const h = crypto.createHash('sha256');
  for (const f of fs.readdirSync(MIGRATIONS_DIR).sort()) h.update(f).update(fs.readFileSync(path.join(MIGRATIONS_DIR, f)));
  return h.digest('hex').slice(0, 12);
};
const templateFile = (): string => path.join(CACHE_DIR, `pglite-${migrationsHash()}.tar.gz`);
const templateDbName = (): string => `tandem_tpl_${migrationsHash()}`;

export const serverUrl = (): string | null => process.env.DATABASE_URL || null;

function withDb(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Prepares the template (idempotent); run once before the test files start. */
export async function prepareTemplate(): Promise<void> {
  const url = serverUrl();
  if (url) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const name = templateDbName();
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) {
        await admin.query(`CREATE DATABASE ${name}`);
        const db = PgDatabase.open(withDb(url, name), 1);
        await migrate(db);
        await db.close();
      }
    } finally {
      await admin.end();
    }
    return;
  }
  if (fs.existsSync(templateFile())) return;
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const db = await PgliteDatabase.open(null);
  await migrate(db);
  const dump = await db.pglite.dumpDataDir('gzip');
  await db.close();
  const tmp = `${templateFile()}.${process.pid}`;
  fs.writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
  fs.renameSync(tmp, templateFile());
}

/**
 * On a PostgreSQL server: a new database created from the migrated template, with its URL (for a
 * subprocess) and a function that drops it. Null on the embedded database.
 */
export async function freshServerDatabase(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const url = serverUrl();
  if (!url) return null;
  const name = `tandem_t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${templateDbName()}`);
  } finally {
    await admin.end();
  }
  return {
    url: withDb(url, name),
    async drop() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await c.end();
    },
  };
}

/** A fresh, migrated, empty database for one test file. */
export async function freshDatabase(): Promise<Database> {
  const server = await freshServerDatabase();
  if (server) {
    const db = PgDatabase.open(server.url, 5);
    const close = db.close.bind(db);
    db.close = async () => {
      await close();
      await server.drop();
    };
    return db;
  }
  if (!fs.existsSync(templateFile())) await prepareTemplate();
  const blob = new Blob([fs.readFileSync(templateFile())]);
  return PgliteDatabase.open(null, blob);
}
