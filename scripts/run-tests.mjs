#!/usr/bin/env node
// Runs every test file (src/**/*.test.ts small tests, test/**/*.test.ts medium and large ones) with
// node's test runner, after preparing the migrated template database once. The last lines are the
// runner's summary (tests, pass, fail), which CI reads.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const roots = ['src', 'test'];
const files = [];
const walk = (dir) => {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.test.ts')) files.push(p);
  }
};
for (const r of roots) if (fs.existsSync(r)) walk(r);
const only = process.argv.slice(2);
const selected = only.length ? files.filter((f) => only.some((o) => f.includes(o))) : files;
files.sort();

const tsx = ['--import', 'tsx'];
// The admin portal's build, which the server serves and the portal tests load.
const web = spawnSync(process.execPath, ['scripts/build-web.mjs'], { stdio: 'inherit' });
if (web.status !== 0) process.exit(web.status ?? 1);
const prep = spawnSync(process.execPath, [...tsx, 'test/support/prepare.ts'], { stdio: 'inherit' });
if (prep.status !== 0) process.exit(prep.status ?? 1);

console.log(`Running ${selected.length} test files on ${process.env.DATABASE_URL ? 'PostgreSQL server' : 'embedded PGlite'}`);
const r = spawnSync(process.execPath, [...tsx, '--test', '--test-reporter=spec', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`, ...selected], { stdio: 'inherit', env: { ...process.env, TANDEM_LOG_LEVEL: 'silent' } });
process.exit(r.status ?? 1);
