/**
 * Kamailio as the reference peer that proves the SIP tooling (test/sip/support/kamailio-test.cfg): a
 * registrar with digest auth and a stateful proxy, on 127.0.0.1 at a free port, stopped by pid.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeUdpPort, waitForPort } from './ports.ts';
import { startChild, type Exit } from './proc.ts';
import { toolPath } from './tools.ts';

export const KAMAILIO_TEST_CFG = fileURLToPath(new URL('./kamailio-test.cfg', import.meta.url));

export interface KamailioOptions {
  /** Port to listen on (UDP, 127.0.0.1); default: a free one. */
  sipPort?: number;
  /** Where INVITEs to unregistered users go (a SIPp answerer); default 127.0.0.1:15070. */
  uasPort?: number;
  /** The registrar's domain (From domain that must authenticate); default "tandem.test". */
  domain?: string;
  /** Every user's password; default "test-secret". */
  password?: string;
  /** Another config file. */
  cfg?: string;
}

export interface Kamailio {
  port: number;
  /** "127.0.0.1:<port>" for SIPp. */
  target: string;
  domain: string;
  password: string;
  pid: number;
  /** Kamailio's log so far. */
  log(): string;
  /** SIGTERM by pid (the main process ends its workers), SIGKILL after 3 s. */
  stop(): Promise<Exit>;
}

export async function startKamailio(opts: KamailioOptions = {}): Promise<Kamailio> {
  const bin = toolPath('kamailio');
  if (!bin) throw new Error('kamailio is not installed (Debian package kamailio; scripts/install-sip-tools.sh)');
  const port = opts.sipPort ?? (await freeUdpPort());
  const domain = opts.domain ?? 'tandem.test';
  const password = opts.password ?? 'test-secret';
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-kamailio-'));
  const args = [
    '-DD', '-E', '-f', opts.cfg ?? KAMAILIO_TEST_CFG,
    '-A', `SIP_PORT=${port}`,
    '-A', `UAS_URI="sip:127.0.0.1:${opts.uasPort ?? 15070}"`,
    '-A', `SIP_DOMAIN="${domain}"`,
    '-A', `TEST_PASSWORD="${password}"`,
    '-m', '64', '-M', '8', '-Y', dir, '-w', dir,
  ];
  const child = startChild(bin, args, { cwd: dir });
  void child.exited.then(() => rmSync(dir, { recursive: true, force: true }));
  try {
    await waitForPort('udp', port, { timeoutMs: 10_000, alive: () => child.running(), what: 'kamailio' });
  } catch (e) {
    await child.stop(500);
    throw new Error(`${(e as Error).message}\n${child.stderr()}`);
  }
  return {
    port, target: `127.0.0.1:${port}`, domain, password, pid: child.pid,
    log: () => child.stderr() + child.stdout(),
    async stop() {
      const exit = await child.stop(3000);
      rmSync(dir, { recursive: true, force: true });
      return exit;
    },
  };
}
