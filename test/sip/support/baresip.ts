/**
 * A real SIP phone in a test: baresip 1.0 (Debian `baresip`), one account, driven over its ctrl_tcp
 * module (netstring-framed JSON: commands {"command","params","token"} → {"response":true,"ok",
 * "data","token"}; events {"event":true,"class","type","accountaor","peeruri",…}).
 *
 * Everything stays on 127.0.0.1: SIP on `sip_listen 127.0.0.1:<port>`, media on the loopback interface
 * (`net_interface 127.0.0.1`), the control socket on 127.0.0.1. No sound card: the microphone is a
 * generated 8 kHz WAV tone played by aufile (which needs 8 kHz), the speaker and ringer are aubridge
 * devices nobody reads.
 *
 *   const alice = await startBaresip({ user: 'alice', domain, password, proxy: '127.0.0.1:5060' });
 *   await alice.waitForEvent('REGISTER_OK');
 *   await alice.dial('sip:bob@tandem.test');
 *   await alice.waitForEvent('CALL_ESTABLISHED');
 *   await alice.hangup();
 *   await alice.stop();
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freeTcpPort, freeUdpPort, sleep, waitForPort } from './ports.ts';
import { startChild, type Exit } from './proc.ts';
import { toolPath } from './tools.ts';

export interface BaresipOptions {
  user: string;
  domain: string;
  password: string;
  /** Outbound proxy and registrar, "host:port" (UDP). */
  proxy: string;
  displayName?: string;
  /** Answer incoming calls at once (account answermode=auto). */
  autoAnswer?: boolean;
  /** Registration interval in seconds (account regint); default 600. 0 = do not register. */
  regint?: number;
  /** Local SIP port; default: a free one. */
  sipPort?: number;
  /** Hard limit: baresip is killed after this many seconds (default 60). */
  maxLifeS?: number;
  /** More lines for the config file. */
  extraConfig?: string[];
}

export interface BaresipEvent {
  type: string;
  class: string;
  accountaor: string;
  peeruri: string;
  param: string;
  /** The whole event object as baresip sent it. */
  raw: Record<string, unknown>;
}

export interface Baresip {
  pid: number;
  sipPort: number;
  /** "sip:user@domain". */
  aor: string;
  /** Every event received so far, in order. */
  events: BaresipEvent[];
  /**
   * The first event not yet returned by an earlier waitForEvent that matches (type name or predicate);
   * waits up to `timeoutMs` (default 10 s) for it, then rejects with the events seen and the log.
   */
  waitForEvent(match: string | ((e: BaresipEvent) => boolean), timeoutMs?: number): Promise<BaresipEvent>;
  /** Sends a command (a menu command name: dial, accept, hangup, reginfo, …) and awaits its response. */
  command(command: string, params?: string, timeoutMs?: number): Promise<{ ok: boolean; data: string }>;
  dial(uri: string): Promise<{ ok: boolean; data: string }>;
  /** Accepts the incoming call (menu command "accept"). */
  answer(): Promise<{ ok: boolean; data: string }>;
  hangup(): Promise<{ ok: boolean; data: string }>;
  /** baresip's console output so far. */
  log(): string;
  /** "quit", then SIGTERM by pid, then SIGKILL; removes the config directory. */
  stop(): Promise<Exit>;
}

/** Splits netstrings ("len:payload,") off the front of `buf`; returns payloads and the rest. */
export function parseNetstrings(buf: string): { messages: string[]; rest: string } {
  const messages: string[] = [];
  let rest = buf;
  for (;;) {
    const colon = rest.indexOf(':');
    if (colon <= 0) break;
    const len = Number(rest.slice(0, colon));
    if (!Number.isInteger(len) || len < 0) throw new Error(`bad netstring length ${JSON.stringify(rest.slice(0, colon))}`);
    if (Buffer.byteLength(rest.slice(colon + 1)) < len + 1) break;
    // lengths are in bytes: cut by bytes
    const body = Buffer.from(rest.slice(colon + 1));
    messages.push(body.subarray(0, len).toString('utf8'));
    if (body[len] !== 0x2c) throw new Error('netstring without trailing comma');
    rest = body.subarray(len + 1).toString('utf8');
  }
  return { messages, rest };
}

