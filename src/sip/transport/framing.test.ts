import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamFramer } from './framing.ts';

const A = 'OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nContent-Length: 5\r\n\r\nhello';
const B = 'SIP/2.0 200 OK\r\nl: 3\r\nVia: SIP/2.0/TCP h\r\n\r\nabc';
const C = 'BYE sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h\r\n\r\n'; // no Content-Length: 0

function run(chunks: Array<string | Buffer>, max = 65535) {
  const framer = new StreamFramer(max);
  const messages: string[] = [];
  let pings = 0;
  let error: string | null = null;
  for (const c of chunks) {
    error = framer.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c, {
      message: (b) => messages.push(b.toString('latin1')),
      ping: () => pings++,
    });
    if (error) break;
  }
  return { messages, pings, error, buffered: framer.buffered };
}

test('frames by the empty line plus Content-Length (RFC 3261 §18.3), compact form included', () => {
  const r = run([A + B + C]);
  assert.deepEqual(r.messages, [A, B, C]);
  assert.equal(r.error, null);
  assert.equal(r.buffered, 0);
});

test('messages split at every byte are reassembled', () => {
  const all = A + B + '\r\n\r\n' + C;
  const r = run([...all].map((ch) => ch));
  assert.deepEqual(r.messages, [A, B, C]);
  assert.equal(r.pings, 1);
  assert.equal(r.buffered, 0);
});

test('keep-alive (RFC 5626 §3.5.1): each double CRLF is a ping; a lone CRLF before a message is skipped', () => {
  assert.equal(run(['\r\n\r\n\r\n\r\n']).pings, 2);
  const r = run(['\r\n', '\r\n', '\r\n' + A]);
  assert.equal(r.pings, 1);
  assert.deepEqual(r.messages, [A]);
  const partial = run(['\r\n\r']);
  assert.equal(partial.pings, 0);
  assert.equal(partial.buffered, 3, 'a possible ping prefix waits for more');
});

test('a body that arrives later is waited for', () => {
  const head = A.slice(0, A.length - 5);
  const r = run([head, 'hel', 'lo' + C.slice(0, 10)]);
  assert.deepEqual(r.messages, [A]);
  assert.equal(r.buffered, 10);
});

test('framing errors: unreadable, conflicting or oversized Content-Length, endless header section', () => {
  assert.match(run(['INVITE x SIP/2.0\r\nContent-Length: -1\r\n\r\n']).error!, /unreadable Content-Length/);
  assert.match(run(['INVITE x SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\nab']).error!, /conflicting/);
  assert.match(run(['INVITE x SIP/2.0\r\nContent-Length: 5000\r\n\r\n'], 1000).error!, /over the limit/);
  assert.match(run(['INVITE x SIP/2.0\r\n' + 'X-A: b\r\n'.repeat(200)], 1000).error!, /larger than the message size limit/);
  assert.match(run(['\rX']).error!, /bare CR/);
  // repeated equal values are harmless
  assert.equal(run(['INVITE x SIP/2.0\r\nContent-Length: 2\r\nl: 2\r\n\r\nab']).messages.length, 1);
});

test('drip-fed input costs linear work: a 60 KB message one byte at a time', () => {
  const body = 'x'.repeat(60_000);
  const big = `MESSAGE sip:a@b SIP/2.0\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
  const bytes = Buffer.from(big + A, 'latin1');
  const framer = new StreamFramer(65535);
  const out: Buffer[] = [];
  const sink = { message: (b: Buffer) => out.push(b), ping: () => {} };
  for (let i = 0; i < bytes.length; i++) assert.equal(framer.push(bytes.subarray(i, i + 1), sink), null);
  assert.equal(out.length, 2);
  assert.equal(out[0]!.toString('latin1'), big);
  assert.equal(out[1]!.toString('latin1'), A);
  assert.equal(framer.buffered, 0);
});

test('a pending partial then a chunk holding its end and more messages', () => {
  const r = run([A.slice(0, 20), A.slice(20) + B + C.slice(0, 5), C.slice(5)]);
  assert.deepEqual(r.messages, [A, B, C]);
  assert.equal(r.buffered, 0);
});
