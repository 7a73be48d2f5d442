/**
 * SIP message serializer (RFC 3261 §7): start line, the header lines of `msg.headers` in order (the
 * header list is authoritative; msg.via/from/to/… are derived views and are not consulted), a
 * Content-Length equal to the body length (§20.14; it replaces any given, at the position of the first
 * one, or is appended), the empty line, the body.
 *
 * It refuses (TypeError) what would produce a different message on the wire than the one described: a CR
 * or LF in a header value or reason phrase (header injection), a method or header name that is not a
 * token, a status code outside 100–699.
 */
import { C_TOKEN, scan } from './chars.js';
import type { SipMessage } from './types.js';
import { formatUri } from './uri.js';

export function serializeMessage(msg: SipMessage): Buffer {
  const body = msg.body;
  let head: string;
  if (msg.kind === 'request') {
    if (!isToken(msg.method)) throw new TypeError(`SIP method is not a token: ${JSON.stringify(msg.method)}`);
    const uri = formatUri(msg.uri);
    if (hasLineBreakOrSpace(uri)) throw new TypeError('Request-URI contains white space');
    head = msg.method + ' ' + uri + ' SIP/2.0\r\n';
  } else {
    const s = msg.status;
    if (!Number.isInteger(s) || s < 100 || s > 699) throw new TypeError(`SIP status out of range: ${s}`);
    if (hasLineBreak(msg.reason)) throw new TypeError('reason phrase contains CR or LF');
    head = 'SIP/2.0 ' + s + ' ' + msg.reason + '\r\n';
  }
  let contentLengthWritten = false;
  for (const [name, value] of msg.headers.entries()) {
    if (name === 'Content-Length') {
      if (!contentLengthWritten) {
        head += 'Content-Length: ' + body.length + '\r\n';
        contentLengthWritten = true;
      }
      continue;
    }
    if (!isToken(name)) throw new TypeError(`header name is not a token: ${JSON.stringify(name)}`);
    if (hasLineBreak(value)) throw new TypeError(`${name} header value contains CR or LF`);
    head += name + ': ' + value + '\r\n';
  }
  if (!contentLengthWritten) head += 'Content-Length: ' + body.length + '\r\n';
  head += '\r\n';
  const headLength = Buffer.byteLength(head, 'utf8');
  const out = Buffer.allocUnsafe(headLength + body.length);
  out.write(head, 0, headLength, 'utf8');
  body.copy(out, headLength);
  return out;
}

function isToken(s: string): boolean {
  return s.length > 0 && scan(s, 0, C_TOKEN) === s.length;
}

function hasLineBreak(s: string): boolean {
  return s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0;
}

function hasLineBreakOrSpace(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20) return true;
  }
  return false;
}
