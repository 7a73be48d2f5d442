/**
 * Micro-benchmark of the SIP message parser and serializer: ns per call for a typical INVITE (with SDP)
 * and a typical REGISTER. Prints only; never fails. Run: npx tsx bench/sip/parse.ts
 */
import { parseMessage } from '../../src/sip/message/parser.ts';
import { serializeMessage } from '../../src/sip/message/serialize.ts';

const crlf = (lines: string[]): Buffer => Buffer.from(lines.join('\r\n'), 'utf8');

const sdp = [
  'v=0', 'o=alice 2890844526 2890844526 IN IP4 192.0.2.10', 's=-', 'c=IN IP4 192.0.2.10', 't=0 0',
  'm=audio 49170 RTP/AVP 0 8 101', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000', 'a=sendrecv', '',
].join('\r\n');

const INVITE = crlf([
  'INVITE sip:bob@tenant-a.example.com SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@tenant-a.example.com>',
  'From: "Alice Smith" <sip:alice@tenant-a.example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.tenant-a.example.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@192.0.2.10:5060;transport=udp>',
  'Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE',
  'Supported: replaces, timer',
  'User-Agent: Tandem-bench/1.0',
  'Content-Type: application/sdp',
  `Content-Length: ${Buffer.byteLength(sdp)}`,
  '',
  sdp,
]);

const REGISTER = crlf([
  'REGISTER sip:tenant-a.example.com SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKnashds7;rport',
  'Max-Forwards: 70',
  'To: <sip:alice@tenant-a.example.com>',
  'From: <sip:alice@tenant-a.example.com>;tag=456248',
  'Call-ID: 843817637684230@998sdasdh09',
  'CSeq: 1826 REGISTER',
  'Contact: <sip:alice@192.0.2.10:5060>;expires=3600',
  'Expires: 3600',
  'Content-Length: 0',
  '',
  '',
]);

/** Prints the best of several timed batches: on a shared machine the minimum is the least noisy figure. */
function bench(name: string, fn: () => unknown, perBatch: number, batches = 15): void {
  for (let i = 0; i < 20_000; i++) fn(); // warm-up (JIT)
  let best = Infinity;
  let total = 0;
  for (let b = 0; b < batches; b++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) fn();
    const ns = Number(process.hrtime.bigint() - t0) / perBatch;
    best = Math.min(best, ns);
    total += ns;
  }
  console.log(`${name.padEnd(22)} best ${best.toFixed(0).padStart(6)} ns/op   mean ${(total / batches).toFixed(0).padStart(6)} ns/op`);
}

const invite = parseMessage(INVITE);
const register = parseMessage(REGISTER);
console.log(`INVITE ${INVITE.length} bytes, REGISTER ${REGISTER.length} bytes`);
bench('parse INVITE', () => parseMessage(INVITE), 20_000);
bench('parse REGISTER', () => parseMessage(REGISTER), 20_000);
bench('serialize INVITE', () => serializeMessage(invite), 20_000);
bench('serialize REGISTER', () => serializeMessage(register), 20_000);
