/**
 * The STUN server side of SIP outbound's UDP keep-alive (RFC 5626 §4.4.1, §8.4): a phone keeps its flow
 * and NAT pinhole alive with STUN Binding requests (RFC 5389) sent to the SIP port, and the server answers
 * each with a Binding success response whose XOR-MAPPED-ADDRESS is the request's source as the server saw
 * it, so the phone learns its NAT binding (a changed binding means the flow failed, RFC 5626 §4.4.1).
 *
 * Only what that usage needs, written by hand: recognising a STUN message (RFC 5389 §6, §7.3), answering
 * a Binding request (§7.3.1, §15.2) — with FINGERPRINT (§15.5) when the request carried one — and a 420
 * for comprehension-required attributes this server does not process (§7.3.1, §15.6, §15.9): no
 * authentication (none is used by the RFC 5626 usage), no other methods. Everything else that looks like
 * STUN (indications, responses, other methods, malformed attributes, a bad FINGERPRINT) is dropped
 * silently (§7.3). A SIP message cannot be taken for STUN: SIP starts with an ASCII letter (RFC 3261 §7),
 * a STUN message with two zero bits (its first byte is 0x00 or 0x01 for every defined method), and it
 * must also carry the magic cookie at bytes 4–7.
 */
import { isIP } from 'node:net';
import { crc32 } from 'node:zlib';

/** RFC 5389 §6: the fixed value at bytes 4–7 of every STUN message. */
export const MAGIC_COOKIE = 0x2112a442;
const HEADER_BYTES = 20;
// §18.1 / §6: message types (method Binding = 0x001; class request 0b00, success 0b10, error 0b11).
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const BINDING_ERROR = 0x0111;
// §18.2: attribute types. Below 0x8000 an attribute is comprehension-required (§15).
const MESSAGE_INTEGRITY = 0x0008;
const ERROR_CODE = 0x0009;
const UNKNOWN_ATTRIBUTES = 0x000a;
const XOR_MAPPED_ADDRESS = 0x0020;
const FINGERPRINT = 0x8028;
/** §15.5: the CRC-32 of a FINGERPRINT is XORed with this ("STUN"). */
const FINGERPRINT_XOR = 0x5354554e;

const padded = (n: number): number => (n + 3) & ~3;

/**
 * RFC 5389 §6 / §7.3: the first two bits are zero, the magic cookie is present, and the header's length
 * (a multiple of 4) is exactly what follows the 20-byte header in the datagram.
 */
export function isStunMessage(buf: Buffer): boolean {
  if (buf.length < HEADER_BYTES || (buf[0]! & 0xc0) !== 0 || buf.readUInt32BE(4) !== MAGIC_COOKIE) return false;
  const length = buf.readUInt16BE(2);
  return length % 4 === 0 && length === buf.length - HEADER_BYTES;
}

/**
 * A datagram that claims to be STUN (two zero bits and the magic cookie) even if malformed: it is STUN's
 * to answer or drop, never SIP's to parse.
 */
export function looksLikeStun(buf: Buffer): boolean {
  return buf.length >= 8 && (buf[0]! & 0xc0) === 0 && buf.readUInt32BE(4) === MAGIC_COOKIE;
}

/**
 * The answer to a STUN datagram from `source` (its address and port as received): a Binding success
 * response for a valid Binding request, a 420 error response when it carries comprehension-required
 * attributes, else null (drop).
 */
