/**
 * The SIP service's own cost per REGISTER and per call, without sockets and without SIPp: the
 * benchmark's Tandem (bench/sip/tandem.ts `provision`) with its transport's `send` captured, fed
 * datagrams straight into the transport layer (`TransportLayer.message`, what the UDP socket calls).
 * Every layer runs as in production — parser, transaction layer, registrar with digest auth and
 * group-committed registrations, B2BUA with the routing engine and call records — only the kernel's
 * share (sendto/recvfrom) is left out. Prints CPU µs per REGISTER (401 + authenticated REGISTER
 * answered 200, including the database write) and per call (INVITE → 180/200 → ACK → BYE → 200,
 * including its call record), as the best of a few rounds. The phones' and carriers' side (building
 * the datagrams, reading Tandem's) is not counted, except that a batch of call records the recorder's
 * timer writes while the driver works is missed. Prints only; never fails.
 *
 *   npx tsx bench/sip/inproc.ts [--registers N] [--calls N] [--rounds N] [--profile out.cpuprofile]
 * --profile: a V8 CPU profile of the measured rounds only (not of the set-up), for profile-top.ts.
 * Under `node --expose-gc` it also prints the heap each REGISTER and each call leaves behind for as
 * long as its transactions wait out their timers (64·T1 = 32 s): what a loaded server carries.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import client from 'prom-client';
import { buildDigestAuthorization, parseDigestChallenge } from '../../src/domain/digest.ts';
import { SipService } from '../../src/sip/service.ts';
import type { Endpoint } from '../../src/sip/message/types.ts';
import { BENCH_DID, provision } from './tandem.ts';

const CARRIER: Endpoint = { transport: 'UDP', address: '127.0.0.1', port: 5061 };
const PHONE = (i: number): Endpoint => ({ transport: 'UDP', address: '127.0.0.1', port: 20000 + (i % 40000) });
const SDP = 'v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

/** A datagram as the UDP socket hands it up: a buffer of its own (Buffer.from would share an 8 KiB pool slab). */
const lines = (...l: string[]): Buffer => {
  const text = l.join('\r\n');
  const buf = Buffer.allocUnsafeSlow(Buffer.byteLength(text));
  buf.write(text);
  return buf;
};
/** The value of a header in a captured message (first line of it). */
const header = (text: string, name: string): string => {
  const m = new RegExp(`^${name}:\\s*(.*)$`, 'mi').exec(text);
  if (!m) throw new Error(`no ${name} in:\n${text}`);
  return m[1]!.trim();
};
const allHeaders = (text: string, name: string): string[] => [...text.matchAll(new RegExp(`^${name}:\\s*(.*)$`, 'gmi'))].map((m) => m[1]!.trim());
const statusOf = (text: string): number => Number(/^SIP\/2\.0 (\d{3})/.exec(text)?.[1] ?? 0);

/** Feeds datagrams in slices of 32 per event-loop turn, as libuv hands up a busy UDP socket. */
async function deliver(sip: SipService, msgs: [Buffer, Endpoint][]): Promise<void> {
  for (let i = 0; i < msgs.length; i++) {
    sip.transport.message(msgs[i]![0], msgs[i]![1]);
    if (i % 32 === 31) await new Promise((r) => setImmediate(r));
  }
  await new Promise((r) => setImmediate(r));
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 1));
  }
}

const cpuUs = (): number => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

