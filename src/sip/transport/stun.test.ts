/**
 * The STUN answer to RFC 5626 §4.4.1 keep-alives (./stun.ts): exact bytes of Binding success responses
 * (XOR-MAPPED-ADDRESS as in the RFC 5769 §2.2 / §2.3 test vectors), FINGERPRINT computed by an
 * independent CRC-32 checked against the RFC 5769 vectors, the 420 for comprehension-required
 * attributes, what is dropped; then through a TransportLayer on real sockets (UDP answered from the SIP
 * socket, banned sources and TCP not).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { TransportLayer } from './layer.ts';
import { isStunMessage, looksLikeStun, stunAnswer } from './stun.ts';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

/** CRC-32 (ISO-HDLC, reflected 0xEDB88320), bit by bit: independent of the module's zlib.crc32. */
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}
/** RFC 5389 §15.5: the FINGERPRINT value of a message whose FINGERPRINT attribute starts at `at`. */
const fingerprintOf = (msg: Buffer, at: number): number => (crc32(msg.subarray(0, at)) ^ 0x5354554e) >>> 0;

// RFC 5769 §2.1 sample request (SOFTWARE, PRIORITY, ICE-CONTROLLED, USERNAME, MESSAGE-INTEGRITY, FINGERPRINT).
const RFC5769_REQUEST = hex(`
  00010058 2112a442 b7e7a701 bc34d686 fa87dfae
  80220010 5354554e 20746573 7420636c 69656e74
  00240004 6e0001ff
  80290008 932ff9b1 51263b36
  00060009 6576746a 3a683676 59202020
  00080014 9aeaa70c bfd8cb56 781ef2b5 b2d3f249 c1b571a2
  80280004 e57a3bcf`);
// RFC 5769 §2.2 and §2.3 sample responses (only for their FINGERPRINTs and XOR-MAPPED-ADDRESS bytes).
const RFC5769_RESPONSE_V4 = hex(`
  0101003c 2112a442 b7e7a701 bc34d686 fa87dfae
  8022000b 74657374 20766563 746f7220
  00200008 0001a147 e112a643
  00080014 2b91f599 fd9e90c3 8c7489f9 2af9ba53 f06be7d7
  80280004 c07d4c96`);
const RFC5769_RESPONSE_V6 = hex(`
  01010048 2112a442 b7e7a701 bc34d686 fa87dfae
  8022000b 74657374 20766563 746f7220
  00200014 0002a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9
  00080014 a382954e 4be67bf1 1784c97c 8292c275 bfe3ed41
  80280004 c8fb0b4c`);

const TXID = 'b7e7a701 bc34d686 fa87dfae'; // the RFC 5769 transaction id
const BINDING = hex(`00010000 2112a442 ${TXID}`);
const V4 = { address: '192.0.2.1', port: 32853 }; // RFC 5769 §2.2
const V6 = { address: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 }; // RFC 5769 §2.3

test('the test\'s own CRC-32 reproduces the FINGERPRINTs of the RFC 5769 vectors', () => {
  for (const m of [RFC5769_REQUEST, RFC5769_RESPONSE_V4, RFC5769_RESPONSE_V6]) {
    assert.equal(fingerprintOf(m, m.length - 8), m.readUInt32BE(m.length - 4));
  }
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926); // the CRC-32 check value
});

test('RFC 5389 §7.3.1 / §15.2: a Binding request from an IPv4 source → success response, XOR-MAPPED-ADDRESS of RFC 5769 §2.2', () => {
  assert.deepEqual(stunAnswer(BINDING, V4), hex(`
    0101000c 2112a442 ${TXID}
    00200008 0001a147 e112a643`));
  // the attribute is byte for byte the one of the RFC's sample response
  assert.ok(RFC5769_RESPONSE_V4.includes(hex('00200008 0001a147 e112a643')));
});

