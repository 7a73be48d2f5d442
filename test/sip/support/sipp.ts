/**
 * Driving SIPp (Debian `sip-tester`, 3.6) from a test: one bounded run as a caller (`runSipp`) or a
 * long-running answerer (`startSippUas`), always on 127.0.0.1, always bounded by a call count (-m)
 * and a global timeout (-timeout with -timeout_error), in the foreground as a child of the test.
 *
 * Scenarios live in test/sip/scenarios/ and are named without ".xml". Each one documents in its
 * header comment:
 *   keys: name=default …   the -key values it uses ([name] in the XML); `vars` overrides them. SIPp
 *                          refuses a scenario that uses a key it was not given, so every key has a default.
 *                          contact_port=auto becomes the run's own local SIP port.
 *   auth_uri: template     the digest uri (RFC 3261 §22.4: the Request-URI), e.g. "[service]@[to_domain]";
 *                          passed as -auth_uri when `auth` is given, after substituting service and keys.
 *   captures: names        values the scenario writes with <log message="CAPTURE [call_number] name=value"/>;
 *                          read them with result.capture(name) and assert exact values in the test.
 *
 * On failure `result.explain()` gives SIPp's exit code, the call counts, its error log (-trace_err: the
 * unexpected message and what was expected), and the tail of the message trace; use it as the assert
 * message:  assert.ok(r.ok, r.explain()).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeUdpPortBlock, freeUdpPorts, waitForPort } from './ports.ts';
import { startChild, stripAnsi, type Child } from './proc.ts';
import { toolPath } from './tools.ts';

export const SCENARIO_DIR = fileURLToPath(new URL('../scenarios/', import.meta.url));

/** A scenario name ("uac-call") or a path to an XML file → absolute path. */
export function scenarioPath(scenario: string): string {
  if (scenario.endsWith('.xml') || scenario.includes('/')) return path.resolve(scenario);
  return path.join(SCENARIO_DIR, `${scenario}.xml`);
}

export interface ScenarioInfo {
  path: string;
  /** -key defaults from the "keys:" line of the header comment. */
  keys: Record<string, string>;
  /** The "auth_uri:" template, or null. */
  authUri: string | null;
}

/** Reads the "keys:" and "auth_uri:" lines of a scenario's header comment. */
export function scenarioInfo(scenario: string): ScenarioInfo {
  const file = scenarioPath(scenario);
  return { path: file, ...parseScenarioHeader(readFileSync(file, 'utf8')) };
}

export function parseScenarioHeader(xml: string): Omit<ScenarioInfo, 'path'> {
  const keys: Record<string, string> = {};
  let authUri: string | null = null;
  const comment = /<!--([\s\S]*?)-->/.exec(xml)?.[1] ?? '';
  for (const line of comment.split('\n')) {
    const k = /^\s*keys:\s*(.*)$/.exec(line);
    if (k?.[1] !== undefined) {
      for (const pair of k[1].trim().split(/\s+/)) {
        const eq = pair.indexOf('=');
        if (eq > 0) keys[pair.slice(0, eq)] = pair.slice(eq + 1);
      }
    }
    const a = /^\s*auth_uri:\s*(\S+)\s*$/.exec(line);
    if (a?.[1]) authUri = a[1];
  }
  return { keys, authUri };
}

/** Replaces [name] in a template with values (unknown names are left as they are). */
export const fillTemplate = (tpl: string, values: Record<string, string>): string =>
  tpl.replace(/\[([A-Za-z0-9_]+)\]/g, (m, name: string) => values[name] ?? m);

