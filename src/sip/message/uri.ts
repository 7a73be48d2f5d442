/**
 * SIP/SIPS URIs (RFC 3261 §19.1, ABNF §25.1) and other absolute URIs (kept opaque, §19.1.6).
 *
 * `parseUri` is strict: every character is checked against the grammar, %-escapes must be `%` HEX HEX,
 * the host is a hostname, an IPv4 address or a bracketed IPv6 reference, the port is at most 65535, and a
 * parameter name appears at most once (§19.1.1). It never unescapes: user, password, parameters and
 * headers keep their escapes as received (compare them with the helpers of the layer that needs to).
 */
import {
  AMP, COLON, C_ALPHA, C_DIGIT, C_HEX, C_HNV, C_HOST, C_PARAM, C_PASSWORD, C_URIC, C_USER, CHARS, EQUAL,
  LBRACKET, PERCENT, QUESTION, SEMI,
} from './chars.js';
import { SipParseError, type OtherUri, type SipUri, type Uri } from './types.js';

function bad(what: string, s: string): never {
  throw new SipParseError(`invalid URI (${what}): ${s.length > 200 ? s.slice(0, 200) + '…' : s}`, 400);
}

export function isSipUri(u: Uri): u is SipUri {
  return (u as SipUri).host !== undefined;
}

/**
 * Index just past a run of characters of `flag` or %-escapes starting at `i`; throws on a bad escape.
 * RFC 3261 §25.1: escaped = "%" HEXDIG HEXDIG.
 */
function scanEscaped(s: string, i: number, end: number, flag: number): number {
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === PERCENT) {
      if (i + 2 >= end) bad('truncated escape', s);
      const h1 = s.charCodeAt(i + 1);
      const h2 = s.charCodeAt(i + 2);
      if (h1 >= 128 || (CHARS[h1]! & C_HEX) === 0 || h2 >= 128 || (CHARS[h2]! & C_HEX) === 0) bad('bad escape', s);
      i += 3;
      continue;
    }
    if (c >= 128 || (CHARS[c]! & flag) === 0) break;
    i++;
  }
  return i;
}

/** Parses any absolute URI: sip:/sips: into a SipUri, anything else into an OtherUri (RFC 3261 §19.1.6). */
export function parseUri(s: string): Uri {
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (RFC 3261 §25.1)
  const n = s.length;
  let i = 0;
  const c0 = n > 0 ? s.charCodeAt(0) : 0;
  if (c0 >= 128 || (CHARS[c0]! & C_ALPHA) === 0) bad('scheme', s);
  i = 1;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === COLON) break;
    if (c < 128 && ((CHARS[c]! & (C_ALPHA | C_DIGIT)) !== 0 || c === 0x2b || c === 0x2d || c === 0x2e)) {
      i++;
      continue;
    }
    bad('scheme', s);
  }
  if (i >= n) bad('no scheme', s);
  if (i === 3 || i === 4) {
    const scheme = s.slice(0, i).toLowerCase();
    if (scheme === 'sip' || scheme === 'sips') return parseSipUri(s, i + 1, scheme);
  }
  // absoluteURI = scheme ":" ( hier-part / opaque-part ): uric characters and escapes, not empty.
  const start = i + 1;
  if (start >= n) bad('empty', s);
  if (scanEscaped(s, start, n, C_URIC) !== n) bad('character', s);
  const other: OtherUri = { scheme: s.slice(0, i), value: s.slice(start) };
  return other;
}