test('§15.2: from an IPv6 source the address is XORed with the cookie and the transaction id (RFC 5769 §2.3)', () => {
  const xma = hex('00200014 0002a147 0113a9fa a5d3f179 bc25f4b5 bed2b9d9');
  assert.ok(RFC5769_RESPONSE_V6.includes(xma));
  assert.deepEqual(stunAnswer(BINDING, V6), Buffer.concat([hex(`01010018 2112a442 ${TXID}`), xma]));
  // compressed forms: ::1 port 5060 (0x13c4 ^ 0x2112 = 0x32d6; only the last byte of the key changes)
  assert.deepEqual(stunAnswer(BINDING, { address: '::1', port: 5060 }), hex(`
    01010018 2112a442 ${TXID}
    00200014 000232d6 2112a442 b7e7a701 bc34d686 fa87dfaf`));
  // the same address in full and compressed spelling, and with a zone id, gives the same bytes
  assert.deepEqual(stunAnswer(BINDING, { address: '2001:db8:1234:5678:11:2233:4455:6677%eth0', port: 32853 }), stunAnswer(BINDING, V6));
  assert.deepEqual(stunAnswer(BINDING, { address: '2001:0db8:0000:0000:0000:0000:0000:0001', port: 9 }), stunAnswer(BINDING, { address: '2001:db8::1', port: 9 }));
  // an embedded dotted quad: ::ffff:192.0.2.1 → ...ffff c0000201
  assert.deepEqual(stunAnswer(BINDING, { address: '::ffff:192.0.2.1', port: 32853 })!.subarray(20), hex(`
    00200014 0002a147 2112a442 b7e7a701 bc342979 3a87ddaf`));
});

test('§15.5: a request with FINGERPRINT gets a response with FINGERPRINT (CRC-32 XOR 0x5354554e, length counting it)', () => {
  const req = Buffer.concat([hex(`00010008 2112a442 ${TXID}`), hex('80280004 00000000')]);
  req.writeUInt32BE(fingerprintOf(req, 20), 24);
  const res = stunAnswer(req, V4)!;
  const expected = Buffer.concat([hex(`01010014 2112a442 ${TXID} 00200008 0001a147 e112a643`), hex('80280004 00000000')]);
  expected.writeUInt32BE(fingerprintOf(expected, 32), 36);
  assert.deepEqual(res, expected);
  // with comprehension-optional attributes before it (SOFTWARE), still a success
  const sw = Buffer.concat([hex(`00010014 2112a442 ${TXID}`), hex('80220005 70686f6e 65000000'), hex('80280004 00000000')]);
  sw.writeUInt32BE(fingerprintOf(sw, 32), 36);
  assert.deepEqual(stunAnswer(sw, V4), expected);
  // a wrong FINGERPRINT, a FINGERPRINT of the wrong length, or an attribute after FINGERPRINT: dropped
  const bad = Buffer.from(req);
  bad[27]! ^= 1;
  assert.equal(stunAnswer(bad, V4), null);
  const long = Buffer.concat([hex(`0001000c 2112a442 ${TXID}`), hex('80280008 00000000 00000000')]);
  assert.equal(stunAnswer(long, V4), null);
  const after = Buffer.concat([hex(`00010010 2112a442 ${TXID}`), req.subarray(20), hex('80220004 61626364')]);
  after.writeUInt32BE(fingerprintOf(after, 20), 24);
  assert.equal(stunAnswer(after, V4), null);
});

test('§7.3.1: comprehension-required attributes this server does not process → 420 with UNKNOWN-ATTRIBUTES (RFC 5769 §2.1 request)', () => {
  const res = stunAnswer(RFC5769_REQUEST, V4)!;
  // PRIORITY, USERNAME and MESSAGE-INTEGRITY are required (< 0x8000); SOFTWARE and ICE-CONTROLLED are not
  const expected = Buffer.concat([
    hex(`01110030 2112a442 ${TXID}`),
    hex('00090015 00000414'), Buffer.from('Unknown Attribute'), hex('000000'),
    hex('000a0006 00240006 00080000'),
    hex('80280004 00000000'),
  ]);
  expected.writeUInt32BE(fingerprintOf(expected, 60), 64);
  assert.deepEqual(res, expected);
});

