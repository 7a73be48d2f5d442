/**
 * API benchmark: the type-ahead search of a site's number list (spec §3 "the list filters as the
 * admin types"), GET /v1/sites/:siteId/numbers?q=<fragment>, on an account of 10,000 users whose site
 * holds 2,000 numbers (assigned users, display names, unassigned ones).
 *
 * Open-loop load: requests are sent on a fixed schedule (BENCH_RATE per second for BENCH_DURATION
 * seconds) whatever the answers do, with at most BENCH_CONCURRENCY in flight; a request that has to
 * wait for a free slot is late, and its latency is counted from its scheduled time (no coordinated
 * omission). Runs on the embedded PGlite, then on PostgreSQL when BENCH_DATABASE_URL or DATABASE_URL
 * is set. Prints figures; never fails on time.
 *
 *   npm run bench:api
 *   BENCH_RATE=100 BENCH_DURATION=30 BENCH_CONCURRENCY=8 npm run bench:api
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { LocalBus } from '../../src/bus/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { newId } from '../../src/domain/ids.ts';
import { generateDefaultPin } from '../../src/domain/pin.ts';
import { buildApp } from '../../src/http/app.ts';
import { clientFor } from '../../src/cli/local-client.ts';
import type { Services } from '../../src/services/context.ts';
import { migrate, PgDatabase, PgliteDatabase, type Database } from '../../src/store/db.ts';
import { openLoop, pct } from '../lib/load.ts';

const env = (name: string, def: number): number => {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${v}"`);
  return n;
};

const RATE = env('BENCH_RATE', 50);
const DURATION_S = env('BENCH_DURATION', 20);
const CONCURRENCY = Math.floor(env('BENCH_CONCURRENCY', 4));
const USERS = Math.floor(env('BENCH_USERS', 10_000));
const NUMBERS = Math.floor(env('BENCH_NUMBERS', 2_000));
const PAGE = Math.floor(env('BENCH_LIMIT', 50));
const ADMIN_PASSWORD = 'bench admin password';

const FIRST = ['Anna', 'Ben', 'Clara', 'David', 'Elif', 'Felix', 'Greta', 'Hannes', 'Ida', 'Jonas', 'Kira', 'Lukas', 'Mia', 'Noah', 'Olga', 'Paul', 'Rosa', 'Simon', 'Tara', 'Umut'];
const LAST = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Braun', 'Zimmermann', 'Krüger',
  'Hartmann', 'Lange', 'Werner', 'Krause', 'Lehmann', 'Schmitt', 'Maier', 'Köhler', 'Huber', 'Kaiser', 'Fuchs', 'Peters', 'Lang', 'Scholz', 'Möller', 'Weiß', 'Jung', 'Hahn', 'Vogel', 'Friedrich'];
const LABELS = ['Reception', 'Meeting room', 'Warehouse', 'Support line', 'Sales desk', 'Lobby', 'Fax', 'Kitchen'];
/** What an admin types: number fragments and name fragments (spec §3 search). */
const FRAGMENTS = ['0512', '5001', '123', '99', '+49305', '030 500', 'anna', 'mül', 'schmidt', 'Reception', 'room', 'unass', 'main', 'wolf', 'er', 'zz-nobody'];

/** A fresh migrated database: PGlite in memory, or a new database on the PostgreSQL server. */
async function openBenchDatabase(url: string | null): Promise<{ db: Database; label: string; drop: () => Promise<void> }> {
  if (!url) {
    const db = await PgliteDatabase.open(null);
    await migrate(db);
    return { db, label: 'embedded PGlite', drop: async () => undefined };
  }
  const name = `tandem_bench_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const db = PgDatabase.open(u.toString(), Math.max(10, CONCURRENCY + 2));
  await migrate(db);
  return {
    db, label: `PostgreSQL (${u.host})`,
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name}`).catch(() => undefined);
      await c.end();
    },
  };
}

/**
 * The data set: the account, its site and admin through the API (as the CLI does), then the users
 * and numbers in bulk through the owner connection (fast; fine for a benchmark).
 */
