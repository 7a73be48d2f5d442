#!/usr/bin/env node
// Builds the admin portal (web/ → web/dist) with Vite when the build is missing or older than its
// sources; otherwise does nothing. `npm start` and the test runner call it, so a fresh clone serves
// the portal after `npm install && npm start`. `--force` always builds.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'web');
const BUILT = path.join(WEB, 'dist', 'index.html');

function newest(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let m = st.mtimeMs;
  for (const e of fs.readdirSync(p)) if (e !== 'dist' && e !== 'node_modules') m = Math.max(m, newest(path.join(p, e)));
  return m;
}

const force = process.argv.includes('--force');
if (!force && fs.existsSync(BUILT) && fs.statSync(BUILT).mtimeMs >= newest(WEB)) process.exit(0);
console.log('Building the admin portal (web/ → web/dist)…');
const { build } = await import('vite');
await build({ root: WEB, configFile: path.join(WEB, 'vite.config.ts'), logLevel: 'warn' });
fs.utimesSync(BUILT, new Date(), new Date());
console.log('Admin portal built.');