export interface SippOptions {
  /** Scenario name in test/sip/scenarios (without .xml) or a path to an XML file. */
  scenario: string;
  /** "host:port" of the server under test; omitted for an answerer (UAS). */
  target?: string;
  /** Local SIP port (-p); default: a free UDP port. */
  localPort?: number;
  /** Local address (-i), a loopback one; default 127.0.0.1 (e.g. 127.0.0.2 to play a trunk at another address). */
  localIp?: string;
  /** [service] (-s): the callee of a UAC scenario, the AOR user of a REGISTER scenario. */
  service?: string;
  /** Calls to process before SIPp exits (-m); default 1. */
  calls?: number;
  /** Calls per second (-r). */
  rate?: number;
  /** Maximum simultaneous calls (-l). */
  limit?: number;
  /** Length of <pause/> without milliseconds (-d), e.g. hold time or ring time. */
  pauseMs?: number;
  /** Global timeout in seconds (-timeout, with -timeout_error: reaching it fails the run). */
  timeoutS: number;
  /** Digest credentials (-au/-ap); the digest uri comes from `uri` or the scenario's auth_uri line. */
  auth?: { username: string; password: string; uri?: string };
  /** Injection file (-inf): a path, or rows written to a temp file (first line = order). */
  injectionCsv?: string | { order: 'SEQUENTIAL' | 'RANDOM' | 'USER'; rows: string[][] };
  /** -key values, over the scenario's defaults. */
  vars?: Record<string, string>;
  /** More SIPp arguments, appended last. */
  extraArgs?: string[];
  /** Keep the message trace (-trace_msg); default: when calls ≤ 20. */
  traceMessages?: boolean;
}

export interface SippStats {
  successful: number;
  failed: number;
  /** Retransmissions SIPp made (null when only the exit code was available). */
  retransmissions: number | null;
  /** Where the counts come from: SIPp's -trace_stat CSV, its final screen, or only its exit code. */
  source: 'stat-file' | 'screen' | 'exit-code';
}

export interface SippResult {
  /** SIPp's exit code: 0 all calls succeeded, 1 at least one failed, 97 internal command, 99 no call
   * processed, 255 fatal error (also a global timeout with -timeout_error), 254 socket bind error.
   * null when it was ended by a signal (stop()). */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** exitCode 0, no failed call, and all `calls` done (see sippOk). */
  ok: boolean;
  stats: SippStats;
  /** The command line, for the failure message. */
  args: string[];
  stdout: string;
  stderr: string;
  /** -trace_err: unexpected messages and what was expected instead. */
  errorLog: string;
  /** -trace_msg (when traced). */
  messageLog: string;
  /** -trace_logs: the scenario's <log> actions. */
  actionLog: string;
  /** CAPTURE lines of the action log, per call number (1-based). */
  captures: Map<number, Record<string, string>>;
  /** A captured value of call `call` (default 1), trimmed; undefined when the scenario never logged it. */
  capture(name: string, call?: number): string | undefined;
  /** A multi-line account of the run for an assert message. */
  explain(): string;
}

/** Parses the CAPTURE lines written by the scenarios' <log> actions. */
export function parseCaptures(actionLog: string): Map<number, Record<string, string>> {
  const out = new Map<number, Record<string, string>>();
  for (const line of actionLog.split('\n')) {
    const m = /^CAPTURE (\d+) ([A-Za-z0-9_]+)=(.*)$/.exec(line.replace(/\r$/, ''));
    if (!m?.[1] || !m[2]) continue;
    const call = Number(m[1]);
    const rec = out.get(call) ?? {};
    rec[m[2]] = (m[3] ?? '').trim();
    out.set(call, rec);
  }
  return out;
}

/** Counts from the last row of a SIPp -trace_stat CSV (';'-separated, header row first). */
export function parseStatCsv(csv: string): Omit<SippStats, 'source'> | null {
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  const head = lines[0]?.split(';');
  const last = lines[lines.length - 1]?.split(';');
  if (!head || !last || lines.length < 2) return null;
  const col = (name: string): number | null => {
    const i = head.indexOf(name);
    if (i < 0) return null;
    const v = Number(last[i]);
    return Number.isFinite(v) ? v : null;
  };
  const successful = col('SuccessfulCall(C)');
  const failed = col('FailedCall(C)');
  if (successful === null || failed === null) return null;
  return { successful, failed, retransmissions: col('Retransmissions(C)') };
}

