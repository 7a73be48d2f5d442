/**
 * SIP benchmark (issue 5), in one run, on loopback, with the harness in bench/sip/harness/ (SIPp caller
 * → server on 127.0.0.1:5060 → SIPp answerer on 127.0.0.1:5070):
 *   (a) Kamailio's calls/s sweep (the reference: a stateful, record-routing proxy) → the highest rate
 *       with 0 failed calls;
 *   (b) the same sweep against Tandem, when given how to reach it → its highest rate, and the ratio;
 *   (c) REGISTER/s with digest auth (401, then REGISTER with credentials) against Kamailio with auth,
 *       and against Tandem when given its users.
 * Prints figures; never fails on time (exit 1 only when it cannot run at all).
 * Goals (issue 5): Tandem ≥ 1,000 calls/s with 0 failures and ≥ 0.45 × Kamailio in the same run;
 * ≥ 5,000 REGISTER/s with digest auth.
 *
 *   npm run bench:sip                  (Kamailio, then Tandem started by bench/sip/tandem.ts)
 *   npm run bench:sip -- --tandem-cmd "<starts Tandem's SIP service on 127.0.0.1:5060, routing the
 *       test INVITEs to sip:127.0.0.1:5070>" [--tandem-users users.csv]
 *   npm run bench:sip -- --tandem-pid <pid of a Tandem already listening on 127.0.0.1:5060> [...]
 *   --tandem-users: SIPp injection file, first line SEQUENTIAL, then "user;password;domain" per device
 *       (one domain); each REGISTER takes the next line. --skip-kamailio: Tandem only.
 * Environment: BENCH_SIP_DUR (seconds per step, default 5), BENCH_SIP_RATES (calls/s steps, default
 * "500 1000 1500 2000 2500 3000 3500 4000"), BENCH_SIP_REG_RATES (REGISTER/s steps, default "4000 5000 6000 8000 12000 16000 24000"),
 * BENCH_SIP_CHILDREN (Kamailio workers, default 8), BENCH_SIP_USERS (AORs for the reference, 10000).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseProcNetPorts } from '../../test/sip/support/ports.ts';
import { toolPath } from '../../test/sip/support/tools.ts';
import { BENCH_DID } from './tandem.ts';

const HARNESS = fileURLToPath(new URL('./harness/', import.meta.url));

interface Step {
  rate: number;
  attempted: number;
  success: number;
  fail: number;
  /** Achieved rate (calls/s or REGISTER/s) over SIPp's elapsed time. */
  achieved: number;
  /** Server CPU, % of one core. */
  serverCpu: number;
  pass: boolean;
}

/** Parses the data lines of a bench.sh / regbench.sh summary.txt (columns as printed by them). */
export function parseSummary(text: string, kind: 'calls' | 'register'): Step[] {
  const steps: Step[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (!/^\d+$/.test(f[0] ?? '')) continue;
    const n = (i: number): number => Number(f[i]);
    const verdict = kind === 'calls' ? f[11] : f[8];
    steps.push({ rate: n(0), attempted: n(1), success: n(2), fail: n(3), achieved: n(5), serverCpu: kind === 'calls' ? n(8) : n(6), pass: verdict === 'PASS' });
  }
  return steps;
}

/** A step counts when every call succeeded (the harness's PASS) and the offered rate was sustained
 * (achieved ≥ 95 % of it: a step that passes only by taking twice as long did not run at that rate). */
export const sustained = (s: Step): boolean => s.pass && s.achieved >= 0.95 * s.rate;

/** The counting step with the highest rate, or null. */
export const best = (steps: Step[]): Step | null =>
  steps.filter(sustained).reduce<Step | null>((b, s) => (b === null || s.rate > b.rate ? s : b), null);

const rates = (env: string, def: string): number[] =>
  (process.env[env] ?? def).split(/[\s,]+/).filter(Boolean).map(Number).filter((n) => Number.isFinite(n) && n > 0);

function args(): { tandemCmd: string | null; tandemPid: number | null; tandemUsers: string | null; skipKamailio: boolean; skipTandem: boolean } {
  const a = process.argv.slice(2);
  const val = (flag: string): string | null => {
    const i = a.indexOf(flag);
    return i >= 0 ? (a[i + 1] ?? null) : null;
  };
  const pid = val('--tandem-pid');
  return { tandemCmd: val('--tandem-cmd'), tandemPid: pid ? Number(pid) : null, tandemUsers: val('--tandem-users'), skipKamailio: a.includes('--skip-kamailio'), skipTandem: a.includes('--skip-tandem') };
}

/**
 * Runs a harness script in a process group of its own; after `limitMs` the whole group (the script,
 * its SIPp and Kamailio) is stopped — SIGTERM, then SIGKILL 10 s later — and null is returned, so a
 * sweep can never hang the benchmark. The scripts bound every step themselves (STEP_TIMEOUT); this is
 * the backstop.
 */
/** Harness process groups now running. */
const running = new Set<number>();
/** The Tandem this run started, if any. */
let startedTandem: number | null = null;