async function seed(s: Services): Promise<{ siteId: string; adminEmail: string }> {
  const c = await clientFor(s);
  let siteId: string;
  let accountId: string;
  const adminEmail = 'admin@bench.example';
  try {
    const r = await c.call<{ account: { id: string }; site: { id: string } }>('POST', '/v1/accounts', {
      body: {
        name: 'Bench GmbH', country: 'DE', sipDomain: 'bench.example', extMinLength: 3, extMaxLength: 5,
        firstSite: { name: 'Berlin', timeZone: 'Europe/Berlin', mainNumber: '+493049990000' },
        admin: { firstName: 'Bench', lastName: 'Admin', email: adminEmail, extension: '100', password: ADMIN_PASSWORD },
      },
    });
    siteId = r.site.id;
    accountId = r.account.id;
  } finally {
    await c.close();
  }
  const users = USERS - 1; // the admin is one of them
  const userIds = Array.from({ length: users }, () => newId());
  const BATCH = 2000;
  await s.db.owner(async (sql) => {
    for (let b = 0; b < users; b += BATCH) {
      const ids = userIds.slice(b, b + BATCH);
      const first = ids.map((_, i) => FIRST[(b + i) % FIRST.length]!);
      const last = ids.map((_, i) => LAST[Math.floor((b + i) / FIRST.length) % LAST.length]!);
      const email = ids.map((_, i) => `user${b + i}@bench.example`);
      await sql.query(
        `INSERT INTO users (id, account_id, site_id, first_name, last_name, email, role)
         SELECT u.id, $1, $2, u.f, u.l, u.e, 'user' FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[]) AS u(id, f, l, e)`,
        [accountId, siteId, ids, first, last, email]);
      await sql.query(
        `INSERT INTO extensions (account_id, extension, target_type, target_id)
         SELECT $1, x.ext, 'user', x.id FROM unnest($2::uuid[], $3::text[]) AS x(id, ext)`,
        [accountId, ids, ids.map((_, i) => String(10000 + b + i))]);
    }
    // 2,000 numbers at the site (the main number is one): 60 % assigned to users, 15 % display names
    // only, 5 % both, the rest unassigned.
    const count = NUMBERS - 1;
    const nIds = Array.from({ length: count }, () => newId());
    for (let b = 0; b < count; b += BATCH) {
      const ids = nIds.slice(b, b + BATCH);
      const e164 = ids.map((_, i) => `+4930500${String(b + i).padStart(5, '0')}`);
      const user = ids.map((_, i) => { const k = (b + i) % 20; return k < 13 ? userIds[b + i] ?? null : null; });
      const line1 = ids.map((_, i) => { const k = (b + i) % 20; return k === 12 || (k >= 13 && k < 16) ? LABELS[(b + i) % LABELS.length]! : null; });
      const line2 = line1.map((l, i) => (l ? `Berlin ${b + i}` : null));
      const pins = ids.map(() => generateDefaultPin());
      await sql.query(
        `INSERT INTO numbers (id, account_id, site_id, e164, status, is_main, user_id, display_line1, display_line2, default_pin)
         SELECT n.id, $1, $2, n.e, 'active', false, n.u, n.l1, n.l2, n.p
           FROM unnest($3::uuid[], $4::text[], $5::uuid[], $6::text[], $7::text[], $8::text[]) AS n(id, e, u, l1, l2, p)`,
        [accountId, siteId, ids, e164, user, line1, line2, pins]);
      await sql.query(`INSERT INTO number_features (number_id, account_id) SELECT id, $1 FROM unnest($2::uuid[]) AS x(id)`, [accountId, ids]);
    }
    await sql.query('ANALYZE');
  });
  return { siteId, adminEmail };
}

interface Result {
  /** From the scheduled send time (includes waiting for a free slot). */
  latencies: number[];
  /** From the actual send time (the server's answer time as the client sees it). */
  service: number[];
  errors: number;
  statuses: Map<number, number>;
  late: number;
  elapsedMs: number;
  items: number;
}