/** Counts from the last statistics screen SIPp printed ("Successful call | periodic | cumulative"). */
export function parseScreen(screen: string): Omit<SippStats, 'source'> | null {
  const text = stripAnsi(screen);
  const last = (label: string): number | null => {
    const re = new RegExp(`${label}\\s*\\|\\s*(\\d+)\\s*\\|\\s*(\\d+)`, 'g');
    let v: number | null = null;
    for (let m = re.exec(text); m; m = re.exec(text)) v = Number(m[2]);
    return v;
  };
  const successful = last('Successful call');
  const failed = last('Failed call');
  if (successful === null || failed === null) return null;
  return { successful, failed, retransmissions: null };
}

export interface TracedMessage {
  direction: 'sent' | 'received';
  /** Request-Line or Status-Line. */
  firstLine: string;
  text: string;
  /**
   * The body as on the wire: what follows the empty line with CRLF line ends restored (the trace is
   * read with CRs removed, and SIPp ends each traced message with an extra line end), cut to the
   * message's Content-Length. Exact for bodies written with CRLF line ends, as SDP is.
   */
  body: string;
  /** The first value of a header (name case-insensitive), or undefined. */
  header(name: string): string | undefined;
}

/** The messages of a SIPp -trace_msg log, in order. */
export function parseMessageTrace(log: string): TracedMessage[] {
  const out: TracedMessage[] = [];
  for (const block of log.split(/^-{20,} .*$/m)) {
    const m = /^\s*\w+ message (sent|received)[^\n]*\n\s*\n([\s\S]*)$/.exec(block);
    if (!m?.[1] || m[2] === undefined) continue;
    const text = m[2].replace(/\r/g, '').replace(/^\n+/, '');
    const lines = text.split('\n');
    const blank = text.indexOf('\n\n');
    out.push({
      direction: m[1] === 'sent' ? 'sent' : 'received',
      firstLine: lines[0] ?? '',
      text,
      body: blank < 0 ? '' : Buffer.from(text.slice(blank + 2).replace(/\n/g, '\r\n'), 'latin1')
        .subarray(0, Number(/^content-length:\s*(\d+)/im.exec(text.slice(0, blank))?.[1] ?? '0')).toString('latin1'),
      header(name) {
        const want = name.toLowerCase();
        for (const line of lines.slice(1)) {
          if (line === '') break;
          const i = line.indexOf(':');
          if (i > 0 && line.slice(0, i).trim().toLowerCase() === want) return line.slice(i + 1).trim();
        }
        return undefined;
      },
    });
  }
  return out;
}

/** The SIPp command line for `opts`, with the files of one run (pure; tested). */
export function sippArgs(
  opts: SippOptions,
  run: { scenarioFile: string; keys: Record<string, string>; authUri: string | null; localPort: number; controlPort: number; mediaPort: number; dir: string; injectionFile: string | null; trace: boolean },
): string[] {
  const a: string[] = ['-sf', run.scenarioFile];
  if (opts.target) a.push(opts.target);
  a.push('-i', opts.localIp ?? '127.0.0.1', '-p', String(run.localPort));
  // control socket and media sockets on loopback too (SIPp binds the control one to 0.0.0.0:8888 by default)
  a.push('-ci', '127.0.0.1', '-cp', String(run.controlPort), '-mi', '127.0.0.1', '-mp', String(run.mediaPort));
  a.push('-m', String(opts.calls ?? 1));
  if (opts.rate !== undefined) a.push('-r', String(opts.rate));
  if (opts.limit !== undefined) a.push('-l', String(opts.limit));
  if (opts.pauseMs !== undefined) a.push('-d', String(opts.pauseMs));
  if (opts.service !== undefined) a.push('-s', opts.service);
  a.push('-timeout', `${opts.timeoutS}s`, '-timeout_error', '-nostdin');
  if (opts.auth) {
    a.push('-au', opts.auth.username, '-ap', opts.auth.password);
    const uri = opts.auth.uri ?? (run.authUri ? fillTemplate(run.authUri, { ...run.keys, service: opts.service ?? 'service' }) : null);
    if (uri) a.push('-auth_uri', uri.replace(/^sips?:/, ''));
  }
  if (run.injectionFile) a.push('-inf', run.injectionFile);
  for (const [k, v] of Object.entries(run.keys)) a.push('-key', k, v);
  a.push('-trace_err', '-error_file', path.join(run.dir, 'errors.log'));
  a.push('-trace_logs', '-log_file', path.join(run.dir, 'actions.log'));
  a.push('-trace_stat', '-stf', path.join(run.dir, 'stats.csv'), '-fd', '1');
  if (run.trace) a.push('-trace_msg', '-message_file', path.join(run.dir, 'messages.log'));
  a.push(...(opts.extraArgs ?? []));
  return a;
}

