/**
 * Parsers and formatters for the structured header fields (RFC 3261 §20, ABNF §25.1): name-addr /
 * addr-spec with parameters (From, To, Contact, Route, Record-Route, Reply-To, P-Asserted-Identity, …),
 * Via, CSeq, generic parameters, media types, comma-separated lists.
 *
 * Input is a header value as the parser stores it: folding already replaced by a single SP (§7.3.1), so
 * linear white space is SP / HTAB only. Every function is one forward scan (linear time) and throws
 * SipParseError(400) on a syntax error.
 */
import {
  BACKSLASH, COLON, COMMA, CR, C_DIGIT, C_HOST, C_TOKEN, CHARS, DQUOTE, EQUAL, HTAB, LAQUOT, LBRACKET, LF,
  RAQUOT, SEMI, SLASH, SP, scan, skipWs,
} from './chars.js';
import { SipParseError, type CSeq, type NameAddr, type Uri, type Via } from './types.js';
import { formatUri, lower, parseUri, scanIPv6Reference, scanPort } from './uri.js';

function bad(what: string, s: string): never {
  throw new SipParseError(`invalid ${what}: ${s.length > 200 ? s.slice(0, 200) + '…' : s}`, 400);
}

// ---------------------------------------------------------------------------------------------------
// Quoted strings (RFC 3261 §25.1: quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE)

let quotedEnd = 0;
/**
 * Reads the quoted-string whose opening DQUOTE is at `i`; returns its unescaped content and leaves the
 * index after the closing DQUOTE in `quotedEnd`. qdtext excludes CTLs but HTAB; quoted-pair = "\" followed
 * by %x00-09 / %x0B-0C / %x0E-7F.
 */
function readQuoted(s: string, i: number): string {
  const n = s.length;
  let j = i + 1;
  let out: string | null = null; // only built when there is a quoted-pair
  let runStart = j;
  while (j < n) {
    const c = s.charCodeAt(j);
    if (c === DQUOTE) {
      quotedEnd = j + 1;
      return out === null ? s.slice(i + 1, j) : out + s.slice(runStart, j);
    }
    if (c === BACKSLASH) {
      if (j + 1 >= n) break;
      const e = s.charCodeAt(j + 1);
      if (e === CR || e === LF || e > 0x7f) bad('quoted-pair', s);
      out = (out ?? '') + s.slice(runStart, j) + s[j + 1];
      j += 2;
      runStart = j;
      continue;
    }
    if ((c < 0x20 && c !== HTAB) || c === 0x7f) bad('character in quoted string', s);
    j++;
  }
  return bad('unterminated quoted string', s);
}

/** The unescaped content of a quoted-string (the whole of `s`, quotes included); `s` returned as is if unquoted. */
export function unquote(s: string): string {
  if (s.length < 2 || s.charCodeAt(0) !== DQUOTE) return s;
  const v = readQuoted(s, 0);
  if (quotedEnd !== s.length) bad('quoted string', s);
  return v;
}

/** A quoted-string holding `s` (escapes `"` and `\`, RFC 3261 §25.1). */
export function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const c = s.charCodeAt(i);
    if (c === CR || c === LF) continue; // cannot be carried in a quoted-string
    out += ch === '"' || ch === '\\' ? '\\' + ch : ch;
  }
  return out + '"';
}

// ---------------------------------------------------------------------------------------------------
// Generic parameters: *( SEMI generic-param ); generic-param = token [ EQUAL gen-value ];
// gen-value = token / host / quoted-string (RFC 3261 §25.1)

let paramsEnd = 0;
/**
 * Reads parameters into `params` from `i` until the end of `s` or a top-level COMMA; sets `paramsEnd` to
 * the index of that COMMA (or s.length). Names are lower-cased; a quoted gen-value is kept with its quotes.
 */