/** Open-loop load over the fragments (bench/lib/load.ts), summarised. */
async function drive(base: string, token: string, siteId: string): Promise<Result> {
  const run = await openLoop({ rate: RATE, durationS: DURATION_S, concurrency: CONCURRENCY }, async (i) => {
    const q = FRAGMENTS[i % FRAGMENTS.length]!;
    const res = await fetch(`${base}/v1/sites/${siteId}/numbers?q=${encodeURIComponent(q)}&limit=${PAGE}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { items?: unknown[] };
    return { status: res.status, items: body.items?.length ?? 0 };
  });
  const statuses = new Map<number, number>();
  let errors = 0;
  let items = 0;
  for (const { result } of run.samples) {
    if (result) statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
    if (result?.status === 200) items += result.items;
    else errors++;
  }
  return {
    latencies: run.samples.map((x) => x.total), service: run.samples.map((x) => x.service), errors, statuses, late: run.late, elapsedMs: run.elapsedMs, items,
  };
}

const ms = (v: number): string => `${v.toFixed(1)} ms`;

async function benchOn(url: string | null): Promise<void> {
  const t0 = performance.now();
  const { db, label, drop } = await openBenchDatabase(url);
  const config = loadConfig({}, { databaseUrl: url, operatorPassword: 'bench operator password', maxUsersPerAccount: Math.max(USERS, 10_000), logLevel: 'silent' });
  const services: Services = { db, bus: new LocalBus(), config };
  const app = await buildApp(services);
  try {
    const { siteId, adminEmail } = await seed(services);
    const seeded = performance.now() - t0;
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const login = await fetch(`${address}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: adminEmail, password: ADMIN_PASSWORD }) });
    if (login.status !== 200) throw new Error(`admin sign-in failed: ${login.status} ${await login.text()}`);
    const token = ((await login.json()) as { token: string }).token;
    // Warm-up: every fragment once (plans, caches, JIT).
    for (const q of FRAGMENTS) await (await fetch(`${address}/v1/sites/${siteId}/numbers?q=${encodeURIComponent(q)}&limit=${PAGE}`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer();
    const r = await drive(address, token, siteId);
    const sorted = [...r.latencies].sort((a, b) => a - b);
    const svc = [...r.service].sort((a, b) => a - b);
    const out = (s: string) => process.stdout.write(`${s}\n`);
    out('');
    out(`== ${label}: GET /v1/sites/:siteId/numbers?q=<fragment>&limit=${PAGE}`);
    out(`   data       ${USERS} users, ${NUMBERS} numbers at the site (seeded in ${(seeded / 1000).toFixed(1)} s)`);
    out(`   load       ${RATE} req/s for ${DURATION_S} s, open loop, at most ${CONCURRENCY} in flight, ${FRAGMENTS.length} fragments in turn`);
    out(`   requests   ${r.latencies.length} sent, ${r.errors} errors, statuses ${[...r.statuses].map(([k, v]) => `${k}×${v}`).join(' ')}, ${r.late} sent late (no free slot)`);
    out(`   throughput ${(r.latencies.length / (r.elapsedMs / 1000)).toFixed(1)} req/s (offered ${RATE}), ${(r.items / Math.max(1, r.latencies.length - r.errors)).toFixed(1)} rows per answer`);
    out(`   latency    p50 ${ms(pct(sorted, 50))}   p90 ${ms(pct(sorted, 90))}   p99 ${ms(pct(sorted, 99))}   max ${ms(sorted[sorted.length - 1] ?? NaN)}   (from the scheduled send time)`);
    out(`   service    p50 ${ms(pct(svc, 50))}   p90 ${ms(pct(svc, 90))}   p99 ${ms(pct(svc, 99))}   max ${ms(svc[svc.length - 1] ?? NaN)}   (from the actual send time)`);
  } finally {
    await app.close();
    await db.close();
    await drop();
  }
}

const serverUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || null;
await benchOn(null);
if (serverUrl) await benchOn(serverUrl);
else process.stdout.write('\n(PostgreSQL run skipped: set BENCH_DATABASE_URL or DATABASE_URL to a postgres:// server to run it too)\n');
