/**
 * Property-based fuzzing of the SIP message layer (fast-check). For random bytes, mutated corpus messages
 * (byte flips, truncations, insertions, huge repeats) and SIP-flavoured random header values:
 * - parseMessage returns a message or throws SipParseError — never another exception;
 * - no input takes more than a second (re-measured twice before failing, so a GC pause or a busy CPU does
 *   not fail the run; only a consistently slow input does);
 * - whatever parses round-trips: parse(serialize(m)) deep-equals m (except rawUri, which the serializer
 *   rebuilds from m.uri, and Content-Length, which the serializer always writes in canonical form).
 * Runs are bounded (2,000 cases per property) so the file takes a few seconds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import fc from 'fast-check';
import {
  parseContact, parseCSeq, parseMediaType, parseNameAddr, parseNameAddrList, parseParams, parseVia, splitHeaderValues,
} from './headers-parse.ts';
import { parseMessage } from './parser.ts';
import { serializeMessage } from './serialize.ts';
import { SipParseError, type SipMessage } from './types.ts';
import { formatUri, parseUri } from './uri.ts';

const RUNS = 2000;
// A hang guard, not a speed test: linear parsing of ≤ 64 KiB takes well under a millisecond, and a
// backtracking blow-up takes seconds; a loaded CI machine stays far below this bound.
const MAX_MS = 1000;
const DIR = new URL('../../../test/fixtures/rfc4475/', import.meta.url);
const CORPUS = fs.readdirSync(DIR).filter((f) => f.endsWith('.dat')).sort().map((f) => fs.readFileSync(new URL(f, DIR)));

/** Parses; checks the outcome kind, the time and the round trip. */
function check(buf: Buffer): void {
  const t0 = performance.now();
  let m: SipMessage | null = null;
  try {
    m = parseMessage(buf);
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
  }
  const ms = performance.now() - t0;
  if (ms > MAX_MS) {
    const again = Math.min(timed(buf), timed(buf));
    assert.ok(again <= MAX_MS, `parse of ${buf.length} bytes took ${again.toFixed(1)} ms`);
  }
  if (m !== null) roundTrip(m);
}

function timed(buf: Buffer): number {
  const t0 = performance.now();
  try {
    parseMessage(buf);
  } catch {
    // outcome checked by the caller
  }
  return performance.now() - t0;
}

function roundTrip(m: SipMessage): void {
  const again = parseMessage(serializeMessage(m));
  // The serializer always writes the true Content-Length in canonical form ("00" becomes "0").
  assert.equal(again.headers.get('Content-Length'), String(m.body.length));
  const given = m.headers.get('Content-Length');
  if (given === undefined) again.headers.delete('Content-Length');
  else again.headers.set('Content-Length', given);
  if (again.kind === 'request' && m.kind === 'request') {
    assert.equal(again.rawUri, formatUri(m.uri));
    again.rawUri = m.rawUri;
  }
  assert.deepStrictEqual(again, m);
}

/** Only SipParseError may escape the header-field parsers. */
function onlyParseErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
  }
}

const corpusMessage = fc.constantFrom(...CORPUS);

type Mutation =
  | { op: 'flip'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; length: number }
  | { op: 'repeat'; at: number; length: number; times: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 32 }) }),
  fc.record({ op: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }), times: fc.integer({ min: 2, max: 5000 }) }),
);

function mutate(buf: Buffer, m: Mutation): Buffer {
  if (buf.length === 0) return buf;
  const at = m.at % buf.length;
  switch (m.op) {
    case 'flip': {
      const out = Buffer.from(buf);
      out[at] = m.value;
      return out;
    }
    case 'truncate':
      return buf.subarray(0, at);
    case 'insert':
      return Buffer.concat([buf.subarray(0, at), m.bytes, buf.subarray(at)]);
    case 'delete':
      return Buffer.concat([buf.subarray(0, at), buf.subarray(at + m.length)]);
    case 'repeat': {
      const piece = buf.subarray(at, at + m.length);
      return Buffer.concat([buf.subarray(0, at), Buffer.alloc(piece.length * m.times, piece), buf.subarray(at)]);
    }
  }
}

