/**
 * Reads a V8 CPU profile (`node --cpu-prof`, a .cpuprofile JSON file) and prints the functions with
 * the most self time, and the source files with the most self time, as % of the sampled time.
 * A reading aid for profiling Tandem's SIP service under load (bench/sip/README.md "Profiling").
 *
 *   npx tsx bench/sip/profile-top.ts <file.cpuprofile> [how many, default 40] [--window <s>]
 *       [--skip <s>]
 * --window: only the <s>-second stretch with the least idle time (the load itself); --skip: ignore the
 * first <s> seconds (start-up, e.g. provisioning the benchmark's devices) when looking for it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface Row {
  name: string;
  ms: number;
  pct: number;
}

/**
 * The `seconds`-long stretch of the profile (offsets from its start, in s) with the least idle time:
 * the load, without start-up and the idle wait around it.
 */
export function busiestWindow(p: Profile, seconds: number, skip = 0): { from: number; to: number } {
  const idle = new Set(p.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  const times: number[] = [];
  const busy: number[] = [];
  let t = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const d = Math.max(0, p.timeDeltas[i] ?? 0);
    t += d;
    times.push(t);
    busy.push(idle.has(p.samples[i]!) || t < skip * 1e6 ? 0 : d);
  }
  let best = { from: 0, to: seconds, us: -1 };
  let lo = 0;
  let sum = 0;
  for (let hi = 0; hi < times.length; hi++) {
    sum += busy[hi]!;
    while (times[hi]! - times[lo]! > seconds * 1e6) sum -= busy[lo++]!;
    if (sum > best.us) best = { from: times[lo]! / 1e6, to: times[hi]! / 1e6, us: sum };
  }
  return { from: best.from, to: best.to };
}

/** Self time per function and per file, biggest first (idle and GC included, as V8 names them). */
/**
 * Total time per function of the project (src/, bench/): the samples with that function anywhere on
 * the stack (counted once per sample) — what each function and everything it calls costs.
 */
export function inclusiveTimes(p: Profile, window: { from: number; to: number } | null = null): Row[] {
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const label = (n: ProfileNode): string | null => {
    const u = n.callFrame.url;
    if (!/\/(src|bench)\//.test(u) || u.includes('/node_modules/')) return null;
    return `${n.callFrame.functionName || '(anonymous)'} ${u.replace(/^.*\/(src|bench)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
  };
  const per = new Map<string, number>();
  let total = 0;
  let t = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const d = Math.max(0, p.timeDeltas[i] ?? 0);
    t += d;
    if (window && (t < window.from * 1e6 || t > window.to * 1e6)) continue;
    total += d;
    const seen = new Set<string>();
    for (let id: number | undefined = p.samples[i]; id !== undefined; id = parent.get(id)) {
      const l = label(byId.get(id)!);
      if (l && !seen.has(l)) {
        seen.add(l);
        per.set(l, (per.get(l) ?? 0) + d);
      }
    }
  }
  return [...per].map(([name, us]) => ({ name, ms: us / 1000, pct: total ? (100 * us) / total : 0 })).sort((a, b) => b.ms - a.ms);
}

export function selfTimes(p: Profile, window: { from: number; to: number } | null = null): { functions: Row[]; files: Row[]; totalMs: number } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let t = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    const d = Math.max(0, p.timeDeltas[i] ?? 0);
    t += d;
    if (window && (t < window.from * 1e6 || t > window.to * 1e6)) continue;
    selfUs.set(id, (selfUs.get(id) ?? 0) + d);
  }
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let total = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id);
    if (!n) continue;
    total += us;
    const f = n.callFrame;
    const where = f.url ? f.url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, 'node_modules/').replace(/^.*\/(src|bench|test)\//, '$1/') : '';
    const name = `${f.functionName || '(anonymous)'}${where ? ` ${where}:${f.lineNumber + 1}` : ''}`;
    fn.set(name, (fn.get(name) ?? 0) + us);
    const fileKey = where ? where.replace(/^node_modules\/((@[^/]+\/)?[^/]+)\/.*$/, 'node_modules/$1') : `(${f.functionName || 'native'})`;
    file.set(fileKey, (file.get(fileKey) ?? 0) + us);
  }
  const rows = (m: Map<string, number>): Row[] =>
    [...m].map(([name, us]) => ({ name, ms: us / 1000, pct: total ? (100 * us) / total : 0 })).sort((a, b) => b.ms - a.ms);
  return { functions: rows(fn), files: rows(file), totalMs: total / 1000 };
}

function main(): void {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: tsx bench/sip/profile-top.ts <file.cpuprofile> [n]');
    process.exit(1);
  }
  const a = process.argv.slice(3);
  const opt = (name: string): number | null => {
    const all = process.argv.slice(3);
    const i = all.indexOf(name);
    return i >= 0 ? Number(all[i + 1]) : null;
  };
  const windowSeconds = opt('--window');
  const skip = opt('--skip') ?? 0;
  const rest = a.filter((x, i) => !x.startsWith('--') && !(i > 0 && a[i - 1]!.startsWith('--')));
  const n = Number(rest[0] ?? 40);
  const prof = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const w = windowSeconds ? busiestWindow(prof, windowSeconds, skip) : null;
  const r = selfTimes(prof, w);
  console.log(`${path.basename(file)}: ${(r.totalMs / 1000).toFixed(1)} s sampled${w ? ` (from ${w.from.toFixed(1)} s to ${w.to.toFixed(1)} s)` : ''}`);
  console.log('\n-- self time by function --');
  for (const x of r.functions.slice(0, n)) console.log(`${x.pct.toFixed(1).padStart(5)} %  ${x.ms.toFixed(0).padStart(7)} ms  ${x.name}`);
  console.log('\n-- self time by file --');
  for (const x of r.files.slice(0, Math.min(n, 30))) console.log(`${x.pct.toFixed(1).padStart(5)} %  ${x.ms.toFixed(0).padStart(7)} ms  ${x.name}`);
  console.log('\n-- total time (self and callees) of the project\'s functions --');
  for (const x of inclusiveTimes(prof, w).slice(0, Math.min(n, 30))) console.log(`${x.pct.toFixed(1).padStart(5)} %  ${x.ms.toFixed(0).padStart(7)} ms  ${x.name}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) main();
