/**
 * SIP message parser (RFC 3261 §7, ABNF §25), strict and linear-time.
 *
 * One call parses one message: a whole UDP datagram, or one message already framed by a stream transport
 * (framing by Content-Length is the transport's job, RFC 3261 §18.3). What it enforces:
 *
 * - Start line exactly `Method SP Request-URI SP SIP-Version` / `SIP-Version SP Status-Code SP Reason`
 *   (§7.1, §7.2): one SP between elements, nothing after the version (RFC 4475 §3.1.2.7–§3.1.2.10).
 *   SIP-Version is case-insensitive (§7.1); a well-formed version other than 2.0 is a 505 (§21.5.6,
 *   RFC 4475 §3.1.2.16). A Request-URI carrying URI headers (`?…`) is a 400 (§19.1.1 table,
 *   RFC 4475 §3.1.2.11). Any scheme parses (other schemes as OtherUri); answering 416 is validate.ts's job.
 * - Lines end in CRLF; a bare CR or LF in the header section is a 400 (it would let a value smuggle a
 *   header line through a B2BUA). CRLFs before the start line are skipped (§7.5).
 * - Header lines `name *(SP/HTAB) ":" value` (HCOLON, §7.3.1); continuation lines (folding) are joined
 *   with one SP (§7.3.1 allows replacing LWS by one SP); names are canonicalised (compact forms, case).
 * - Via, From, To, Call-ID, CSeq, Max-Forwards, Content-Length (and the Expires bound) are parsed
 *   eagerly; everything else is kept raw for the parse functions of headers-parse.ts.
 * - From, To, Call-ID, CSeq, Max-Forwards, Content-Length, Content-Type appear at most once
 *   (RFC 4475 §3.3.8, §3.3.9). Via, From, To, Call-ID and CSeq are mandatory (§8.1.1); Max-Forwards is
 *   NOT: RFC 2543 peers omit it (RFC 4475 §3.4.1), so `maxForwards` is null and the layer above treats a
 *   missing value as 70 (§8.1.1.6).
 * - Scalars in range: CSeq < 2^31 (§8.1.1.5), Max-Forwards ≤ 255 (§20.22), Expires ≤ 2^32-1 (§20.19),
 *   Content-Length ≤ 2^31-1 and not beyond the data (RFC 4475 §3.1.2.2–§3.1.2.4); the CSeq
 *   method equals the request method (§8.1.1.5, RFC 4475 §3.1.2.17); status codes 100–699 (§7.2).
 * - Content-Length bounds the body; octets after it are discarded (§18.3, RFC 4475 §3.1.1.8). Without a
 *   Content-Length the body is the rest of the buffer (allowed over UDP only; the stream framer requires it).
 * - Limits (ParseLimits): message size (413), header count and physical line length (400). Line length is
 *   counted in UTF-16 code units of the decoded line, i.e. at most its byte length.
 *
 * Errors: SipParseError. For a request whose start line could be read, `partial` carries every field that
 * parsed (method, rawUri, uri, headers, via, from, to, callId, cseq, maxForwards) so the server can
 * answer with `status` (§8.2, RFC 4475 §3.1.2). Responses are never answered: their errors have no
 * partial and the caller drops them.
 */
import { COLON, C_TOKEN, C_WORD, CHARS, HTAB, SP, scan } from './chars.js';
import { HeaderList, canonicalHeaderName } from './headers.js';
import { parseCSeq, parseNameAddr, parseUnsigned, parseVia } from './headers-parse.js';
import {
  SipParseError, type CSeq, type NameAddr, type ParseLimits, type SipMessage, type SipRequest, type SipResponse,
  type Uri, type Via,
} from './types.js';
import { isSipUri, parseUri } from './uri.js';

export const DEFAULT_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxMessageBytes: 65535, // the largest UDP payload
  maxHeaders: 256,
  maxLineBytes: 8192,
});

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');

