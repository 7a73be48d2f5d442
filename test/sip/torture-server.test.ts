/**
 * The 49 RFC 4475 torture messages sent over UDP to the running SIP service, one at a time, and the
 * exact answer the server sends to each observed (issue 5: "no input crashes or hangs the server";
 * /work/shared/sip-torture/INDEX.md and test/fixtures/rfc4475/INDEX.md: what each must get).
 *
 * Where answers go. A server answers where the request's top Via says (RFC 3261 §18.2.2): `received`
 * (which it adds whenever the sent-by host is not the source address, §18.2.1) and the sent-by port,
 * or the source port with `rport` (RFC 3581 §4). The RFC's examples name hosts of example.com and
 * 192.0.2.0/24, so the server stamps received=127.0.0.1 and would answer 127.0.0.1:<their port or
 * 5060>. The test therefore rewrites ONE thing in each request: the port of the top Via's sent-by
 * becomes the test socket's port (inserted when absent); the host, the transport, the parameters,
 * the folding and every other byte stay as the RFC wrote them, so what each message tests is
 * unchanged — none of them tests the sent-by port. The answer then reaches the test socket.
 * Exceptions, documented in the table below:
 * - badinv01: the top Via is itself the broken header (`192.0.2.15;;,;,,`), so the request has no
 *   usable Via: no response can be addressed (§18.2.2), and the server drops it. The INDEX's "400"
 *   cannot be observed; the test asserts that nothing at all comes back.
 * - The five responses (bcast, bigcode, noreason, scalarlg, unreason) are sent unmodified: a response
 *   is never answered, and Tandem, not being a proxy, never forwards one (bcast's broadcast Via is
 *   therefore never a destination). The test asserts that nothing comes back for them.
 * - dblreq: a datagram holding a REGISTER and then more octets; only the REGISTER is answered.
 *
 * Each expected answer is awaited (bounded); INVITE final answers that are retransmitted (Timer G,
 * §17.2.1: the test never ACKs) must all carry the same status. After the last message every answer
 * that arrived is attributed by Call-ID (insuf has none: by its top Via branch); a message expected to
 * be dropped must have none, and no datagram may arrive that belongs to no message. The server still
 * answers OPTIONS at the end. Parser-level details of each message are in src/sip/message/torture.test.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { openClient, param, type SipClient, type SipMsg } from './support/client.ts';
import { startSipServer, type SipTestServer } from './support/tandem.ts';

const DIR = new URL('../fixtures/rfc4475/', import.meta.url);

/** What the server must do with each message: answer with `status` (and headers), or `drop` it. */
type Expect = { status: number; why: string; headers?: Record<string, string> } | { drop: string };