function readParams(s: string, i: number, params: Map<string, string | null>): void {
  const n = s.length;
  for (;;) {
    i = skipWs(s, i);
    if (i >= n) break;
    const c = s.charCodeAt(i);
    if (c === COMMA) break;
    if (c !== SEMI) bad('parameters', s);
    i = skipWs(s, i + 1);
    const nameEnd = scan(s, i, C_TOKEN);
    if (nameEnd === i) bad('parameter name', s);
    const name = lower(s.slice(i, nameEnd));
    let value: string | null = null;
    i = skipWs(s, nameEnd);
    if (i < n && s.charCodeAt(i) === EQUAL) {
      i = skipWs(s, i + 1);
      if (i < n && s.charCodeAt(i) === DQUOTE) {
        readQuoted(s, i);
        value = s.slice(i, quotedEnd);
        i = quotedEnd;
      } else {
        const start = i;
        if (i < n && s.charCodeAt(i) === LBRACKET) i = scanIPv6Reference(s, i);
        else i = scanGenValue(s, i);
        if (i === start) bad('parameter value', s);
        value = s.slice(start, i);
      }
    }
    const size = params.size;
    params.set(name, value);
    if (params.size === size) bad('repeated parameter', s);
  }
  paramsEnd = i;
}

/**
 * token / host: a hostname or IPv4 address is token characters; an IPv6 reference is read separately.
 * ":" is accepted too, because via-received is a bare IPv6address (RFC 3261 §20.42, RFC 5118 §4.5:
 * `received=2001:db8::9:255`); it has no structural meaning inside a parameter value.
 */
function scanGenValue(s: string, i: number): number {
  const n = s.length;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c !== COLON && (c >= 128 || (CHARS[c]! & C_TOKEN) === 0)) break;
    i++;
  }
  return i;
}

/** Parses `;a=b;c;d="x y"` (leading white space allowed) into a map; names lower-cased. */
export function parseParams(s: string, start = 0): Map<string, string | null> {
  const params = new Map<string, string | null>();
  readParams(s, start, params);
  if (paramsEnd !== s.length) bad('parameters', s);
  return params;
}

/** `;name=value;flag` for a parameter map (values written as stored). */
export function formatParams(params: ReadonlyMap<string, string | null>): string {
  let out = '';
  for (const [k, v] of params) out += v === null ? ';' + k : ';' + k + '=' + v;
  return out;
}

// ---------------------------------------------------------------------------------------------------
// name-addr / addr-spec (RFC 3261 §20.10, §25.1)

let nameAddrEnd = 0;
/** Reads one ( name-addr / addr-spec ) *( SEMI generic-param ) from `i`; sets nameAddrEnd (COMMA or end). */
function readNameAddr(s: string, i: number): NameAddr {
  const n = s.length;
  i = skipWs(s, i);
  if (i >= n) bad('name-addr (empty)', s);
  let displayName: string | null = null;
  let uri: Uri;
  const c = s.charCodeAt(i);
  if (c === DQUOTE) {
    displayName = readQuoted(s, i);
    i = skipWs(s, quotedEnd);
    if (i >= n || s.charCodeAt(i) !== LAQUOT) bad('name-addr (no < after display name)', s);
    uri = readAngleUri(s, i);
    i = angleEnd;
  } else if (c === LAQUOT) {
    uri = readAngleUri(s, i);
    i = angleEnd;
  } else {
    // Either a display name of tokens and LWS followed by "<", or an addr-spec.
    let j = i;
    while (j < n) {
      const d = s.charCodeAt(j);
      if (d === SP || d === HTAB || (d < 128 && (CHARS[d]! & C_TOKEN) !== 0)) j++;
      else break;
    }
    if (j < n && s.charCodeAt(j) === LAQUOT) {
      let e = j;
      while (e > i && (s.charCodeAt(e - 1) === SP || s.charCodeAt(e - 1) === HTAB)) e--;
      displayName = s.slice(i, e);
      uri = readAngleUri(s, j);
      i = angleEnd;
    } else {
      // addr-spec: without "<>", parameters after the URI are header parameters, and a URI containing a
      // comma, semicolon or question mark must use the name-addr form (RFC 3261 §20.10, RFC 4475 §3.1.2.13).
      let k = i;
      while (k < n) {
        const d = s.charCodeAt(k);
        if (d === SEMI || d === COMMA || d === SP || d === HTAB) break;
        if (d === 0x3f) bad('addr-spec with "?" outside <>', s);
        k++;
      }
      uri = parseUri(s.slice(i, k));
      i = k;
    }
  }
  const params = new Map<string, string | null>();
  readParams(s, i, params);
  nameAddrEnd = paramsEnd;
  return { displayName, uri, params };
}

