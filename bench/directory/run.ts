/**
 * Directory benchmark (spec §8 "Directory": search as the user types): type-ahead queries over HTTP
 * against the full federated directory at the scale of `tandem demo --scale` (10 accounts × 10,000
 * users, one linked federation over all of them), on the embedded PGlite. Prints figures; never
 * fails on time. Goal: p95 ≤ 10 ms.
 *
 *   npm run bench:directory
 *   BENCH_RATE=100 BENCH_DURATION=30 npm run bench:directory
 */
import http from 'node:http';
import os from 'node:os';
import { LocalBus } from '../../src/bus/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { DEMO_PASSWORD } from '../../src/cli/demo-data.ts';
import { buildScaleDemo, FIRST_NAMES, LAST_NAMES, scaleExtension, scaleProgress } from '../../src/cli/demo-scale.ts';
import { clientFor } from '../../src/cli/local-client.ts';
import { directoryFor } from '../../src/directory/index.ts';
import { buildApp } from '../../src/http/app.ts';
import { resolveToken } from '../../src/services/auth.ts';
import type { Ctx, Services } from '../../src/services/context.ts';
import { searchDirectory } from '../../src/services/directory.ts';
import { myGrants } from '../../src/services/grants.ts';
import { migrate, PgliteDatabase } from '../../src/store/db.ts';
import { openLoop, pct, rng } from '../lib/load.ts';

const env = (name: string, def: number): number => {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${v}"`);
  return n;
};

const ACCOUNTS = Math.floor(env('BENCH_ACCOUNTS', 10));
const USERS = Math.floor(env('BENCH_USERS', 10_000));
const RATE = env('BENCH_RATE', 50);
const DURATION_S = env('BENCH_DURATION', 15);
const CONCURRENCY = Math.floor(env('BENCH_CONCURRENCY', 8));
const CLOSED_S = env('BENCH_CLOSED_DURATION', 10);
const WORKERS = Math.floor(env('BENCH_WORKERS', 8));
const LIMIT = Math.floor(env('BENCH_LIMIT', 25));
const NEW_USERS = Math.floor(env('BENCH_NEW_USERS', 20));
const GOAL_P95_MS = 10;

const out = (s: string): void => void process.stdout.write(`${s}\n`);
const ms = (v: number): string => `${v.toFixed(2)} ms`;
const sortNum = (a: number[]): number[] => [...a].sort((x, y) => x - y);
const line = (label: string, v: number[]): string => {
  const s = sortNum(v);
  return `${label.padEnd(34)} p50 ${ms(pct(s, 50)).padStart(9)}   p95 ${ms(pct(s, 95)).padStart(9)}   p99 ${ms(pct(s, 99)).padStart(9)}   max ${ms(s[s.length - 1] ?? NaN).padStart(9)}   (n=${v.length})`;
};

type Kind = 'name' | 'extension' | 'number';
interface Query { q: string; kind: Kind }

/** What a user types: 1–4 character prefixes of names and extensions, 3–4 digit number fragments. */
function queries(n: number): Query[] {
  const r = rng(42);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)]!;
  const outQ: Query[] = [];
  for (let i = 0; i < n; i++) {
    const len = 1 + Math.floor(r() * 4);
    const x = r();
    if (x < 0.5) {
      outQ.push({ kind: 'name', q: pick([...FIRST_NAMES, ...LAST_NAMES]).toLowerCase().slice(0, len) });
    } else if (x < 0.75) {
      const ext = scaleExtension(Math.floor(r() * ACCOUNTS), Math.floor(r() * Math.min(USERS, 9900)))!;
      outQ.push({ kind: 'extension', q: ext.slice(0, len) });
    } else {
      // A fragment of a pooled number +49302<k><5 digits>: 3–4 digits from inside it, sometimes in national form.
      const digits = `49302${Math.floor(r() * ACCOUNTS)}${String(100 + Math.floor(r() * 2500)).padStart(5, '0')}`;
      const flen = 3 + Math.floor(r() * 2);
      const from = 4 + Math.floor(r() * (digits.length - 4 - flen + 1));
      outQ.push({ kind: 'number', q: r() < 0.2 ? `030 ${digits.slice(4, 4 + flen)}` : digits.slice(from, from + flen) });
    }
  }
  return outQ;
}

const url = (base: string, q: string): string => `${base}/v1/directory?scope=all&limit=${LIMIT}&q=${encodeURIComponent(q)}`;

interface Sample { total: number; service: number; ok: boolean; items: number; kind: Kind }

