/**
 * Child processes of the SIP tests (SIPp, Kamailio, baresip): started without a shell, their output
 * kept (the tail, bounded), stopped by pid — SIGTERM, then SIGKILL after a grace period — and killed
 * by pid when the test process exits without having stopped them.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const MAX_KEEP = 256 * 1024; // characters of stdout/stderr kept per stream (the tail)

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Child {
  readonly pid: number;
  readonly proc: ChildProcess;
  /** Output so far (the last 256 KiB of each stream). */
  stdout(): string;
  stderr(): string;
  running(): boolean;
  /** Resolves when the process has exited. */
  readonly exited: Promise<Exit>;
  /** SIGTERM by pid, SIGKILL after `graceMs` (default 2000) if still running; resolves on exit. */
  stop(graceMs?: number): Promise<Exit>;
}

const live = new Set<Child>();
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const c of live) {
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
}

/** Starts `cmd args` (no shell). `hardTimeoutMs` kills it (SIGKILL) if it is still running then. */
export function startChild(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; hardTimeoutMs?: number } = {}): Child {
  hookExit();
  const proc = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let done = false;
  proc.stdout?.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    if (out.length > 2 * MAX_KEEP) out = out.slice(-MAX_KEEP);
  });
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    if (err.length > 2 * MAX_KEEP) err = err.slice(-MAX_KEEP);
  });
  let hard: NodeJS.Timeout | undefined;
  const exited = new Promise<Exit>((resolve) => {
    proc.once('error', (e) => {
      err += `\n[spawn error] ${e.message}`;
      done = true;
      resolve({ code: null, signal: null });
    });
    proc.once('close', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  }).finally(() => {
    if (hard) clearTimeout(hard);
    live.delete(child);
  });
  const pid = proc.pid ?? -1;
  const child: Child = {
    pid,
    proc,
    stdout: () => out.slice(-MAX_KEEP),
    stderr: () => err.slice(-MAX_KEEP),
    running: () => !done,
    exited,
    async stop(graceMs = 2000) {
      if (!done && pid > 0) {
        try {
          process.kill(pid, 'SIGTERM');
        } catch {
          // already gone
        }
        const t = setTimeout(() => {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // already gone
          }
        }, graceMs);
        const r = await exited;
        clearTimeout(t);
        return r;
      }
      return exited;
    },
  };
  if (pid > 0) live.add(child);
  if (opts.hardTimeoutMs !== undefined) {
    hard = setTimeout(() => {
      if (!done && pid > 0) {
        err += `\n[killed: still running after ${opts.hardTimeoutMs} ms]`;
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }, opts.hardTimeoutMs);
    hard.unref();
  }
  return child;
}

/** Removes ANSI escape sequences (SIPp's screen output). */
export const stripAnsi = (s: string): string => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''); // eslint-disable-line no-control-regex