/** On Ctrl-C or SIGTERM the harness's process groups (detached from ours) are stopped too. */
function stopHarnessOnSignals(): void {
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      for (const pid of running) {
        try {
          process.kill(-pid, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      if (startedTandem) {
        try {
          process.kill(startedTandem, 'SIGTERM');
        } catch {
          // already gone
        }
      }
      process.exit(130);
    });
  }
}

function run(cmd: string, argv: string[], env: Record<string, string>, limitMs: number): Promise<number | null> {
  return new Promise((resolve) => {
    const p = spawn(cmd, argv, { cwd: HARNESS, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
    if (p.pid) running.add(p.pid);
    const group = (sig: NodeJS.Signals): void => {
      try {
        if (p.pid) process.kill(-p.pid, sig);
      } catch {
        // already gone
      }
    };
    let kill: NodeJS.Timeout | null = null;
    const limit = setTimeout(() => {
      console.error(`${path.basename(argv[0] ?? cmd)} ran past ${Math.round(limitMs / 1000)} s: stopping it`);
      group('SIGTERM');
      kill = setTimeout(() => group('SIGKILL'), 10_000);
    }, limitMs);
    p.on('error', () => resolve(null));
    p.on('close', (code) => {
      if (p.pid) running.delete(p.pid);
      clearTimeout(limit);
      if (kill) clearTimeout(kill);
      resolve(code);
    });
  });
}

/** The most a sweep of `steps` steps may take: per step the SIPp bound (DUR + 60 s, + 5 s to kill),
 * the settling wait (30 s) and the scripts' own pauses and start-ups (15 s). */
const sweepLimitMs = (steps: number, dur: number): number => steps * (dur + 60 + 5 + 30 + 15) * 1000 + 30_000;

function udpPortsInUse(ports: number[]): number[] {
  try {
    const bound = parseProcNetPorts(readFileSync('/proc/net/udp', 'utf8'));
    return ports.filter((p) => bound.has(p));
  } catch {
    return [];
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function callSweep(label: string, out: string, list: number[], env: Record<string, string>): Promise<Step[]> {
  console.log(`\n== ${label}: calls/s sweep ${list.join(' ')} (${env.DUR} s per step) ==`);
  await run('bash', [path.join(HARNESS, 'bench.sh'), ...list.map(String)], { OUT: out, ...env }, sweepLimitMs(list.length, Number(env.DUR)));
  const file = path.join(out, 'summary.txt');
  return existsSync(file) ? parseSummary(readFileSync(file, 'utf8'), 'calls') : [];
}

async function regSweep(label: string, out: string, list: number[], env: Record<string, string>): Promise<Step[]> {
  console.log(`\n== ${label}: REGISTER/s with digest auth, sweep ${list.join(' ')} (${env.DUR} s per step) ==`);
  await run('bash', [path.join(HARNESS, 'regbench.sh'), ...list.map(String)], { OUT: out, SCENARIO: 'register-auth.xml', ...env }, sweepLimitMs(list.length, Number(env.DUR)));
  const file = path.join(out, 'summary.txt');
  return existsSync(file) ? parseSummary(readFileSync(file, 'utf8'), 'register') : [];
}

const fmt = (s: Step | null, unit: string): string =>
  s ? `${s.rate} ${unit} (${s.success}/${s.attempted} ok, achieved ${s.achieved}/s, server CPU ${s.serverCpu}% of a core)` : 'no step passed at its rate';

async function main(): Promise<void> {
  stopHarnessOnSignals();
  const opt = args();
  const missing = ['sipp', 'bc', 'python3', ...(opt.skipKamailio ? [] : ['kamailio'])].filter((t) => toolPath(t) === null);
  if (missing.length) {
    console.error(`bench:sip needs ${missing.join(', ')} (scripts/install-sip-tools.sh installs sipp, kamailio, bc)`);
    process.exit(1);
  }
  const DUR = String(Number(process.env.BENCH_SIP_DUR ?? 5));
  const CHILDREN = String(Number(process.env.BENCH_SIP_CHILDREN ?? 8));
  const callRates = rates('BENCH_SIP_RATES', '500 1000 1500 2000 2500 3000 3500 4000');
  const regRates = rates('BENCH_SIP_REG_RATES', '4000 5000 6000 8000 12000 16000 24000');
  const users = Number(process.env.BENCH_SIP_USERS ?? 10_000);
  const out = mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-sip-'));
  console.log(`SIP benchmark: ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), results in ${out}`);

  let kamCalls: Step | null = null;
  let kamRegs: Step | null = null;
  if (!opt.skipKamailio) {
    const busy = udpPortsInUse([5060, 5061, 5070]);
    if (busy.length) {
      console.error(`UDP port(s) ${busy.join(', ')} on this machine are in use; the harness needs 5060, 5061 and 5070.`);
      process.exit(1);
    }
    kamCalls = best(await callSweep('Kamailio (reference)', path.join(out, 'kamailio-calls'), callRates, { START_KAMAILIO: '1', CHILDREN, DUR }));
    const csv = path.join(out, 'kamailio-users.csv');
    writeFileSync(csv, ['SEQUENTIAL', ...Array.from({ length: users }, (_, i) => `u${i + 1};bench-secret;bench.test`)].join('\n') + '\n');
    await sleep(2000);
    kamRegs = best(await regSweep('Kamailio (reference)', path.join(out, 'kamailio-register'), regRates, {
      START_KAMAILIO: '1', CHILDREN: String(Math.min(Number(CHILDREN), 4)), DUR, INF: csv, AUTH_DOMAIN: 'bench.test', KAM_DEFS: '-A WITH_AUTH',
    }));
  }

  let tandemCalls: Step | null = null;
  let tandemRegs: Step | null = null;
  let tandemNote = 'not run (--skip-tandem)';
  // By default Tandem is started here (bench/sip/tandem.ts): the DID it serves is the callee of the sweep.
  let service = 'bench';
  if (!opt.tandemCmd && !opt.tandemPid && !opt.skipTandem) {
    opt.tandemUsers = path.join(out, 'tandem-users.csv');
    opt.tandemCmd = `${JSON.stringify(process.execPath)} --import tsx ${JSON.stringify(fileURLToPath(new URL('./tandem.ts', import.meta.url)))} ${JSON.stringify(opt.tandemUsers)}`;
    service = BENCH_DID.slice(1);
  }
  if (opt.tandemCmd || opt.tandemPid) {
    let pid = opt.tandemPid;
    let started: ReturnType<typeof spawn> | null = null;
    if (opt.tandemCmd) {
      if (udpPortsInUse([5060]).length) {
        console.error('UDP port 5060 is already in use; stop what listens there or pass --tandem-pid.');
        process.exit(1);
      }
      started = spawn('bash', ['-c', `exec ${opt.tandemCmd}`], { stdio: ['ignore', 'ignore', 'inherit'] });
      pid = started.pid ?? null;
      startedTandem = pid;
      const deadline = Date.now() + 60_000;
      while (!udpPortsInUse([5060]).length) {
        if (started.exitCode !== null || Date.now() > deadline) {
          console.error('Tandem did not start listening on UDP 127.0.0.1:5060');
          started.kill('SIGKILL');
          process.exit(1);
        }
        await sleep(200);
      }
    }
    try {
      tandemCalls = best(await callSweep('Tandem (B2BUA)', path.join(out, 'tandem-calls'), callRates, { START_KAMAILIO: '0', PROXY_PID: String(pid ?? ''), DUR, SERVICE: service }));
      tandemNote = '';
      if (opt.tandemUsers) {
        const first = readFileSync(opt.tandemUsers, 'utf8').split('\n')[1]?.split(';') ?? [];
        await sleep(2000);
        tandemRegs = best(await regSweep('Tandem', path.join(out, 'tandem-register'), regRates, {
          START_KAMAILIO: '0', PROXY_PID: String(pid ?? ''), DUR, INF: path.resolve(opt.tandemUsers), AUTH_DOMAIN: first[2] ?? '',
        }));
      }
    } finally {
      if (started && started.exitCode === null && pid) {
        process.kill(pid, 'SIGTERM');
        await Promise.race([new Promise((r) => started?.once('close', r)), sleep(5000)]);
        if (started.exitCode === null) process.kill(pid, 'SIGKILL');
      }
    }
  }

  console.log('\n== SIP benchmark results (highest step with 0 failures that sustained its rate) ==');
  console.log(`Kamailio calls/s:            ${opt.skipKamailio ? 'skipped' : fmt(kamCalls, 'calls/s')}`);
  console.log(`Tandem calls/s:              ${tandemNote || fmt(tandemCalls, 'calls/s')}`);
  if (kamCalls && tandemCalls) console.log(`Tandem / Kamailio:           ${(tandemCalls.rate / kamCalls.rate).toFixed(2)} (goal ≥ 0.45, and ≥ 1000 calls/s)`);
  console.log(`Kamailio REGISTER/s (auth):  ${opt.skipKamailio ? 'skipped' : fmt(kamRegs, 'REGISTER/s')}`);
  console.log(`Tandem REGISTER/s (auth):    ${opt.tandemUsers && !tandemNote ? fmt(tandemRegs, 'REGISTER/s') : 'not run (give --tandem-users users.csv with Tandem mode)'}`);
  const top = [
    kamCalls && kamCalls.rate === Math.max(...callRates) ? 'BENCH_SIP_RATES (Kamailio calls)' : '',
    kamRegs && kamRegs.rate === Math.max(...regRates) ? 'BENCH_SIP_REG_RATES (Kamailio REGISTER)' : '',
    tandemCalls && tandemCalls.rate === Math.max(...callRates) ? 'BENCH_SIP_RATES (Tandem calls)' : '',
    tandemRegs && tandemRegs.rate === Math.max(...regRates) ? 'BENCH_SIP_REG_RATES (Tandem REGISTER)' : '',
  ].filter(Boolean);
  if (top.length) console.log(`note: the top step passed; raise ${top.join(', ')} to find the limit`);
  console.log(`details: ${out}`);
}

// run when started as a program (importing the module, e.g. for parseSummary, runs nothing)
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