const ANSWERED_BY_AUTH = 'authentication comes first (RFC 3261 §22.1): the server challenges with 401';
const EXPECT: Record<string, Expect> = {
  // RFC 4475 §3.1.1: valid messages, handled normally.
  wsinv: { status: 481, why: 'a valid INVITE with a To tag that matches no dialog: 481 (§12.2.2)' },
  intmeth: { status: 501, why: 'a valid request of an unknown method: 501 (§8.2.1)' },
  esc01: { status: 401, why: `valid INVITE; ${ANSWERED_BY_AUTH}` },
  escnull: { status: 401, why: `valid REGISTER; ${ANSWERED_BY_AUTH}` },
  esc02: { status: 501, why: 'method RE%47IST%45R is not REGISTER (no unescaping in methods): unknown, 501' },
  lwsdisp: { status: 200, why: 'valid OPTIONS to the server itself: 200 (§11.2)', headers: { Allow: 'INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, UPDATE, INFO' } },
  longreq: { status: 401, why: `valid INVITE; ${ANSWERED_BY_AUTH}` },
  dblreq: { status: 401, why: `the REGISTER bounded by Content-Length is answered; ${ANSWERED_BY_AUTH}; the trailing octets are discarded` },
  semiuri: { status: 200, why: 'valid OPTIONS: 200' },
  transports: { status: 200, why: 'valid OPTIONS with unusual Via transports below the top one: 200' },
  mpart01: { status: 401, why: `valid MESSAGE (multipart body); MESSAGE authenticates (issue 5); ${ANSWERED_BY_AUTH}` },
  unreason: { drop: 'a response: never answered' },
  noreason: { drop: 'a response: never answered' },
  // RFC 4475 §3.1.2: invalid messages. Requests: 400 (505 for the version); responses: dropped.
  badinv01: { drop: 'the top Via itself is malformed: no address to answer (§18.2.2); the INDEX\'s 400 cannot be sent' },
  clerr: { status: 400, why: 'Content-Length larger than the datagram (§18.3)' },
  ncl: { status: 400, why: 'negative Content-Length' },
  scalar02: { status: 400, why: 'overlarge CSeq number (§8.1.1.5: < 2^31)' },
  scalarlg: { drop: 'a response with overlarge scalars: dropped' },
  quotbal: { status: 400, why: 'unterminated quoted string' },
  ltgtruri: { status: 400, why: 'Request-URI in <>' },
  lwsruri: { status: 400, why: 'whitespace inside the Request-URI' },
  lwsstart: { status: 400, why: 'several SP in the request line' },
  trws: { status: 400, why: 'SP at the end of the request line' },
  escruri: { status: 400, why: 'escaped headers in the Request-URI' },
  baddate: { status: 400, why: 'Date not in GMT (§20.17): rejected rather than ignored' },
  regbadct: { status: 400, why: 'Contact URI with ? outside <>' },
  badaspec: { status: 400, why: 'whitespace inside an addr-spec' },
  baddn: { status: 400, why: 'non-token characters in an unquoted display name' },
  badvers: { status: 505, why: 'SIP/7.0 (§8.2.2... §21.5.6)' },
  mismatch01: { status: 400, why: 'CSeq method differs from the request method (§8.1.1.5)' },
  mismatch02: { status: 400, why: 'unknown method with a CSeq method mismatch' },
  bigcode: { drop: 'a response with a status over 699: dropped' },
  // RFC 4475 §3.2–§3.4: transaction and application semantics.
  badbranch: { status: 200, why: 'a branch that is only the magic cookie: handled (RFC 2543 matching), OPTIONS 200' },
  insuf: { status: 400, why: 'missing To, From and Call-ID (§8.1.1)' },
  unkscm: { status: 416, why: 'unknown Request-URI scheme (§8.2.2.1)' },
  novelsc: { status: 416, why: 'soap.beep is never served by Tandem: treated as unknown, 416 (RFC 4475 §3.3.3)' },
  unksm2: { status: 401, why: `unknown schemes in To/From/Contact are accepted; a REGISTER: ${ANSWERED_BY_AUTH}` },
  bext01: { status: 420, why: 'unknown Require options (§8.2.2.3)', headers: { Unsupported: 'nothingSupportsThis, nothingSupportsThisEither' } },
  invut: { status: 415, why: 'unknown Content-Type (§8.2.3)', headers: { Accept: 'application/sdp, multipart/mixed, application/dtmf-relay, text/plain' } },
  regaut01: { status: 401, why: 'unknown Authorization scheme: challenged (RFC 4475 §3.3.7)' },
  multi01: { status: 400, why: 'several values in single-valued headers' },
  mcl01: { status: 400, why: 'several Content-Length values' },
  bcast: { drop: 'a response (its second Via is the broadcast address): never answered, never forwarded' },
  zeromf: { status: 200, why: 'Max-Forwards 0 on OPTIONS to the server itself: answered, not 483 (RFC 4475 §3.3.11)' },
  cparam01: { status: 401, why: `REGISTER with a Contact header parameter; ${ANSWERED_BY_AUTH}` },
  cparam02: { status: 401, why: `REGISTER with a Contact URI parameter; ${ANSWERED_BY_AUTH}` },
  regescrt: { status: 401, why: `REGISTER with an escaped header in the Contact URI; ${ANSWERED_BY_AUTH}` },
  sdp01: { status: 401, why: `INVITE whose Accept excludes SDP; ${ANSWERED_BY_AUTH} (no body, so nothing unacceptable is sent)` },
  inv2543: { status: 401, why: `RFC 2543 INVITE; ${ANSWERED_BY_AUTH}` },
};

/** The top Via's sent-by (through folding and odd whitespace, RFC 4475 wsinv) with its optional port. */
const TOP_VIA = /^((?:v|via)[ \t]*:[ \t]*SIP[ \t\r\n]*\/[ \t\r\n]*\d\.\d[ \t\r\n]*\/[ \t\r\n]*[A-Za-z]+[ \t\r\n]+)([^\s;:,]+)(:\d+)?/im;