/** Keep-alive connections, one per request in flight (node:http: less client overhead than fetch in the same process). */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function get(target: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(target, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function one(base: string, token: string, q: Query): Promise<{ ok: boolean; items: number }> {
  const res = await get(url(base, q.q), token);
  const body = JSON.parse(res.body) as { items?: unknown[] };
  return { ok: res.status === 200, items: body.items?.length ?? 0 };
}

/** Open loop (bench/lib/load.ts): query i is due at start + i/RATE, at most CONCURRENCY in flight; latency counts from the due time. */
async function openLoopOver(base: string, token: string, qs: Query[]): Promise<{ samples: Sample[]; elapsed: number; late: number }> {
  const run = await openLoop({ rate: RATE, durationS: DURATION_S, concurrency: CONCURRENCY }, (i) => one(base, token, qs[i % qs.length]!));
  const samples = run.samples.map((x) => ({ total: x.total, service: x.service, ok: x.result?.ok ?? false, items: x.result?.items ?? 0, kind: qs[x.index % qs.length]!.kind }));
  return { samples, elapsed: run.elapsedMs, late: run.late };
}

/** Closed loop: WORKERS clients, each sending its next query as soon as the last one answered. */
async function closedLoop(base: string, token: string, qs: Query[]): Promise<{ samples: Sample[]; elapsed: number }> {
  const samples: Sample[] = [];
  const start = performance.now();
  const end = start + CLOSED_S * 1000;
  let i = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const q = qs[i++ % qs.length]!;
      const sent = performance.now();
      const r = await one(base, token, q).catch(() => ({ ok: false, items: 0 }));
      const d = performance.now() - sent;
      samples.push({ total: d, service: d, ok: r.ok, items: r.items, kind: q.kind });
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  return { samples, elapsed: performance.now() - start };
}

async function time<T>(n: number, fn: (i: number) => Promise<T> | T): Promise<number[]> {
  const v: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    v.push(performance.now() - t);
  }
  return v;
}

async function login(base: string, email: string): Promise<string> {
  const r = await fetch(`${base}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: DEMO_PASSWORD }) });
  if (r.status !== 200) throw new Error(`sign-in of ${email} failed: ${r.status} ${await r.text()}`);
  return ((await r.json()) as { token: string }).token;
}

async function main(): Promise<void> {
  const db = await PgliteDatabase.open(null);
  await migrate(db);
  const config = loadConfig({}, { databaseUrl: null, operatorPassword: 'bench operator password', maxUsersPerAccount: USERS + NEW_USERS + 100, logLevel: 'silent' });
  const services: Services = { db, bus: new LocalBus(), config };
  const client = await clientFor(services);
  const progress = scaleProgress(process.stderr);
  let app;
  try {
    const scale = await buildScaleDemo(client, { accounts: ACCOUNTS, usersPerAccount: USERS, onProgress: progress.onProgress });
    progress.stop();
    await client.close();
    app = await buildApp(services);
    const base = await app.listen({ port: 0, host: '127.0.0.1' });
    const first = scale.accounts[0]!;
    const other = scale.accounts[Math.min(4, scale.accounts.length - 1)]!;
    const userToken = await login(base, first.userEmail);
    const adminToken = await login(base, other.adminEmail);

    const index = directoryFor(services);
    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const tWarm = performance.now();
    await index.warm();
    const warmMs = performance.now() - tWarm;
    global.gc?.();
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1048576;

    const qs = queries(1000);
    // Warm-up: every query once (JIT, packed search strings, PGlite caches).
    const warmup: Record<Kind, number[]> = { name: [], extension: [], number: [] };
    for (const q of qs) warmup[q.kind].push((await one(base, userToken, q)).items);

    out('');
    out(`== Directory type-ahead: GET /v1/directory?scope=all&limit=${LIMIT}&q=<1–4 characters>, embedded PGlite`);
    out(`   data        ${scale.accounts.length} accounts × ${USERS.toLocaleString('en')} users = ${scale.users.toLocaleString('en')} users, ${scale.numbers.toLocaleString('en')} numbers (${scale.assigned.toLocaleString('en')} assigned); ${scale.federations.length} active federations`);
    out(`   seeding     ${scale.timings.total.toFixed(1)} s (accounts ${scale.timings.accounts.toFixed(1)} s, bulk users ${scale.timings.users.toFixed(1)} s, federations ${scale.timings.federations.toFixed(1)} s)`);
    out(`   index       built in ${(warmMs / 1000).toFixed(2)} s, ${index.size.toLocaleString('en')} people, ${global.gc ? `${heapMb.toFixed(0)} MB of heap` : `heap ${heapMb.toFixed(0)} MB more (run node with --expose-gc for an exact figure)`}; the searcher (a plain user of ${first.name}) sees all ${scale.accounts.length} accounts`);
    const avg = (a: number[]): string => (a.reduce((x, y) => x + y, 0) / Math.max(1, a.length)).toFixed(1);
    out(`   machine     ${os.cpus().length} CPUs, load average ${os.loadavg()[0]!.toFixed(2)} before measuring (other work on the machine skews the figures)`);
    out(`   queries     ${qs.length} distinct (names ${warmup.name.length}, extensions ${warmup.extension.length}, number fragments ${warmup.number.length}); rows per answer: names ${avg(warmup.name)}, extensions ${avg(warmup.extension)}, numbers ${avg(warmup.number)}`);

    const open = await openLoopOver(base, userToken, qs);
    const okOpen = open.samples.filter((s) => s.ok).length;
    out('');
    out(`-- open loop: ${RATE} queries/s offered for ${DURATION_S} s, at most ${CONCURRENCY} in flight`);
    out(`   ${open.samples.length} sent, ${open.samples.length - okOpen} errors, ${open.late} sent late; ${(open.samples.length / (open.elapsed / 1000)).toFixed(1)} queries/s achieved`);
    out(`   ${line('latency (from the scheduled time)', open.samples.map((s) => s.total))}`);
    out(`   ${line('service (from the send time)', open.samples.map((s) => s.service))}`);
    for (const k of ['name', 'extension', 'number'] as Kind[]) out(`   ${line(`  ${k} queries`, open.samples.filter((s) => s.kind === k).map((s) => s.total))}`);

    const closed = await closedLoop(base, userToken, qs);
    const okClosed = closed.samples.filter((s) => s.ok).length;
    out('');
    out(`-- closed loop: ${WORKERS} clients back to back for ${CLOSED_S} s`);
    out(`   ${closed.samples.length} answered, ${closed.samples.length - okClosed} errors: ${(closed.samples.length / (closed.elapsed / 1000)).toFixed(0)} queries/s`);
    out(`   ${line('latency', closed.samples.map((s) => s.total))}`);

    // Where the time goes, in process (no HTTP), one call at a time.
    const actor = await resolveToken(services, userToken);
    if (!actor) throw new Error('the bench token does not resolve');
    const ctx: Ctx = { ...services, actor, requestId: 'bench' };
    const scopes = [first.id, ...(await myGrants(ctx)).keys()].map((accountId) => ({ accountId, matchExtension: true }));
    const n = 500;
    const tIndex = await time(n, (i) => index.search(scopes, qs[i % qs.length]!.q, null, LIMIT));
    const tToken = await time(n, () => resolveToken(services, userToken));
    const tGrants = await time(n, () => myGrants(ctx));
    const tService = await time(n, (i) => searchDirectory(ctx, { q: qs[i % qs.length]!.q, scope: 'all', limit: LIMIT }));
    const tHttp = await time(n, (i) => one(base, userToken, qs[i % qs.length]!));
    out('');
    out(`-- breakdown, in process, one at a time (${n} each)`);
    out(`   ${line('index search only', tIndex)}`);
    out(`   ${line('grants read (1 transaction)', tGrants)}`);
    out(`   ${line('service (grants + search + views)', tService)}`);
    out(`   ${line('token resolution (1 transaction)', tToken)}`);
    out(`   ${line('whole HTTP request', tHttp)}`);

    // A new user becomes searchable: from POST /v1/users answering to a directory search returning them.
    const become: number[] = [];
    let attempts = 0;
    for (let i = 0; i < NEW_USERS; i++) {
      const last = `Neuzugang${i}x${Date.now().toString(36)}`;
      const r = await fetch(`${base}/v1/users`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
        body: JSON.stringify({ siteId: other.siteIds[0], firstName: 'Bench', lastName: last, email: `${last.toLowerCase()}@${other.domain}` }),
      });
      if (r.status !== 201) throw new Error(`creating a user failed: ${r.status} ${await r.text()}`);
      await r.arrayBuffer();
      const answered = performance.now();
      for (;;) {
        attempts++;
        const found = await one(base, userToken, { q: last.toLowerCase(), kind: 'name' });
        if (found.items > 0) break;
        if (performance.now() - answered > 10_000) throw new Error(`${last} was not searchable 10 s after it was created`);
      }
      become.push(performance.now() - answered);
    }
    out('');
    out(`-- a new user becomes searchable (${NEW_USERS} users created in ${other.name}, searched from ${first.name})`);
    out(`   ${line('POST answered → found by a search', become)}`);
    out(`   searches needed: ${attempts} for ${NEW_USERS} users (${attempts === NEW_USERS ? 'every user was found by the first search after the POST answered' : 'some needed more than one search'})`);

    const p95 = pct(sortNum(open.samples.map((s) => s.total)), 95);
    out('');
    out(`Load average after measuring: ${os.loadavg()[0]!.toFixed(2)} on ${os.cpus().length} CPUs.`);
    out(`Goal p95 ≤ ${GOAL_P95_MS} ms (open loop, from the scheduled time): measured ${ms(p95)} — ${p95 <= GOAL_P95_MS ? 'met' : 'NOT met'}.`);
    out('(The load generator, the server and PGlite share one Node process; figures are for one instance on this machine.)');
  } finally {
    progress.stop();
    await client.close();
    agent.destroy();
    if (app) await app.close();
    await db.close();
  }
}

await main();