/** RFC 3261 §19.1.1: "sip:" [ userinfo ] hostport uri-parameters [ headers ]. */
function parseSipUri(s: string, start: number, scheme: 'sip' | 'sips'): SipUri {
  const n = s.length;
  let user: string | null = null;
  let password: string | null = null;
  let i = start;
  // userinfo = ( user / telephone-subscriber ) [ ":" password ] "@". Neither user nor password may hold
  // an unescaped "@", so the first "@" ends the userinfo.
  const at = s.indexOf('@', start);
  if (at >= 0) {
    const userEnd = scanEscaped(s, start, at, C_USER);
    if (userEnd === start) bad('empty user', s);
    user = s.slice(start, userEnd);
    if (userEnd < at) {
      if (s.charCodeAt(userEnd) !== COLON) bad('user', s);
      if (scanEscaped(s, userEnd + 1, at, C_PASSWORD) !== at) bad('password', s);
      password = s.slice(userEnd + 1, at);
    }
    i = at + 1;
  }
  // host = hostname / IPv4address / IPv6reference
  const hostStart = i;
  let upper = false;
  if (i < n && s.charCodeAt(i) === LBRACKET) {
    i = scanIPv6Reference(s, i);
    upper = true;
  } else {
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c >= 128 || (CHARS[c]! & C_HOST) === 0) break;
      if (c <= 0x5a && c >= 0x41) upper = true;
      i++;
    }
    if (i === hostStart) bad('host', s);
  }
  const host = upper ? s.slice(hostStart, i).toLowerCase() : s.slice(hostStart, i);
  let port: number | null = null;
  if (i < n && s.charCodeAt(i) === COLON) {
    const end = readPort(s, i + 1);
    if (end < 0) bad('port', s);
    port = portValue;
    i = end;
  }
  // uri-parameters = *( ";" uri-parameter ); uri-parameter = pname [ "=" pvalue ], 1*paramchar each
  const params = new Map<string, string | null>();
  while (i < n && s.charCodeAt(i) === SEMI) {
    const nameStart = i + 1;
    const nameEnd = scanEscaped(s, nameStart, n, C_PARAM);
    if (nameEnd === nameStart) bad('empty parameter', s);
    const name = lower(s.slice(nameStart, nameEnd));
    let value: string | null = null;
    i = nameEnd;
    if (i < n && s.charCodeAt(i) === EQUAL) {
      const valueEnd = scanEscaped(s, i + 1, n, C_PARAM);
      if (valueEnd === i + 1) bad('empty parameter value', s);
      value = s.slice(i + 1, valueEnd);
      i = valueEnd;
    }
    const size = params.size;
    params.set(name, value);
    if (params.size === size) bad('repeated parameter', s);
  }
  // headers = "?" header *( "&" header ); header = hname "=" hvalue; hname 1*, hvalue *
  const headers = new Map<string, string>();
  if (i < n && s.charCodeAt(i) === QUESTION) {
    do {
      const nameStart = i + 1;
      const nameEnd = scanEscaped(s, nameStart, n, C_HNV);
      if (nameEnd === nameStart || nameEnd >= n || s.charCodeAt(nameEnd) !== EQUAL) bad('header', s);
      const valueEnd = scanEscaped(s, nameEnd + 1, n, C_HNV);
      headers.set(s.slice(nameStart, nameEnd), s.slice(nameEnd + 1, valueEnd));
      i = valueEnd;
    } while (i < n && s.charCodeAt(i) === AMP);
  }
  if (i !== n) bad('character', s);
  return { scheme, user, password, host, port, params, headers };
}

let portValue = 0;
/** port = 1*DIGIT, at most 65535: returns the end index (value in portValue) or -1; allocates nothing. */
function readPort(s: string, i: number): number {
  const n = s.length;
  let v = 0;
  const start = i;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + (c - 0x30);
    if (v > 65535) return -1;
    i++;
  }
  if (i === start) return -1;
  portValue = v;
  return i;
}

/** Reads a port at `i` (1*DIGIT, ≤ 65535): returns [value, end] or null. */
export function scanPort(s: string, i: number): [number, number] | null {
  const end = readPort(s, i);
  return end < 0 ? null : [portValue, end];
}

/** IPv6reference = "[" IPv6address "]" (RFC 3261 §25.1): hex digits, ":" and "." (embedded IPv4). */
export function scanIPv6Reference(s: string, i: number): number {
  const close = s.indexOf(']', i + 1);
  if (close < 0 || close - i < 3) bad('IPv6 reference', s);
  let colons = 0;
  for (let j = i + 1; j < close; j++) {
    const c = s.charCodeAt(j);
    if (c === COLON) colons++;
    else if (c !== 0x2e && (c >= 128 || (CHARS[c]! & C_HEX) === 0)) bad('IPv6 reference', s);
  }
  if (colons < 2 || colons > 7) bad('IPv6 reference', s);
  return close + 1;
}

/** ASCII lower case, without allocating when there is nothing to change. */
export function lower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return s.toLowerCase();
  }
  return s;
}

/** Writes a URI back in RFC 3261 §19.1 syntax; parseUri(formatUri(u)) deep-equals u. */
export function formatUri(u: Uri): string {
  if (!isSipUri(u)) return `${u.scheme}:${u.value}`;
  let out = u.scheme + ':';
  if (u.user !== null) {
    out += u.user;
    if (u.password !== null) out += ':' + u.password;
    out += '@';
  }
  out += u.host;
  if (u.port !== null) out += ':' + u.port;
  for (const [k, v] of u.params) out += v === null ? ';' + k : ';' + k + '=' + v;
  let first = true;
  for (const [k, v] of u.headers) {
    out += (first ? '?' : '&') + k + '=' + v;
    first = false;
  }
  return out;
}

/** The user part of a sip/sips URI with its %-escapes decoded (RFC 3261 §19.1.2); as received when malformed. */
export function unescapedUser(u: SipUri): string | null {
  if (u.user === null) return null;
  try {
    return decodeURIComponent(u.user);
  } catch {
    return u.user;
  }
}