/** The message with the port of its top Via's sent-by replaced by (or set to) `port` — nothing else changed. */
export function withViaPort(raw: Buffer, port: number): Buffer {
  const text = raw.toString('latin1');
  const headEnd = text.indexOf('\r\n\r\n');
  const head = headEnd < 0 ? text : text.slice(0, headEnd);
  const m = TOP_VIA.exec(head);
  if (!m) throw new Error('no top Via sent-by found');
  const at = m.index + m[1]!.length + m[2]!.length;
  return Buffer.concat([raw.subarray(0, at), Buffer.from(`:${port}`, 'latin1'), raw.subarray(at + (m[3]?.length ?? 0))]);
}

/** The header section with folded lines joined (§7.3.1). */
const unfolded = (raw: string): string => raw.slice(0, Math.max(0, raw.indexOf('\r\n\r\n'))).replace(/\r\n[ \t]+/g, ' ');
const callIdOf = (raw: string): string | null => /^(?:call-id|i)[ \t]*:[ \t]*(\S+)/im.exec(unfolded(raw))?.[1] ?? null;
const cseqOf = (raw: string): string | null => /^cseq[ \t]*:[ \t]*(\d+[ \t]+\S+)/im.exec(unfolded(raw))?.[1]?.replace(/[ \t]+/, ' ') ?? null;

/** The branch of the top Via value (through its folded lines, up to the first comma), or null. */
function topBranchOf(raw: string): string | null {
  const m = TOP_VIA.exec(raw);
  if (!m) return null;
  const rest = raw.slice(m.index);
  const end = rest.search(/\r\n(?![ \t])/);
  const value = (end < 0 ? rest : rest.slice(0, end)).split(',')[0]!;
  return /;[ \t]*branch[ \t]*=[ \t]*([^;,\s]+)/i.exec(value)?.[1] ?? null;
}

/** Messages whose To does not parse (the stateless 400 copies it as written: no tag can be added) or is missing. */
const BROKEN_TO = new Set(['badaspec', 'baddn', 'quotbal', 'insuf']);

let s: SipTestServer;
const clients: SipClient[] = [];

before(async () => {
  s = await startSipServer();
});
after(async () => {
  for (const c of clients) await c.close();
  await s?.close();
});

test('withViaPort changes only the top Via\'s port, also through folding', () => {
  const folded = Buffer.from('INVITE sip:a@b SIP/2.0\r\nVia  : SIP  /   2.0\r\n  /UDP\r\n    192.0.2.2;branch=390skdjuw\r\nv: SIP/2.0/TCP x.example.com:5062\r\n\r\n', 'latin1');
  assert.equal(withViaPort(folded, 4000).toString('latin1'), 'INVITE sip:a@b SIP/2.0\r\nVia  : SIP  /   2.0\r\n  /UDP\r\n    192.0.2.2:4000;branch=390skdjuw\r\nv: SIP/2.0/TCP x.example.com:5062\r\n\r\n');
  assert.equal(topBranchOf(folded.toString('latin1')), '390skdjuw');
  const withPort = Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKx;rport\r\n\r\nbody', 'latin1');
  assert.equal(withViaPort(withPort, 4001).toString('latin1'), 'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:4001;branch=z9hG4bKx;rport\r\n\r\nbody');
  assert.equal(topBranchOf('INVITE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP sip33.example.com\r\nVia: SIP/2.0/TCP a.example.com;branch=z9hG4bKlater\r\n\r\n'), null);
});

/**
 * Each message is sent from a socket of its own, so its (rewritten) sent-by port is its own: several
 * RFC 4475 messages share a branch, a sent-by host and a method (cparam01/cparam02, escnull/regescrt,
 * novelsc/unkscm), and from one port the server would rightly take the second for a retransmission
 * of the first (§17.2.3) and resend the first one's answer. Everything a socket receives is the
 * answer to its one message.
 */