export function stunAnswer(buf: Buffer, source: { address: string; port: number }): Buffer | null {
  if (!isStunMessage(buf) || buf.readUInt16BE(0) !== BINDING_REQUEST) return null;
  // §15: walk the attributes (type, length, value padded to 4 bytes), checking that they fill the message.
  const unknown: number[] = [];
  let integrity = false;
  let fingerprint = false;
  for (let off = HEADER_BYTES; off < buf.length;) {
    if (fingerprint || off + 4 > buf.length) return null; // §15.5: FINGERPRINT comes last
    const type = buf.readUInt16BE(off);
    const length = buf.readUInt16BE(off + 2);
    const next = off + 4 + padded(length);
    if (next > buf.length) return null;
    if (type === FINGERPRINT) {
      // §15.5 / §7.3: CRC-32 of the message up to this attribute, XOR 0x5354554e; a wrong one is dropped.
      if (length !== 4 || buf.readUInt32BE(off + 4) !== (crc32(buf.subarray(0, off)) ^ FINGERPRINT_XOR) >>> 0) return null;
      fingerprint = true;
    } else if (!integrity && type < 0x8000 && !unknown.includes(type)) {
      unknown.push(type); // §15.4: after MESSAGE-INTEGRITY only FINGERPRINT counts
    }
    if (type === MESSAGE_INTEGRITY) integrity = true;
    off = next;
  }
  const txid = buf.subarray(8, HEADER_BYTES);
  if (unknown.length > 0) {
    // §7.3.1, §15.6, §15.9: 420 (Unknown Attribute) listing them.
    const reason = Buffer.from('Unknown Attribute', 'utf8');
    const list = Buffer.alloc(unknown.length * 2);
    unknown.forEach((t, i) => list.writeUInt16BE(t, i * 2));
    return message(BINDING_ERROR, txid, [[ERROR_CODE, Buffer.concat([Buffer.from([0, 0, 4, 20]), reason])], [UNKNOWN_ATTRIBUTES, list]], fingerprint);
  }
  const mapped = xorMappedAddress(source, txid);
  return mapped ? message(BINDING_SUCCESS, txid, [[XOR_MAPPED_ADDRESS, mapped]], fingerprint) : null;
}

/**
 * §15.2 XOR-MAPPED-ADDRESS value: 0x00, family (0x01 IPv4, 0x02 IPv6), the port XOR the cookie's top 16
 * bits, and the address XOR the cookie (IPv4) or the cookie followed by the transaction id (IPv6).
 */
function xorMappedAddress(source: { address: string; port: number }, txid: Buffer): Buffer | null {
  const address = source.address.replace(/%.*$/, ''); // an IPv6 zone id is not part of the address
  const family = isIP(address);
  const ip = family === 4 ? Buffer.from(address.split('.').map(Number)) : family === 6 ? ipv6Bytes(address) : null;
  if (!ip) return null;
  const key = Buffer.alloc(16);
  key.writeUInt32BE(MAGIC_COOKIE, 0);
  txid.copy(key, 4);
  const out = Buffer.alloc(4 + ip.length);
  out[1] = family === 4 ? 0x01 : 0x02;
  out.writeUInt16BE((source.port ^ (MAGIC_COOKIE >>> 16)) & 0xffff, 2);
  for (let i = 0; i < ip.length; i++) out[4 + i] = ip[i]! ^ key[i]!;
  return out;
}

/** The 16 bytes of a valid IPv6 address in text form (RFC 4291 §2.2, `::` and a trailing dotted quad). */
function ipv6Bytes(text: string): Buffer {
  const words = (part: string): number[] => (part === '' ? [] : part.split(':').flatMap((w) => {
    if (!w.includes('.')) return [parseInt(w, 16)];
    const [a, b, c, d] = w.split('.').map(Number) as [number, number, number, number];
    return [(a << 8) | b, (c << 8) | d];
  }));
  const gap = text.indexOf('::');
  const head = words(gap < 0 ? text : text.slice(0, gap));
  const tail = gap < 0 ? [] : words(text.slice(gap + 2));
  const all = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  const out = Buffer.alloc(16);
  all.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  return out;
}

/** §6 header and §15 attributes (each padded to 4 bytes with zeros), then FINGERPRINT if asked (§15.5). */
function message(type: number, txid: Buffer, attrs: [number, Buffer][], withFingerprint: boolean): Buffer {
  const body = Buffer.concat(attrs.map(([t, v]) => {
    const a = Buffer.alloc(4 + padded(v.length));
    a.writeUInt16BE(t, 0);
    a.writeUInt16BE(v.length, 2);
    v.copy(a, 4);
    return a;
  }));
  const out = Buffer.alloc(HEADER_BYTES + body.length + (withFingerprint ? 8 : 0));
  out.writeUInt16BE(type, 0);
  out.writeUInt16BE(out.length - HEADER_BYTES, 2); // the length already counts FINGERPRINT (§15.5)
  out.writeUInt32BE(MAGIC_COOKIE, 4);
  txid.copy(out, 8);
  body.copy(out, HEADER_BYTES);
  if (withFingerprint) {
    const at = HEADER_BYTES + body.length;
    out.writeUInt16BE(FINGERPRINT, at);
    out.writeUInt16BE(4, at + 2);
    out.writeUInt32BE((crc32(out.subarray(0, at)) ^ FINGERPRINT_XOR) >>> 0, at + 4);
  }
  return out;
}