let angleEnd = 0;
/** LAQUOT addr-spec RAQUOT, no white space inside (RFC 4475 §3.1.2.14). */
function readAngleUri(s: string, i: number): Uri {
  const close = s.indexOf('>', i + 1);
  if (close < 0) bad('name-addr (no >)', s);
  angleEnd = close + 1;
  return parseUri(s.slice(i + 1, close));
}

/** One name-addr or addr-spec with header parameters (From, To, a single Contact/Route value). */
export function parseNameAddr(s: string): NameAddr {
  const na = readNameAddr(s, 0);
  if (nameAddrEnd !== s.length) bad('name-addr (trailing characters)', s);
  return na;
}

/** A comma-separated list of name-addr / addr-spec values (Contact, Route, Record-Route, Path, …). */
export function parseNameAddrList(s: string): NameAddr[] {
  const out: NameAddr[] = [];
  let i = 0;
  for (;;) {
    out.push(readNameAddr(s, i));
    i = nameAddrEnd;
    if (i >= s.length) return out;
    i++; // the COMMA
  }
}

/** Contact (RFC 3261 §20.10): `*` (only in a REGISTER removing all bindings) or a list of name-addrs. */
export function parseContact(s: string): '*' | NameAddr[] {
  const t = s.trim();
  if (t === '*') return '*';
  return parseNameAddrList(s);
}

/** `"Display" <uri>;params` — always the name-addr form, which is valid for every URI (§20.10). */
export function formatNameAddr(na: NameAddr): string {
  const dn = na.displayName === null ? '' : quote(na.displayName) + ' ';
  return dn + '<' + formatUri(na.uri) + '>' + formatParams(na.params);
}

// ---------------------------------------------------------------------------------------------------
// Via (RFC 3261 §20.42, §25.1): via-parm *( COMMA via-parm );
// via-parm = sent-protocol LWS sent-by *( SEMI via-params ); sent-protocol = name SLASH version SLASH transport

/** All Via values of one header line (a line may hold several, comma-separated). */
export function parseVia(s: string): Via[] {
  const out: Via[] = [];
  const n = s.length;
  let i = 0;
  for (;;) {
    i = skipWs(s, i);
    const nameEnd = scan(s, i, C_TOKEN);
    if (nameEnd === i) bad('Via protocol', s);
    const name = s.slice(i, nameEnd);
    i = expectSlash(s, nameEnd);
    const versionEnd = scan(s, i, C_TOKEN);
    if (versionEnd === i) bad('Via version', s);
    const version = s.slice(i, versionEnd);
    i = expectSlash(s, versionEnd);
    const transportEnd = scan(s, i, C_TOKEN);
    if (transportEnd === i) bad('Via transport', s);
    const transport = upper(s.slice(i, transportEnd));
    i = skipWs(s, transportEnd);
    if (i === transportEnd) bad('Via (no space before sent-by)', s);
    // sent-by = host [ COLON port ]
    const hostStart = i;
    if (i < n && s.charCodeAt(i) === LBRACKET) i = scanIPv6Reference(s, i);
    else i = scan(s, i, C_HOST);
    if (i === hostStart) bad('Via host', s);
    const host = lower(s.slice(hostStart, i));
    let port: number | null = null;
    let j = skipWs(s, i);
    if (j < n && s.charCodeAt(j) === COLON) {
      const p = scanPort(s, skipWs(s, j + 1));
      if (p === null) bad('Via port', s);
      port = p[0];
      j = p[1];
    }
    const params = new Map<string, string | null>();
    readParams(s, j, params);
    i = paramsEnd;
    const b = params.get('branch');
    out.push({ protocol: upper(name) + '/' + version, transport, host, port, params, branch: b ?? null });
    if (i >= n) return out;
    i++; // COMMA
  }
}

/** SLASH = SWS "/" SWS */
function expectSlash(s: string, i: number): number {
  i = skipWs(s, i);
  if (i >= s.length || s.charCodeAt(i) !== SLASH) bad('Via sent-protocol', s);
  return skipWs(s, i + 1);
}

function upper(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) return s.toUpperCase();
  }
  return s;
}