test('each of the 49 RFC 4475 messages gets exactly the answer its INDEX entry expects, or none', { timeout: 120_000 }, async () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.dat')).sort();
  assert.equal(files.length, 49);
  assert.deepEqual(files.map((f) => f.slice(0, -4)).sort(), Object.keys(EXPECT).sort(), 'every message has an expectation');

  const failures: string[] = [];
  const sentFrom = new Map<string, { c: SipClient; text: string }>();
  for (const f of files) {
    const name = f.slice(0, -4);
    const original = fs.readFileSync(new URL(f, DIR));
    const text = original.toString('latin1');
    const isResponse = text.startsWith('SIP/2.0 ');
    const e = EXPECT[name]!;
    const c = await openClient('UDP', { host: '127.0.0.1', port: s.udpPort });
    clients.push(c);
    sentFrom.set(name, { c, text });
    c.send(isResponse || name === 'badinv01' ? original : withViaPort(original, c.local.port));
    if ('drop' in e) continue; // checked after all messages (a late answer would still be caught)
    let answer: SipMsg;
    try {
      answer = await c.next((m) => m.status !== null && m.status >= 200, 5000);
    } catch (err) {
      failures.push(`${name}: expected ${e.status} (${e.why}); ${(err as Error).message.split('\n')[0]}`);
      continue;
    }
    if (answer.status !== e.status) {
      failures.push(`${name}: expected ${e.status} (${e.why}), got "${answer.firstLine}" ${answer.header('Warning') ?? ''}`);
      continue;
    }
    // §8.2.6.2: the answer echoes the request's Call-ID, CSeq and top Via (branch, with received, §18.2.1),
    // and its To carries a tag.
    if (answer.header('Call-ID') !== (callIdOf(text) ?? undefined)) failures.push(`${name}: Call-ID ${answer.header('Call-ID')}`);
    const reqCseq = cseqOf(text);
    if (answer.header('CSeq')?.replace(/\s+/, ' ') !== (reqCseq ?? undefined)) failures.push(`${name}: CSeq ${answer.header('CSeq')} ≠ ${reqCseq}`);
    if (param(answer.header('Via'), 'branch') !== (topBranchOf(text) ?? undefined)) failures.push(`${name}: Via branch of ${answer.header('Via')} ≠ ${topBranchOf(text)}`);
    if (param(answer.header('Via'), 'received') !== '127.0.0.1') failures.push(`${name}: top Via without received=127.0.0.1: ${answer.header('Via')}`);
    if (!BROKEN_TO.has(name) && param(answer.header('To'), 'tag') === undefined) failures.push(`${name}: To without tag: ${answer.header('To')}`);
    for (const [h, v] of Object.entries(e.headers ?? {})) if (answer.header(h) !== v) failures.push(`${name}: ${h} "${answer.header(h)}" ≠ "${v}"`);
  }

  // The server still answers at once after all of them.
  const probe = await openClient('UDP', { host: '127.0.0.1', port: s.udpPort });
  clients.push(probe);
  probe.send([
    'OPTIONS sip:tandem@127.0.0.1 SIP/2.0', `Via: SIP/2.0/UDP 127.0.0.1:${probe.local.port};rport;branch=z9hG4bK-alive`, 'Max-Forwards: 70',
    'From: <sip:probe@example.com>;tag=1', 'To: <sip:tandem@127.0.0.1>', 'Call-ID: alive-1', 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', '',
  ].join('\r\n'));
  const alive = await probe.next((m) => m.header('Call-ID') === 'alive-1', 5000);
  assert.equal(alive.status, 200);
  assert.equal(alive.header('Allow'), 'INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, UPDATE, INFO');

  // Late answers: give a dropped message's answer time to show up (the last one was sent just now).
  await new Promise((r) => setTimeout(r, 1500));
  const finals = new Map<string, number[]>();
  for (const [name, { c, text }] of sentFrom) {
    for (const m of c.received) {
      if (m.status === null) failures.push(`${name}: the server sent a request: ${m.firstLine}`);
      else if (m.header('Call-ID') !== (callIdOf(text) ?? undefined)) failures.push(`${name}: an answer of another message: ${m.firstLine} Call-ID ${m.header('Call-ID')}`);
      else if (m.status >= 200) finals.set(name, [...(finals.get(name) ?? []), m.status]);
    }
  }
  for (const [name, e] of Object.entries(EXPECT)) {
    const statuses = [...new Set(finals.get(name) ?? [])];
    if ('drop' in e) {
      if (sentFrom.get(name)!.c.received.length > 0) failures.push(`${name}: must get no answer (${e.drop}), got ${sentFrom.get(name)!.c.received.map((m) => m.firstLine).join(', ')}`);
    } else if (statuses.length !== 1 || statuses[0] !== e.status) {
      // A retransmitted final answer must be the same one (§17.2.1 Timer G resends the last response).
      failures.push(`${name}: every final answer must be ${e.status}, got ${statuses.join(', ') || 'none'}`);
    }
  }
  assert.deepEqual(failures, []);
  // dblreq: one request was read from its datagram and answered once; its trailing octets got nothing.
  assert.deepEqual(finals.get('dblreq'), [401]);
});
