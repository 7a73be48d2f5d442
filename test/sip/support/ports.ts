/**
 * Loopback ports for the SIP tests: free ones to hand to a child process, and a readiness check that
 * a child has bound its port (read from /proc/net/udp, so the check itself never takes the port).
 */
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Closes the sockets (one that failed to bind is closed already: nothing to wait for). */
const closeAll = (socks: ReturnType<typeof createSocket>[]): Promise<unknown> =>
  Promise.all(socks.map((s) => new Promise<void>((resolve) => { try { s.close(() => resolve()); } catch { resolve(); } })));

/** A UDP port on 127.0.0.1 that was free a moment ago (the OS picks it; we close it again). */
export async function freeUdpPort(): Promise<number> {
  const [port] = await freeUdpPorts(1);
  return port!;
}

/**
 * `count` different UDP ports on 127.0.0.1 that were free a moment ago. All are held open until the
 * last is picked: two separate freeUdpPort() calls can be handed the same just-closed port, which gave
 * SIPp its SIP port as its control port too ("Unable to bind remote control socket", seen in CI).
 */
export async function freeUdpPorts(count: number): Promise<number[]> {
  const socks: ReturnType<typeof createSocket>[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const sock = createSocket('udp4');
      socks.push(sock);
      await new Promise<void>((resolve, reject) => {
        sock.once('error', reject);
        sock.bind(0, '127.0.0.1', () => resolve());
      });
    }
    return socks.map((s) => s.address().port);
  } finally {
    await closeAll(socks);
  }
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freeTcpPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = srv.address();
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  if (addr === null || typeof addr === 'string') throw new Error('no TCP port');
  return addr.port;
}

/**
 * The first of `count` consecutive UDP ports on 127.0.0.1 that were all free a moment ago, taken below
 * Linux's ephemeral range (32768–60999) so that no socket the OS numbers itself lands inside the block
 * later. For SIPp's -mp: it binds the port and the next ones (audio RTP/RTCP, video RTP/RTCP), and a
 * block whose neighbours were taken by another test's ephemeral socket failed with EADDRINUSE.
 */
export async function freeUdpPortBlock(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + 4 * Math.floor(Math.random() * 3000); // 20000–31996, aligned to 4
    const socks: ReturnType<typeof createSocket>[] = [];
    let ok = true;
    for (let i = 0; i < count && ok; i++) {
      const sock = createSocket('udp4');
      ok = await new Promise<boolean>((resolve) => {
        sock.once('error', () => resolve(false));
        sock.bind(base + i, '127.0.0.1', () => resolve(true));
      });
      socks.push(sock);
    }
    await closeAll(socks);
    if (ok) return base;
  }
  throw new Error(`no block of ${count} free UDP ports found between 20000 and 32000`);
}

/** Local ports of the bound sockets listed in a /proc/net/{udp,tcp} table (hex "ADDR:PORT" column 2). */
export function parseProcNetPorts(table: string, listenOnly = false): Set<number> {
  const ports = new Set<number>();
  for (const line of table.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    const local = f[1];
    if (!local) continue;
    if (listenOnly && f[3] !== '0A') continue; // TCP state 0A = LISTEN
    const port = Number.parseInt(local.split(':')[1] ?? '', 16);
    if (Number.isFinite(port)) ports.add(port);
  }
  return ports;
}

function boundPorts(kind: 'udp' | 'tcp'): Set<number> | null {
  try {
    const v4 = readFileSync(`/proc/net/${kind}`, 'utf8');
    let v6 = '';
    try {
      v6 = readFileSync(`/proc/net/${kind}6`, 'utf8');
    } catch {
      // no IPv6
    }
    const set = parseProcNetPorts(v4, kind === 'tcp');
    for (const p of parseProcNetPorts(v6, kind === 'tcp')) set.add(p);
    return set;
  } catch {
    return null; // not Linux
  }
}

/**
 * Resolves once something listens on `port` (UDP bound / TCP LISTEN), rejects after `timeoutMs` or
 * as soon as `alive()` says the process that should bind it has exited. Without /proc (not Linux) it
 * waits a fixed 500 ms instead.
 */
export async function waitForPort(kind: 'udp' | 'tcp', port: number, opts: { timeoutMs: number; alive?: () => boolean; what?: string }): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    if (opts.alive && !opts.alive()) throw new Error(`${opts.what ?? 'process'} exited before binding ${kind} port ${port}`);
    const ports = boundPorts(kind);
    if (ports === null) {
      await sleep(500);
      return;
    }
    if (ports.has(port)) return;
    if (Date.now() > deadline) throw new Error(`${opts.what ?? 'process'} did not bind ${kind} port ${port} within ${opts.timeoutMs} ms`);
    await sleep(25);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