test('§7.3: not answered — other classes and methods, malformed, too short, wrong cookie, SIP text', () => {
  const variants: [string, Buffer][] = [
    ['Binding indication', hex(`00110000 2112a442 ${TXID}`)],
    ['Binding success response', hex(`01010000 2112a442 ${TXID}`)],
    ['Binding error response', hex(`01110000 2112a442 ${TXID}`)],
    ['Allocate request (RFC 5766)', hex(`00030000 2112a442 ${TXID}`)],
    ['wrong magic cookie (RFC 3489 style)', hex(`00010000 2112a443 ${TXID}`)],
    ['first two bits set', hex(`c0010000 2112a442 ${TXID}`)],
    ['too short', hex(`00010000 2112a442 b7e7a701 bc34d686 fa87df`)],
    ['length larger than the datagram', hex(`00010004 2112a442 ${TXID}`)],
    ['length smaller than the datagram', hex(`00010000 2112a442 ${TXID} 80220000`)],
    ['length not a multiple of 4', hex(`00010002 2112a442 ${TXID} 0000`)],
    ['attribute overrunning the message', hex(`00010008 2112a442 ${TXID} 80220008 61626364`)],
    ['SIP request', Buffer.from('OPTIONS sip:tandem.invalid SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1\r\n\r\n')],
    ['SIP response', Buffer.from('SIP/2.0 200 OK\r\n\r\n')],
    ['CRLF CRLF', Buffer.from('\r\n\r\n')],
    ['empty', Buffer.alloc(0)],
  ];
  for (const [what, buf] of variants) assert.equal(stunAnswer(buf, V4), null, what);
  // SIP and CRLF are never taken for STUN, not even for a malformed one
  for (const text of ['OPTIONS sip:x SIP/2.0\r\n\r\n', 'SIP/2.0 200 OK\r\n\r\n', '\r\n\r\n', '\r\n\r\n\r\n\r\n\r\n\r\n']) {
    assert.equal(looksLikeStun(Buffer.from(text)), false, text);
    assert.equal(isStunMessage(Buffer.from(text)), false, text);
  }
  assert.equal(looksLikeStun(BINDING), true);
  assert.equal(looksLikeStun(hex(`00010004 2112a442 ${TXID}`)), true, 'malformed STUN is still STUN’s to drop');
  assert.equal(isStunMessage(hex(`00010004 2112a442 ${TXID}`)), false);
});

/** A raw UDP socket on `host` collecting datagrams. */
async function rawUdp(host: string) {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, host, () => r()));
  const got: Buffer[] = [];
  sock.on('message', (m) => got.push(m));
  return {
    port: sock.address().port,
    got,
    send: (buf: Buffer, port: number) => new Promise<void>((r) => sock.send(buf, port, '127.0.0.1', () => r())),
    close: () => sock.close(),
  };
}
const until = async (cond: () => boolean, ms = 3000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

test('transport layer: a STUN Binding request on the UDP port is answered from that socket; a banned source gets nothing; TCP gets no STUN answer', async () => {
  // 127.0.0.2 is refused (a banned address), 127.0.0.1 admitted (both loopback on Linux)
  const layer = new TransportLayer({ udp: { host: '0.0.0.0', port: 0 }, tcp: { host: '127.0.0.1', port: 0 }, accept: (a) => a !== '127.0.0.2' });
  await layer.start();
  const received: unknown[] = [];
  layer.setReceiver((m) => received.push(m));
  const bad = await rawUdp('127.0.0.2');
  const good = await rawUdp('127.0.0.1');
  try {
    const port = layer.address('UDP')!.port;
    await bad.send(BINDING, port);
    await good.send(BINDING, port);
    await until(() => good.got.length === 1);
    const res = good.got[0]!;
    assert.equal(res.readUInt16BE(0), 0x0101);
    assert.deepEqual(res.subarray(8, 20), BINDING.subarray(8, 20));
    // XOR-MAPPED-ADDRESS decodes to the socket's own address and port
    assert.deepEqual(res.subarray(20, 26), hex('00200008 0001'));
    assert.equal(res.readUInt16BE(26) ^ 0x2112, good.port);
    assert.equal([...res.subarray(28, 32)].map((b, i) => b ^ [0x21, 0x12, 0xa4, 0x42][i]!).join('.'), '127.0.0.1');
    // the banned datagram was sent first: had it been answered, its answer would have come by now
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(bad.got, []);
    assert.deepEqual(received, [], 'STUN never reaches the SIP receiver');

    // TCP: STUN is not the keep-alive there (CRLF CRLF is); no STUN answer on the stream
    const sock = net.connect(layer.address('TCP')!.port, '127.0.0.1');
    const data: Buffer[] = [];
    sock.on('data', (d) => data.push(d));
    sock.on('error', () => {});
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write(BINDING);
    await new Promise((r) => setTimeout(r, 300));
    sock.destroy();
    assert.deepEqual(data, []);
  } finally {
    bad.close();
    good.close();
    await layer.stop();
  }
});
