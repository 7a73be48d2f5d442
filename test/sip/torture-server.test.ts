/**
 * The 49 RFC 4475 torture messages sent over UDP to the running SIP service, unmodified (issue 5: "no
 * input crashes or hangs the server"): after all of them, the server still answers OPTIONS at once.
 * What each message gets is tested where it is decided: the parser and request validation
 * (src/sip/message/torture.test.ts) and the transport's stateless answers (src/sip/transport/loopback.test.ts).
 * (The answers themselves go where each message's Via says, RFC 3261 §18.2.2 — hosts of the RFC's
 * examples — so they are not observed here.)
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import fs from 'node:fs';
import { startSipServer, type SipTestServer } from './support/tandem.ts';

const DIR = new URL('../fixtures/rfc4475/', import.meta.url);

let s: SipTestServer;
let sock: dgram.Socket;
const received: Buffer[] = [];

before(async () => {
  s = await startSipServer();
  sock = dgram.createSocket('udp4');
  sock.on('message', (m) => received.push(m));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
});
after(async () => {
  sock.close();
  await s.close();
});

/** The Call-ID of a message (long or compact form), to tell its answers from late ones of another. */
const callIdOf = (b: Buffer): string | null => /^(?:call-id|i)[ \t]*:[ \t]*(\S+)/im.exec(b.toString('latin1'))?.[1] ?? null;

/**
 * Sends one datagram and collects the answers carrying its Call-ID: until one final answer came, or
 * `ms` passed (a message that must get no answer waits the whole time).
 */
async function exchange(buf: Buffer, ms: number): Promise<Buffer[]> {
  received.length = 0;
  const id = callIdOf(buf);
  sock.send(buf, s.udpPort, '127.0.0.1');
  const mine = () => received.filter((r) => id !== null && callIdOf(r) === id);
  for (let waited = 0; waited < ms; waited += 20) {
    if (mine().some((r) => statusOf(r) >= 200)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await new Promise((r) => setTimeout(r, 50)); // a duplicate answer would show up now
  return mine();
}

const statusOf = (b: Buffer): number => Number(/^SIP\/2\.0 (\d{3})/.exec(b.toString('latin1'))?.[1] ?? 0);

test('after all 49 RFC 4475 messages the server still answers OPTIONS', { timeout: 60_000 }, async () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.dat')).sort();
  assert.equal(files.length, 49);
  for (const f of files) sock.send(fs.readFileSync(new URL(f, DIR)), s.udpPort, '127.0.0.1');
  const options = Buffer.from([
    'OPTIONS sip:tandem@127.0.0.1 SIP/2.0', `Via: SIP/2.0/UDP 127.0.0.1:${(sock.address() as { port: number }).port};rport;branch=z9hG4bK-alive`, 'Max-Forwards: 70',
    'From: <sip:probe@example.com>;tag=1', 'To: <sip:tandem@127.0.0.1>', 'Call-ID: alive-1', 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', '',
  ].join('\r\n'));
  const alive = await exchange(options, 3000);
  assert.deepEqual(alive.map(statusOf), [200]);
  assert.match(alive[0]!.toString('latin1'), /^Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, UPDATE, INFO\r$/m);
});