// Bits of the single-valued headers already seen.
const S_FROM = 1;
const S_TO = 2;
const S_CALLID = 4;
const S_CSEQ = 8;
const S_MAXFWD = 16;
const S_CLEN = 32;
const S_CTYPE = 64;

/** Parses one SIP message. Throws SipParseError (see the module comment for what is checked). */
export function parseMessage(buf: Buffer, limits?: Partial<ParseLimits>): SipMessage {
  const maxMessageBytes = limits?.maxMessageBytes ?? DEFAULT_LIMITS.maxMessageBytes;
  const maxHeaders = limits?.maxHeaders ?? DEFAULT_LIMITS.maxHeaders;
  const maxLineBytes = limits?.maxLineBytes ?? DEFAULT_LIMITS.maxLineBytes;
  const len = buf.length;

  // RFC 3261 §7.5: CRLFs before the start line are ignored.
  let start = 0;
  while (start + 1 < len && buf[start] === 0x0d && buf[start + 1] === 0x0a) start += 2;
  const windowEnd = Math.min(len, start + maxMessageBytes);
  const headEnd = (windowEnd === len ? buf : buf.subarray(0, windowEnd)).indexOf(CRLFCRLF, start);
  if (headEnd < 0) {
    if (len - start > maxMessageBytes) throw new SipParseError('message too large', 413);
    throw new SipParseError('no empty line after the header fields', 400);
  }

  // Header values are UTF-8 (TEXT-UTF8, §25.1); the section is decoded once, lines keep their CRLF.
  const h = buf.toString('utf8', start, headEnd + 2);
  const L = h.length;

  // ---- start line
  const eol = h.indexOf('\r\n');
  const lineErr = checkLine(h, 0, eol, maxLineBytes);
  if (lineErr) throw new SipParseError(lineErr, 400);
  const startLine = h.slice(0, eol);
  let isRequest: boolean;
  let method = '';
  let rawUri = '';
  let uri: Uri | null = null;
  let status = 0;
  let reason = '';
  let err: SipParseError | null = null; // the first error; parsing goes on to fill `partial`

  if (isSipVersionStart(startLine)) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (§7.2). Errors are final: never answered.
    isRequest = false;
    const sp = startLine.indexOf(' ');
    const v = checkVersion(sp < 0 ? startLine : startLine.slice(0, sp));
    if (v !== 0) throw new SipParseError('bad SIP version in status line', v);
    const n = startLine.length;
    const d1 = sp + 1 < n ? startLine.charCodeAt(sp + 1) - 0x30 : -1;
    const d2 = sp + 2 < n ? startLine.charCodeAt(sp + 2) - 0x30 : -1;
    const d3 = sp + 3 < n ? startLine.charCodeAt(sp + 3) - 0x30 : -1;
    if (d1 < 1 || d1 > 6 || d2 < 0 || d2 > 9 || d3 < 0 || d3 > 9 || (sp + 4 < n && startLine.charCodeAt(sp + 4) !== SP)) {
      throw new SipParseError('bad status code (3 digits, 100-699)', 400);
    }
    status = d1 * 100 + d2 * 10 + d3;
    // An empty Reason-Phrase is legal (RFC 4475 §3.1.1.13); a missing SP before it is tolerated.
    reason = sp + 5 <= n ? startLine.slice(sp + 5) : '';
  } else {
    // Request-Line = Method SP Request-URI SP SIP-Version (§7.1)
    isRequest = true;
    const sp1 = startLine.indexOf(' ');
    if (sp1 <= 0 || scan(startLine, 0, C_TOKEN) !== sp1) throw new SipParseError('not a SIP start line', 400);
    method = startLine.slice(0, sp1);
    const sp2 = startLine.indexOf(' ', sp1 + 1);
    if (sp2 < 0) {
      err = new SipParseError('request line without SIP version', 400);
    } else {
      rawUri = startLine.slice(sp1 + 1, sp2);
      const v = checkVersion(startLine.slice(sp2 + 1));
      if (rawUri.length === 0) err = new SipParseError('more than one SP in the request line', 400);
      else if (v !== 0) err = new SipParseError('bad SIP version in request line', v);
      try {
        uri = parseUri(rawUri);
        if (isSipUri(uri) && uri.headers.size > 0 && !err) {
          err = new SipParseError('URI headers are not allowed in a Request-URI', 400);
        }
      } catch (e) {
        err ??= asParseError(e);
      }
    }
  }

  // ---- header fields
  const names: string[] = [];
  const values: string[] = [];
  const via: Via[] = [];
  let from: NameAddr | null = null;
  let to: NameAddr | null = null;
  let callId: string | null = null;
  let cseq: CSeq | null = null;
  let maxForwards: number | null = null;
  let contentLength = -1;
  let seen = 0;
  let fatal: string | null = null;

  let pos = eol + 2;
  while (pos < L) {
    const e = h.indexOf('\r\n', pos);
    fatal = checkLine(h, pos, e, maxLineBytes);
    if (fatal) break;
    let i = pos;
    while (i < e) {
      const c = h.charCodeAt(i);
      if (c >= 128 || (CHARS[c]! & C_TOKEN) === 0) break;
      i++;
    }
    const nameEnd = i;
    while (i < e && (h.charCodeAt(i) === SP || h.charCodeAt(i) === HTAB)) i++;
    if (nameEnd === pos || i >= e || h.charCodeAt(i) !== COLON) {
      fatal = pos === eol + 2 && (h.charCodeAt(pos) === SP || h.charCodeAt(pos) === HTAB)
        ? 'continuation line without a header field'
        : 'header line without a name and colon';
      break;
    }
    i++;
    while (i < e && (h.charCodeAt(i) === SP || h.charCodeAt(i) === HTAB)) i++;
    let ve = e;
    while (ve > i && (h.charCodeAt(ve - 1) === SP || h.charCodeAt(ve - 1) === HTAB)) ve--;
    let value = h.slice(i, ve);
    const name0Len = nameEnd - pos;
    let next = e + 2;
    // Continuation lines (§7.3.1): the CRLF and the white space around it become one SP.
    while (next < L) {
      const c = h.charCodeAt(next);
      if (c !== SP && c !== HTAB) break;
      const ce = h.indexOf('\r\n', next);
      fatal = checkLine(h, next, ce, maxLineBytes);
      if (fatal) break;
      let a = next;
      while (a < ce && (h.charCodeAt(a) === SP || h.charCodeAt(a) === HTAB)) a++;
      let b = ce;
      while (b > a && (h.charCodeAt(b - 1) === SP || h.charCodeAt(b - 1) === HTAB)) b--;
      if (b > a) value = value.length > 0 ? value + ' ' + h.slice(a, b) : h.slice(a, b);
      next = ce + 2;
      // The unfolded field is one line when written again: it obeys the same limit.
      if (name0Len + 2 + value.length > maxLineBytes) {
        fatal = `header field longer than ${maxLineBytes} bytes once unfolded`;
        break;
      }
    }
    if (fatal) break;
    if (names.length >= maxHeaders) {
      fatal = `more than ${maxHeaders} header fields`;
      break;
    }
    const name = commonName(h, pos, nameEnd - pos) ?? canonicalHeaderName(h.slice(pos, nameEnd));
    names.push(name);
    values.push(value);
    pos = next;

    switch (name) {
      case 'Via':
        try {
          const list = parseVia(value);
          for (let k = 0; k < list.length; k++) via.push(list[k]!);
        } catch (x) {
          err ??= asParseError(x);
        }
        break;
      case 'From':
        if (seen & S_FROM) err ??= repeated(name);
        else {
          seen |= S_FROM;
          try {
            from = parseNameAddr(value);
          } catch (x) {
            err ??= asParseError(x);
          }
        }
        break;
      case 'To':
        if (seen & S_TO) err ??= repeated(name);
        else {
          seen |= S_TO;
          try {
            to = parseNameAddr(value);
          } catch (x) {
            err ??= asParseError(x);
          }
        }
        break;
      case 'Call-ID':
        if (seen & S_CALLID) err ??= repeated(name);
        else {
          seen |= S_CALLID;
          if (isCallId(value)) callId = value;
          else err ??= new SipParseError(`invalid Call-ID: ${value.slice(0, 200)}`, 400);
        }
        break;
      case 'CSeq':
        if (seen & S_CSEQ) err ??= repeated(name);
        else {
          seen |= S_CSEQ;
          try {
            cseq = parseCSeq(value);
          } catch (x) {
            err ??= asParseError(x);
          }
        }
        break;
      case 'Max-Forwards':
        if (seen & S_MAXFWD) err ??= repeated(name);
        else {
          seen |= S_MAXFWD;
          maxForwards = parseUnsigned(value, 255);
          if (maxForwards === null) err ??= new SipParseError('Max-Forwards must be 0-255', 400);
        }
        break;
      case 'Content-Length':
        if (seen & S_CLEN) err ??= repeated(name);
        else {
          seen |= S_CLEN;
          contentLength = parseUnsigned(value, 0x7fffffff) ?? -1;
          if (contentLength < 0) err ??= new SipParseError('invalid Content-Length', 400);
        }
        break;
      case 'Content-Type':
        if (seen & S_CTYPE) err ??= repeated(name);
        seen |= S_CTYPE;
        break;
      case 'Expires':
        if (parseUnsigned(value, 0xffffffff) === null) err ??= new SipParseError('Expires must be 0-4294967295', 400);
        break;
    }
  }

  if (fatal) err = new SipParseError(fatal, 400);
  else if (err === null) {
    // §8.1.1: mandatory header fields (a present but malformed one has already set `err`)
    if (via.length === 0) err = missing('Via');
    else if (!(seen & S_FROM)) err = missing('From');
    else if (!(seen & S_TO)) err = missing('To');
    else if (!(seen & S_CALLID)) err = missing('Call-ID');
    else if (!(seen & S_CSEQ)) err = missing('CSeq');
    else if (isRequest && cseq !== null && cseq.method !== method) {
      err = new SipParseError('CSeq method differs from the request method', 400);
    }
  }

  // ---- body (§18.3): Content-Length bounds it; extra octets are discarded
  const bodyStart = headEnd + 4;
  let bodyEnd = len;
  if (!fatal && contentLength >= 0) {
    if (contentLength > len - bodyStart) err ??= new SipParseError('Content-Length larger than the message', 400);
    else bodyEnd = bodyStart + contentLength;
  }
  if (bodyEnd - start > maxMessageBytes) err = new SipParseError('message too large', 413);

  if (err !== null) {
    if (!isRequest) throw err; // responses are dropped, never answered: no partial
    const partial: Partial<SipRequest> = {
      kind: 'request', method, rawUri, headers: HeaderList.fromCanonical(names, values), via, maxForwards,
    };
    if (uri !== null) partial.uri = uri;
    if (from !== null) partial.from = from;
    if (to !== null) partial.to = to;
    if (callId !== null) partial.callId = callId;
    if (cseq !== null) partial.cseq = cseq;
    throw new SipParseError(err.message, err.status, partial);
  }

  const headers = HeaderList.fromCanonical(names, values);
  const body = buf.subarray(bodyStart, bodyEnd);
  if (isRequest) {
    const req: SipRequest = {
      kind: 'request', method, uri: uri!, rawUri, headers, body, via, from: from!, to: to!, callId: callId!,
      cseq: cseq!, maxForwards,
    };
    return req;
  }
  const res: SipResponse = {
    kind: 'response', status, reason, headers, body, via, from: from!, to: to!, callId: callId!, cseq: cseq!,
  };
  return res;
}