// Characters that matter to the SIP grammar, plus some ordinary ones and a little UTF-8.
const SIP_CHARS = [...' \t:;,<>"\\@=%/[]?&.+-_*!~\'()`{}#$', 'a', 'Z', '0', '9', 'é', '\u0000', '\u007f', 'sip:', 'SIP/2.0', 'z9hG4bK', ';tag=', ';branch=', '[::1]'];
const sipText = fc.array(fc.constantFrom(...SIP_CHARS), { maxLength: 60 }).map((a) => a.join(''));

const TEMPLATE = [
  'INVITE sip:bob@example.com SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK74bf9',
  'Max-Forwards: 70',
  'From: "Alice" <sip:alice@example.com>;tag=9fxced76sl',
  'To: <sip:bob@example.com>',
  'Call-ID: 3848276298220188511@atlanta.example.com',
  'CSeq: 1 INVITE',
  'Contact: <sip:alice@192.0.2.1>',
  'Content-Length: 0',
];

test('fuzz: random bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => check(Buffer.from(bytes))), { numRuns: RUNS });
});

test('fuzz: random bytes after a valid start line', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2048 }), (bytes) => {
      check(Buffer.concat([Buffer.from('OPTIONS sip:x@example.com SIP/2.0\r\n'), bytes, Buffer.from('\r\n\r\n')]));
    }),
    { numRuns: RUNS },
  );
});

test('fuzz: mutated corpus messages (flips, truncations, insertions, deletions, huge repeats)', () => {
  fc.assert(
    fc.property(corpusMessage, fc.array(mutation, { minLength: 1, maxLength: 4 }), (buf, ms) => {
      let b: Buffer = buf;
      for (const m of ms) b = mutate(b, m);
      check(b);
    }),
    { numRuns: RUNS },
  );
});

test('fuzz: SIP-flavoured values in every position of a valid INVITE', () => {
  fc.assert(
    fc.property(fc.nat({ max: TEMPLATE.length - 1 }), fc.boolean(), sipText, (line, replaceValue, text) => {
      const lines = [...TEMPLATE];
      const l = lines[line]!;
      const colon = l.indexOf(':');
      lines[line] = line === 0 ? (replaceValue ? `INVITE ${text} SIP/2.0` : text) : replaceValue ? l.slice(0, colon + 2) + text : l + text;
      check(Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'utf8'));
    }),
    { numRuns: RUNS },
  );
});

test('fuzz: header-field parsers throw only SipParseError, and formatUri round-trips', () => {
  fc.assert(
    fc.property(sipText, (s) => {
      for (const f of [parseNameAddr, parseNameAddrList, parseContact, parseVia, parseCSeq, parseMediaType, parseParams, splitHeaderValues]) {
        onlyParseErrors(() => f(s));
      }
      let u;
      try {
        u = parseUri(s);
      } catch (e) {
        if (!(e instanceof SipParseError)) throw e;
        return;
      }
      assert.deepStrictEqual(parseUri(formatUri(u)), u);
    }),
    { numRuns: RUNS },
  );
});

test('worst cases stay linear: long lists, many parameters, deep quoting, at the limits', () => {
  const big = (line: string): Buffer =>
    Buffer.from([...TEMPLATE.filter((l) => !l.startsWith('Content-Length')), line].join('\r\n') + '\r\n\r\n');
  const cases = [
    'Via: ' + 'SIP/2.0/UDP h;branch=z9hG4bK1,'.repeat(260).slice(0, 8180),
    'Route: ' + '<sip:a@b;lr>,'.repeat(620).slice(0, 8180),
    'X-P: ' + ';a'.repeat(4000),
    'X-Q: ' + '"\\"'.repeat(2700),
    'To: ' + '"'.repeat(8000),
    'To: <' + 'sip:'.repeat(2000),
    'From: ' + 'a '.repeat(4000) + '<sip:a@b>',
    'Call-ID: ' + '@'.repeat(8000),
  ];
  for (const c of cases) check(big(c));
  check(Buffer.from('INVITE sip:a@b SIP/2.0\r\n' + 'X: y\r\n'.repeat(10000) + '\r\n'));
  check(Buffer.from('INVITE sip:a@b SIP/2.0\r\n' + 'X: y\r\n'.repeat(300) + '\r\n'));
  check(Buffer.alloc(65535, 'a'));
  check(Buffer.alloc(200000, '\r\n'));
});