export const netstring = (s: string): string => `${Buffer.byteLength(s)}:${s},`;

/** A mono 16-bit PCM WAV file (RIFF) with a sine tone: the phone's microphone. */
export function toneWav(rate: number, seconds: number, hz: number): Buffer {
  const n = Math.round(rate * seconds);
  const buf = Buffer.alloc(44 + n * 2);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + n * 2, 4);
  buf.write('WAVEfmt ', 8, 'ascii');
  buf.writeUInt32LE(16, 16); // fmt chunk size
  buf.writeUInt16LE(1, 20); // PCM
  buf.writeUInt16LE(1, 22); // mono
  buf.writeUInt32LE(rate, 24);
  buf.writeUInt32LE(rate * 2, 28); // byte rate
  buf.writeUInt16LE(2, 32); // block align
  buf.writeUInt16LE(16, 34); // bits per sample
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) buf.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / rate)), 44 + i * 2);
  return buf;
}

/** The accounts line for baresip 1.0 ("Display <sip:user@domain;transport=udp>;addr-params"). */
export function accountLine(o: Pick<BaresipOptions, 'user' | 'domain' | 'password' | 'proxy' | 'displayName' | 'autoAnswer' | 'regint'>): string {
  const name = o.displayName ? `"${o.displayName.replace(/"/g, '')}" ` : '';
  const params = [
    `auth_pass=${o.password}`,
    `outbound="sip:${o.proxy};transport=udp"`,
    `regint=${o.regint ?? 600}`,
    `answermode=${o.autoAnswer ? 'auto' : 'manual'}`,
    'audio_codecs=PCMU,PCMA',
    'mwi=no',
  ];
  return `${name}<sip:${o.user}@${o.domain};transport=udp>;${params.join(';')}`;
}