/**
 * The header names of nearly every message, spelled canonically or as compact forms, recognised in place
 * (no slice, no hashing); anything else goes through canonicalHeaderName.
 */
function commonName(h: string, pos: number, n: number): string | undefined {
  if (n === 1) {
    switch (h.charCodeAt(pos) | 0x20) {
      case 0x76: return 'Via'; // v
      case 0x66: return 'From'; // f
      case 0x74: return 'To'; // t
      case 0x69: return 'Call-ID'; // i
      case 0x6d: return 'Contact'; // m
      case 0x6c: return 'Content-Length'; // l
      case 0x63: return 'Content-Type'; // c
      case 0x6b: return 'Supported'; // k
    }
    return undefined;
  }
  let name: string;
  switch (h.charCodeAt(pos)) {
    case 0x56: name = 'Via'; break; // V
    case 0x46: name = 'From'; break; // F
    case 0x54: name = 'To'; break; // T
    case 0x45: name = 'Expires'; break; // E
    case 0x4d: name = 'Max-Forwards'; break; // M
    case 0x52: name = n === 5 ? 'Route' : 'Record-Route'; break; // R
    case 0x41: name = n === 5 ? 'Allow' : 'Authorization'; break; // A
    case 0x53: name = 'Supported'; break; // S
    case 0x55: name = 'User-Agent'; break; // U
    case 0x43: // C
      switch (n) {
        case 4: name = 'CSeq'; break;
        case 7: name = h.charCodeAt(pos + 1) === 0x61 ? 'Call-ID' : 'Contact'; break;
        case 12: name = 'Content-Type'; break;
        case 14: name = 'Content-Length'; break;
        default: return undefined;
      }
      break;
    default:
      return undefined;
  }
  return name.length === n && h.startsWith(name, pos) ? name : undefined;
}