/** `SIP/2.0/UDP host:port;branch=…;…` — `v.branch` wins over a `branch` entry of `v.params`. */
export function formatVia(v: Via): string {
  let out = v.protocol + '/' + v.transport + ' ' + v.host;
  if (v.port !== null) out += ':' + v.port;
  let branchWritten = false;
  for (const [k, val] of v.params) {
    if (k === 'branch') {
      if (v.branch === null) continue;
      out += ';branch=' + v.branch;
      branchWritten = true;
    } else {
      out += val === null ? ';' + k : ';' + k + '=' + val;
    }
  }
  if (!branchWritten && v.branch !== null) out += ';branch=' + v.branch;
  return out;
}

// ---------------------------------------------------------------------------------------------------
// CSeq (RFC 3261 §20.16): 1*DIGIT LWS Method; the number is below 2^31 (§8.1.1.5)

export function parseCSeq(s: string): CSeq {
  const n = s.length;
  let i = skipWs(s, 0);
  const start = i;
  let seq = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    seq = seq * 10 + (c - 0x30);
    if (seq > 0x7fffffff) bad('CSeq (sequence number ≥ 2^31)', s);
    i++;
  }
  if (i === start) bad('CSeq number', s);
  const m = skipWs(s, i);
  if (m === i) bad('CSeq (no space before method)', s);
  const methodEnd = scan(s, m, C_TOKEN);
  if (methodEnd === m || skipWs(s, methodEnd) !== n) bad('CSeq method', s);
  return { seq, method: s.slice(m, methodEnd) };
}

export function formatCSeq(c: CSeq): string {
  return c.seq + ' ' + c.method;
}

// ---------------------------------------------------------------------------------------------------
// Lists and small scalars

/**
 * Splits a header value on the commas that separate list elements (RFC 3261 §7.3.1), ignoring commas in
 * quoted strings and inside `<…>`. Elements are trimmed; empty elements are dropped.
 */
export function splitHeaderValues(s: string): string[] {
  const out: string[] = [];
  const n = s.length;
  let start = 0;
  let inQuote = false;
  let inAngle = false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (inQuote) {
      if (c === BACKSLASH) i++;
      else if (c === DQUOTE) inQuote = false;
    } else if (c === DQUOTE) inQuote = true;
    else if (inAngle) {
      if (c === RAQUOT) inAngle = false;
    } else if (c === LAQUOT) inAngle = true;
    else if (c === COMMA) {
      const part = s.slice(start, i).trim();
      if (part) out.push(part);
      start = i + 1;
    }
  }
  const last = s.slice(start).trim();
  if (last) out.push(last);
  return out;
}

/**
 * A non-negative integer header value (Max-Forwards, Expires, Content-Length, Min-Expires …): 1*DIGIT,
 * surrounding white space allowed; null when malformed or above `max`. Leading zeros are fine ("0068").
 */
export function parseUnsigned(s: string, max: number): number | null {
  const n = s.length;
  let i = skipWs(s, 0);
  const start = i;
  let v = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    v = v * 10 + (c - 0x30);
    if (v > max) return null;
    i++;
  }
  if (i === start || skipWs(s, i) !== n) return null;
  return v;
}

/** Media type (RFC 3261 §20.15): type "/" subtype *( SEMI m-parameter ); type and subtype lower-cased. */
export interface MediaType {
  type: string;
  subtype: string;
  params: Map<string, string | null>;
}

export function parseMediaType(s: string): MediaType {
  let i = skipWs(s, 0);
  const typeEnd = scan(s, i, C_TOKEN);
  if (typeEnd === i) bad('media type', s);
  const type = lower(s.slice(i, typeEnd));
  i = skipWs(s, typeEnd);
  if (i >= s.length || s.charCodeAt(i) !== SLASH) bad('media type', s);
  i = skipWs(s, i + 1);
  const subEnd = scan(s, i, C_TOKEN);
  if (subEnd === i) bad('media subtype', s);
  const subtype = lower(s.slice(i, subEnd));
  return { type, subtype, params: parseParams(s, subEnd) };
}

/** True when every character of `s` is a DIGIT. */
export function isDigits(s: string): boolean {
  return s.length > 0 && scan(s, 0, C_DIGIT) === s.length;
}