async function main(): Promise<void> {
  const a = process.argv.slice(2);
  const opt = (name: string, def: number): number => (a.includes(name) ? Number(a[a.indexOf(name) + 1]) : def);
  const registers = opt('--registers', 5000);
  const calls = opt('--calls', 5000);
  const rounds = opt('--rounds', 3);
  const devices = Math.min(registers, 2000);
  const setup = await provision(devices);
  const sip = new SipService(setup.services, {
    transports: { udp: { host: '127.0.0.1', port: 0 } },
    registry: new client.Registry(), log: pino({ level: 'warn' }), keepAliveSeconds: 0,
  });
  await sip.start();
  // Everything Tandem sends lands here instead of on the socket.
  let outbox: { text: string; dest: Endpoint }[] = [];
  sip.transport.send = (buf: Buffer, dest: Endpoint) => {
    outbox.push({ text: buf.toString('latin1'), dest });
    return Promise.resolve();
  };
  const take = (pred: (t: string) => boolean): string[] => {
    const hit: string[] = [];
    outbox = outbox.filter((m) => (pred(m.text) ? (hit.push(m.text), false) : true));
    return hit;
  };
  /** One per Call-ID: a slow round (e.g. under a profiler) lets Timer A/E retransmit a request. */
  const unique = (msgs: string[]): string[] => [...new Map(msgs.map((m) => [header(m, 'Call-ID'), m])).values()];
  const profileTo = a.includes('--profile') ? a[a.indexOf('--profile') + 1]! : null;
  const session = profileTo ? new Session() : null;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const users = setup.users.map((u) => u.split(';') as [string, string, string]);
  let seq = 0;

  // Heap still held after a round (after a full GC): what the transaction timers (64·T1) keep alive.
  const gc = (globalThis as { gc?: () => void }).gc ?? null;
  let heapMark = 0;
  const heapGrowth = (): number => {
    gc?.();
    const h = process.memoryUsage().heapUsed;
    const d = h - heapMark;
    heapMark = h;
    return d;
  };
  heapGrowth();
  const regHeap: number[] = [];
  const callHeap: number[] = [];

  // ---- REGISTER with digest auth
  const regResults: number[] = [];
  const registerRound = async (): Promise<void> => {
    outbox = [];
    const ids = Array.from({ length: registers }, (_, i) => ({ i, callId: `r${++seq}-${i}`, u: users[i % users.length]! }));
    const reg = (x: (typeof ids)[number], cseq: number, auth: string | null): Buffer => lines(
      `REGISTER sip:${x.u[2]} SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:${PHONE(x.i).port};branch=z9hG4bK-${x.callId}-${cseq}`,
      `From: <sip:${x.u[0]}@${x.u[2]}>;tag=${x.callId}`, `To: <sip:${x.u[0]}@${x.u[2]}>`, `Call-ID: ${x.callId}`, `CSeq: ${cseq} REGISTER`,
      `Contact: <sip:${x.u[0]}@127.0.0.1:5070>`, ...(auth ? [`Authorization: ${auth}`] : []), 'Expires: 3600', 'Max-Forwards: 70', 'Content-Length: 0', '', '');
    const first = ids.map((x) => [reg(x, 1, null), PHONE(x.i)] as [Buffer, Endpoint]);
    // The phones' side (untimed): the second REGISTER answers each 401.
    let us = 0;
    let t = cpuUs();
    await deliver(sip, first);
    us += cpuUs() - t;
    const challenges = new Map(take((m) => statusOf(m) === 401).map((m) => [header(m, 'Call-ID'), header(m, 'WWW-Authenticate')]));
    const second = ids.map((x) => {
      const ch = parseDigestChallenge(challenges.get(x.callId));
      if (!ch) throw new Error(`no 401 for ${x.callId}`);
      const auth = buildDigestAuthorization(ch, { method: 'REGISTER', uri: `sip:${x.u[2]}`, username: x.u[0], password: x.u[1], cnonce: 'bench' });
      return [reg(x, 2, auth), PHONE(x.i)] as [Buffer, Endpoint];
    });
    t = cpuUs();
    await deliver(sip, second);
    await until(() => outbox.length >= registers, '200s to REGISTER');
    us += cpuUs() - t;
    const ok = take((m) => statusOf(m) === 200).length;
    if (ok !== registers) throw new Error(`${ok} of ${registers} REGISTERs answered 200`);
    regResults.push(us / registers);
  };
  for (let round = 0; round < rounds && registers > 0; round++) {
    await registerRound();
    if (gc) regHeap.push(heapGrowth() / registers);
  }

  // ---- calls: carrier INVITE to the DID → B leg to the trunk → 180, 200 → ACK → BYE → 200
  const callResults: number[] = [];
  const callRound = async (): Promise<void> => {
    outbox = [];
    const ids = Array.from({ length: calls }, (_, i) => `c${++seq}-${i}`);
    const A = (id: string): { from: string; to: string } => ({ from: `sipp <sip:sipp@127.0.0.1:5061>;tag=${id}`, to: `<sip:${BENCH_DID.slice(1)}@127.0.0.1:5060>` });
    const invites = ids.map((id) => [lines(
      `INVITE sip:${BENCH_DID.slice(1)}@127.0.0.1:5060 SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-${id}-1`,
      `From: ${A(id).from}`, `To: ${A(id).to}`, `Call-ID: ${id}`, 'CSeq: 1 INVITE', 'Contact: <sip:sipp@127.0.0.1:5061>', 'Max-Forwards: 70',
      'Content-Type: application/sdp', `Content-Length: ${SDP.length}`, '', SDP), CARRIER] as [Buffer, Endpoint]);
    let us = 0;
    let t = cpuUs();
    await deliver(sip, invites);
    us += cpuUs() - t;
    // The callee (untimed): 180 and 200 to each B-leg INVITE.
    const bInvites = unique(take((m) => m.startsWith('INVITE ')));
    if (bInvites.length !== calls) throw new Error(`${bInvites.length} of ${calls} B legs`);
    const answer = (m: string, status: string, tag: string, sdp: boolean): Buffer => lines(
      `SIP/2.0 ${status}`, ...allHeaders(m, 'Via').map((v) => `Via: ${v}`), `From: ${header(m, 'From')}`, `To: ${header(m, 'To')};tag=${tag}`,
      `Call-ID: ${header(m, 'Call-ID')}`, `CSeq: ${header(m, 'CSeq')}`, 'Contact: <sip:127.0.0.1:5070;transport=udp>',
      ...(sdp ? ['Content-Type: application/sdp', `Content-Length: ${SDP.length}`, '', SDP] : ['Content-Length: 0', '', '']));
    const bAnswers: [Buffer, Endpoint][] = [];
    for (const m of bInvites) {
      const tag = `b${header(m, 'Call-ID').slice(0, 8)}`;
      bAnswers.push([answer(m, '180 Ringing', tag, false), { transport: 'UDP', address: '127.0.0.1', port: 5070 }]);
      bAnswers.push([answer(m, '200 OK', tag, true), { transport: 'UDP', address: '127.0.0.1', port: 5070 }]);
    }
    t = cpuUs();
    await deliver(sip, bAnswers);
    us += cpuUs() - t;
    const aOks = new Map(take((m) => statusOf(m) === 200 && header(m, 'CSeq').endsWith('INVITE')).map((m) => [header(m, 'Call-ID'), header(m, 'To')]));
    if (aOks.size !== calls) throw new Error(`${aOks.size} of ${calls} calls answered`);
    take(() => true); // 180s to A, 100s
    const inDialog = (id: string, method: string, cseq: number): Buffer => lines(
      `${method} sip:tandem@127.0.0.1:5060 SIP/2.0`, `Via: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-${id}-${method}`,
      `From: ${A(id).from}`, `To: ${aOks.get(id)}`, `Call-ID: ${id}`, `CSeq: ${cseq} ${method}`, 'Max-Forwards: 70', 'Content-Length: 0', '', '');
    const acks = ids.map((id) => [inDialog(id, 'ACK', 1), CARRIER] as [Buffer, Endpoint]);
    const byes = ids.map((id) => [inDialog(id, 'BYE', 2), CARRIER] as [Buffer, Endpoint]);
    t = cpuUs();
    await deliver(sip, acks);
    await deliver(sip, byes);
    us += cpuUs() - t;
    const bByes = unique(take((m) => m.startsWith('BYE ')));
    if (bByes.length !== calls) throw new Error(`${bByes.length} of ${calls} BYEs to B`);
    const byeOks = bByes.map((m) => [lines(
      'SIP/2.0 200 OK', ...allHeaders(m, 'Via').map((v) => `Via: ${v}`), `From: ${header(m, 'From')}`, `To: ${header(m, 'To')}`,
      `Call-ID: ${header(m, 'Call-ID')}`, `CSeq: ${header(m, 'CSeq')}`, 'Content-Length: 0', '', ''), { transport: 'UDP', address: '127.0.0.1', port: 5070 }] as [Buffer, Endpoint]);
    t = cpuUs();
    await deliver(sip, byeOks);
    await sip.records.flush();
    us += cpuUs() - t;
    callResults.push(us / calls);
  };
  heapGrowth();
  for (let round = 0; round < rounds && calls > 0; round++) {
    await callRound();
    if (gc) callHeap.push(heapGrowth() / calls);
  }
  if (session && profileTo) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(profileTo, JSON.stringify(profile));
    session.disconnect();
  }

  const best = (x: number[]): string => (x.length ? `${Math.min(...x).toFixed(0)} µs (rounds: ${x.map((v) => v.toFixed(0)).join(', ')})` : 'not run');
  console.log(`CPU per REGISTER with digest auth (401 + REGISTER → 200, database write included), ${registers} per round: ${best(regResults)}`);
  console.log(`CPU per call (INVITE → 180/200 → ACK → BYE → 200, its call record included), ${calls} per round: ${best(callResults)}`);
  if (gc) {
    const kb = (x: number[]): string => (x.length ? `${(x.reduce((p, v) => p + v, 0) / x.length / 1024).toFixed(1)} KiB` : 'not run');
    console.log(`heap held per REGISTER after its round (until the transactions' 64·T1 timers end): ${kb(regHeap)}; per call: ${kb(callHeap)}`);
  }
  console.log('(process CPU: the main thread and the GC and worker threads; the kernel\'s sendto/recvfrom are not included)');
  await sip.stop();
  await setup.api.close();
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