export async function startBaresip(opts: BaresipOptions): Promise<Baresip> {
  const bin = toolPath('baresip');
  if (!bin) throw new Error('baresip is not installed (Debian package baresip; scripts/install-sip-tools.sh)');
  const sipPort = opts.sipPort ?? (await freeUdpPort());
  const ctrlPort = await freeTcpPort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tandem-baresip-'));
  const wav = path.join(dir, 'mic.wav');
  writeFileSync(wav, toneWav(8000, 1, 440));
  writeFileSync(path.join(dir, 'config'), [
    'poll_method\t\tepoll',
    `sip_listen\t\t127.0.0.1:${sipPort}`,
    'net_interface\t\t127.0.0.1',
    'call_local_timeout\t60',
    'call_max_calls\t\t4',
    `audio_source\t\taufile,${wav}`,
    'audio_player\t\taubridge,tandem-speaker',
    'audio_alert\t\taubridge,tandem-ringer',
    'rtp_ports\t\t20000-39999',
    'module_path\t\t/usr/lib/baresip/modules',
    'module\t\t\tg711.so',
    'module\t\t\taufile.so',
    'module\t\t\taubridge.so',
    'module_tmp\t\taccount.so',
    'module_app\t\tmenu.so',
    'module_app\t\tctrl_tcp.so',
    `ctrl_tcp_listen\t\t127.0.0.1:${ctrlPort}`,
    ...(opts.extraConfig ?? []),
    '',
  ].join('\n'));
  // the account is created over ctrl_tcp once we listen (uanew), so its REGISTER_OK is not missed
  writeFileSync(path.join(dir, 'accounts'), '');
  writeFileSync(path.join(dir, 'contacts'), '');

  const child = startChild(bin, ['-f', dir], { cwd: dir, hardTimeoutMs: (opts.maxLifeS ?? 60) * 1000 });
  void child.exited.then(() => rmSync(dir, { recursive: true, force: true }));
  const log = (): string => child.stdout() + child.stderr();
  try {
    await waitForPort('tcp', ctrlPort, { timeoutMs: 10_000, alive: () => child.running(), what: 'baresip' });
  } catch (e) {
    await child.stop(500);
    throw new Error(`${(e as Error).message}\n${log()}`);
  }

  const sock: Socket = await new Promise((resolve, reject) => {
    const s = connect(ctrlPort, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
  sock.setEncoding('utf8');

  const events: BaresipEvent[] = [];
  const taken = new Set<number>(); // indexes of events already returned by waitForEvent
  const eventWaiters = new Set<() => void>();
  const pending = new Map<string, (r: { ok: boolean; data: string }) => void>();
  let buf = '';
  let token = 0;
  sock.on('data', (d: string) => {
    buf += d;
    const { messages, rest } = parseNetstrings(buf);
    buf = rest;
    for (const m of messages) {
      let obj: Record<string, unknown>;
      try {
        obj = JSON.parse(m) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (obj.event === true) {
        const str = (k: string): string => (typeof obj[k] === 'string' ? (obj[k] as string) : '');
        events.push({ type: str('type'), class: str('class'), accountaor: str('accountaor'), peeruri: str('peeruri'), param: str('param'), raw: obj });
        for (const w of [...eventWaiters]) w();
      } else if (obj.response === true) {
        const t = typeof obj.token === 'string' ? obj.token : '';
        const cb = pending.get(t);
        if (cb) {
          pending.delete(t);
          cb({ ok: obj.ok === true, data: typeof obj.data === 'string' ? obj.data : '' });
        }
      }
    }
  });
  sock.on('error', () => undefined); // baresip went away: waiters time out with the log

  const waitForEvent: Baresip['waitForEvent'] = (match, timeoutMs = 10_000) => {
    const pred = typeof match === 'string' ? (e: BaresipEvent) => e.type === match : match;
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (let i = 0; i < events.length; i++) {
          const e = events[i];
          if (e && !taken.has(i) && pred(e)) {
            taken.add(i);
            return finish(() => resolve(e));
          }
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish(() => reject(new Error(
          `baresip ${opts.user}: no ${typeof match === 'string' ? match : 'matching'} event within ${timeoutMs} ms; ` +
          `events: ${events.map((e) => e.type).join(', ') || 'none'}\n--- baresip log ---\n${log().slice(-4000)}`,
        )));
      }, timeoutMs);
      const waiter = (): void => {
        check();
      };
      const finish = (f: () => void): true => {
        clearTimeout(timer);
        eventWaiters.delete(waiter);
        f();
        return true;
      };
      if (!check()) eventWaiters.add(waiter);
    });
  };

  const command: Baresip['command'] = (cmd, params, timeoutMs = 5000) => {
    const t = String(++token);
    const body = JSON.stringify({ command: cmd, ...(params !== undefined ? { params } : {}), token: t });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(t);
        reject(new Error(`baresip ${opts.user}: no response to "${cmd}" within ${timeoutMs} ms\n${log().slice(-3000)}`));
      }, timeoutMs);
      pending.set(t, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
      sock.write(netstring(body));
    });
  };

  const created = await command('uanew', accountLine(opts));
  if (!created.ok) {
    await child.stop(500);
    throw new Error(`baresip ${opts.user}: uanew refused the account: ${created.data}\n${log()}`);
  }

  return {
    pid: child.pid,
    sipPort,
    aor: `sip:${opts.user}@${opts.domain}`,
    events,
    waitForEvent,
    command,
    dial: (uri) => command('dial', uri),
    answer: () => command('accept'),
    hangup: () => command('hangup'),
    log,
    async stop() {
      if (child.running()) {
        try {
          sock.write(netstring(JSON.stringify({ command: 'quit', token: 'quit' })));
        } catch {
          // socket already closed
        }
        await Promise.race([child.exited, sleep(2000)]);
      }
      sock.destroy();
      return child.stop(2000);
    },
  };
}