/** Physical line [pos, e): present, not too long, no bare CR or LF inside. Returns an error text or null. */
function checkLine(h: string, pos: number, e: number, maxLineBytes: number): string | null {
  if (e < 0) return 'line without CRLF';
  if (e - pos > maxLineBytes) return `line longer than ${maxLineBytes} bytes`;
  if (h.indexOf('\r', pos) !== e || h.indexOf('\n', pos) !== e + 1) return 'bare CR or LF in the header section';
  return null;
}

/** Does the line start with "SIP/" (any case)? Such a line is a Status-Line: "/" is not a token character. */
function isSipVersionStart(s: string): boolean {
  return s.length >= 4 && (s.charCodeAt(0) | 0x20) === 0x73 && (s.charCodeAt(1) | 0x20) === 0x69 &&
    (s.charCodeAt(2) | 0x20) === 0x70 && s.charCodeAt(3) === 0x2f;
}

/** 0 for SIP/2.0 (case-insensitive, §7.1), 505 for another well-formed SIP-Version, 400 otherwise. */
function checkVersion(v: string): 0 | 400 | 505 {
  if (v === 'SIP/2.0') return 0;
  if (!isSipVersionStart(v)) return 400;
  if (v.length === 7 && v.slice(4) === '2.0') return 0;
  // SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT
  let i = 4;
  const n = v.length;
  const a = i;
  while (i < n && v.charCodeAt(i) >= 0x30 && v.charCodeAt(i) <= 0x39) i++;
  if (i === a || i >= n || v.charCodeAt(i) !== 0x2e) return 400;
  const b = ++i;
  while (i < n && v.charCodeAt(i) >= 0x30 && v.charCodeAt(i) <= 0x39) i++;
  if (i === b || i !== n) return 400;
  return 505;
}

/** callid = word [ "@" word ] (§25.1). */
function isCallId(s: string): boolean {
  const n = s.length;
  let at = -1;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x40) {
      if (at >= 0 || i === 0) return false;
      at = i;
    } else if (c >= 128 || (CHARS[c]! & C_WORD) === 0) return false;
  }
  return n > 0 && at !== n - 1;
}

function repeated(name: string): SipParseError {
  return new SipParseError(`more than one ${name} header field`, 400);
}

function missing(name: string): SipParseError {
  return new SipParseError(`missing ${name} header field`, 400);
}

function asParseError(e: unknown): SipParseError {
  if (e instanceof SipParseError) return e;
  throw e;
}