interface Launched {
  child: Child;
  port: number;
  finish(): Promise<SippResult>;
}

/** A run succeeded when SIPp exited 0 (all calls succeeded) and its counters agree: no failed call and
 * every requested call done (SIPp also exits 0 when stopped by SIGTERM before any call). */
export const sippOk = (exitCode: number | null, stats: SippStats, calls: number): boolean =>
  exitCode === 0 && stats.failed === 0 && stats.successful >= calls;

const readIf = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8') : '');
const tail = (s: string, n: number): string => (s.length > n ? `…${s.slice(-n)}` : s);

const isLoopback = (host: string): boolean => /^127\.\d+\.\d+\.\d+$/.test(host) || host === 'localhost';

async function launch(opts: SippOptions): Promise<Launched> {
  // the SIP tests stay on the loopback interface
  const targetHost = opts.target?.replace(/:\d+$/, '');
  if (targetHost !== undefined && !isLoopback(targetHost)) throw new Error(`sipp target ${opts.target} is not a loopback address`);
  if (opts.localIp !== undefined && !isLoopback(opts.localIp)) throw new Error(`sipp localIp ${opts.localIp} is not a loopback address`);
  const bin = toolPath('sipp');
  if (!bin) throw new Error('sipp is not installed (Debian package sip-tester; scripts/install-sip-tools.sh)');
  const info = scenarioInfo(opts.scenario);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-sipp-'));
  let injectionFile: string | null = null;
  if (typeof opts.injectionCsv === 'string') injectionFile = path.resolve(opts.injectionCsv);
  else if (opts.injectionCsv) {
    injectionFile = path.join(dir, 'injection.csv');
    writeFileSync(injectionFile, [opts.injectionCsv.order, ...opts.injectionCsv.rows.map((r) => r.join(';'))].join('\n') + '\n');
  }
  // the control and SIP ports picked together, so they differ (and the control one from a given SIP port)
  const [portA, portB] = await freeUdpPorts(2);
  const localPort = opts.localPort ?? portA!;
  const controlPort = portA === localPort ? portB! : portA!;
  const mediaPort = await freeUdpPortBlock(4); // -mp takes this port and the three after it
  const trace = opts.traceMessages ?? (opts.calls ?? 1) <= 20;
  const keys = { ...info.keys, ...(opts.vars ?? {}) };
  if (keys.contact_port === 'auto') keys.contact_port = String(localPort);
  const args = sippArgs(opts, {
    scenarioFile: info.path, keys, authUri: info.authUri, localPort,
    controlPort, mediaPort, dir, injectionFile, trace,
  });
  const child = startChild(bin, args, { cwd: dir, hardTimeoutMs: (opts.timeoutS + 10) * 1000 });
  let result: Promise<SippResult> | null = null;
  const finish = (): Promise<SippResult> => {
    result ??= child.exited.then((exit) => {
      const stdout = stripAnsi(child.stdout());
      const errorLog = readIf(path.join(dir, 'errors.log'));
      const messageLog = readIf(path.join(dir, 'messages.log'));
      const actionLog = readIf(path.join(dir, 'actions.log'));
      const fromCsv = parseStatCsv(readIf(path.join(dir, 'stats.csv')));
      const fromScreen = fromCsv ? null : parseScreen(stdout);
      const stats: SippStats = fromCsv
        ? { ...fromCsv, source: 'stat-file' }
        : fromScreen
          ? { ...fromScreen, source: 'screen' }
          : { successful: exit.code === 0 ? (opts.calls ?? 1) : 0, failed: exit.code === 0 ? 0 : 1, retransmissions: null, source: 'exit-code' };
      rmSync(dir, { recursive: true, force: true });
      const captures = parseCaptures(actionLog);
      const r: SippResult = {
        exitCode: exit.code, signal: exit.signal, ok: sippOk(exit.code, stats, opts.calls ?? 1),
        stats, args: [bin, ...args], stdout, stderr: child.stderr(), errorLog, messageLog, actionLog, captures,
        capture: (name, call = 1) => captures.get(call)?.[name],
        explain: () => [
          `sipp ${path.basename(info.path)} → ${opts.target ?? `UAS on ${opts.localIp ?? '127.0.0.1'}:${localPort}`}: exit ${exit.code ?? exit.signal}, ` +
            `${stats.successful} successful, ${stats.failed} failed (${stats.source})`,
          `command: ${r.args.join(' ')}`,
          errorLog.trim() ? `--- error log ---\n${tail(errorLog.trim(), 6000)}` : '--- error log: empty ---',
          actionLog.trim() ? `--- scenario log ---\n${tail(actionLog.trim(), 2000)}` : '',
          messageLog.trim() ? `--- message trace (tail) ---\n${tail(messageLog.trim(), 6000)}` : '',
          child.stderr().trim() ? `--- stderr ---\n${tail(child.stderr().trim(), 2000)}` : '',
          `--- screen (tail) ---\n${tail(stdout.trim(), 2500)}`,
        ].filter(Boolean).join('\n'),
      };
      return r;
    });
    return result;
  };
  return { child, port: localPort, finish };
}

/** Runs a SIPp scenario to its end (all `calls` done, or the timeout) and returns what happened. */
export async function runSipp(opts: SippOptions & { target: string }): Promise<SippResult> {
  const l = await launch(opts);
  return l.finish();
}

export interface SippUas {
  /** The SIP port it answers on (127.0.0.1). */
  port: number;
  pid: number;
  /** Resolves when SIPp exits by itself (after `calls` calls, or at its timeout). */
  done: Promise<SippResult>;
  /** Ends it now (SIGTERM by pid, SIGKILL after 2 s) unless it already exited; resolves with its result. */
  stop(): Promise<SippResult>;
}

/**
 * Starts a SIPp answerer (a phone or a carrier) and resolves once its SIP port is bound. It exits by
 * itself after `calls` calls (default 1) or at `timeoutS`; call stop() in `after`/`finally` anyway.
 */
export async function startSippUas(opts: Omit<SippOptions, 'target'> & { readyTimeoutMs?: number }): Promise<SippUas> {
  const l = await launch(opts);
  try {
    await waitForPort('udp', l.port, { timeoutMs: opts.readyTimeoutMs ?? 5000, alive: () => l.child.running(), what: `sipp ${opts.scenario}` });
  } catch (e) {
    await l.child.stop(500);
    const r = await l.finish();
    throw new Error(`${(e as Error).message}\n${r.explain()}`);
  }
  return {
    port: l.port,
    pid: l.child.pid,
    done: l.finish(),
    async stop() {
      await l.child.stop(2000);
      return l.finish();
    },
  };
}
