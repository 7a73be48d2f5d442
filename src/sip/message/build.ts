/**
 * Builders for the messages the transport, transaction and dialog layers create themselves: identifiers
 * (branch, tag, Call-ID), responses to a request (RFC 3261 §8.2.6), the ACK for a non-2xx final response
 * (§17.1.1.3), CANCEL (§9.1), and new requests (§8.1.1).
 *
 * Headers are authoritative for serialization; the parsed fields of every message built here (`via`,
 * `from`, `to`, `callId`, `cseq`, …) are set to agree with them. Header values copied from a received
 * message are copied as written.
 */
import { randomFillSync } from 'node:crypto';
import { HeaderList } from './headers.ts';
import { formatNameAddr, formatVia } from './headers-parse.ts';
import { formatUri } from './uri.ts';
import type { CSeq, NameAddr, SipRequest, SipResponse, Uri, Via } from './types.ts';

/** RFC 3261 §8.1.1.7: every branch created by a 3261 element starts with this. */
export const MAGIC_COOKIE = 'z9hG4bK';

// Identifiers draw from a pooled random buffer: one crypto call per 4 KiB instead of one per id.
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolPos = POOL_SIZE;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const ALPHABET_CODES = Array.from(ALPHABET, (c) => c.charCodeAt(0));
const codes: number[] = [];

/**
 * `len` random characters from [A-Za-z0-9] (token and word safe, RFC 3261 §25.1). Made in one piece
 * (String.fromCharCode), not character by character: an appended string is a chain of one object per
 * character, and identifiers live as long as their transactions.
 */
function randomToken(len: number): string {
  if (poolPos + len > POOL_SIZE) {
    randomFillSync(pool);
    poolPos = 0;
  }
  codes.length = len;
  // 256 = 4·62 + 8: the tiny bias towards the first 8 characters costs < 0.1 bit of 5.95 per character.
  for (let i = 0; i < len; i++) codes[i] = ALPHABET_CODES[pool[poolPos++]! % 62]!;
  return String.fromCharCode.apply(null, codes);
}

/**
 * `s` stored flat. A string built by concatenation is a tree of its pieces (V8 "cons string", a few
 * hundred bytes for a key of five pieces); reading a character makes V8 copy it into one flat string
 * and drop the pieces. For identifiers and keys that live as long as a transaction (64·T1).
 */
export function flat(s: string): string {
  s.charCodeAt(0);
  return s;
}

/** A new branch: the magic cookie plus 22 random characters (~131 bits), RFC 3261 §8.1.1.7. */
export function newBranch(): string {
  return flat(MAGIC_COOKIE + randomToken(22));
}

/** A new From/To tag (RFC 3261 §19.3: at least 32 bits of randomness; this has ~71). */
export function newTag(): string {
  return randomToken(12);
}

/** A new Call-ID (RFC 3261 §8.1.1.4: globally unique; ~143 random bits, no host part needed). */
export function newCallId(): string {
  return randomToken(24);
}

/** True when the branch is an RFC 3261 one (cookie followed by at least one character, §17.2.3). */
export function isRfc3261Branch(branch: string | null | undefined): branch is string {
  return !!branch && branch.length > MAGIC_COOKIE.length && branch.startsWith(MAGIC_COOKIE);
}

/** Default reason phrases (RFC 3261 §21 and the extensions Tandem uses). */
export const REASON_PHRASES: ReadonlyMap<number, string> = new Map([
  [100, 'Trying'], [180, 'Ringing'], [181, 'Call Is Being Forwarded'], [182, 'Queued'],
  [183, 'Session Progress'], [199, 'Early Dialog Terminated'],
  [200, 'OK'], [202, 'Accepted'], [204, 'No Notification'],
  [300, 'Multiple Choices'], [301, 'Moved Permanently'], [302, 'Moved Temporarily'], [305, 'Use Proxy'],
  [380, 'Alternative Service'],
  [400, 'Bad Request'], [401, 'Unauthorized'], [402, 'Payment Required'], [403, 'Forbidden'],
  [404, 'Not Found'], [405, 'Method Not Allowed'], [406, 'Not Acceptable'],
  [407, 'Proxy Authentication Required'], [408, 'Request Timeout'], [410, 'Gone'],
  [412, 'Conditional Request Failed'], [413, 'Request Entity Too Large'], [414, 'Request-URI Too Long'],
  [415, 'Unsupported Media Type'], [416, 'Unsupported URI Scheme'], [417, 'Unknown Resource-Priority'],
  [420, 'Bad Extension'], [421, 'Extension Required'], [422, 'Session Interval Too Small'],
  [423, 'Interval Too Brief'], [428, 'Use Identity Header'], [429, 'Provide Referrer Identity'],
  [433, 'Anonymity Disallowed'], [436, 'Bad Identity-Info'], [437, 'Unsupported Certificate'],
  [438, 'Invalid Identity Header'], [439, 'First Hop Lacks Outbound Support'], [440, 'Max-Breadth Exceeded'],
  [469, 'Bad Info Package'], [470, 'Consent Needed'],
  [480, 'Temporarily Unavailable'], [481, 'Call/Transaction Does Not Exist'], [482, 'Loop Detected'],
  [483, 'Too Many Hops'], [484, 'Address Incomplete'], [485, 'Ambiguous'], [486, 'Busy Here'],
  [487, 'Request Terminated'], [488, 'Not Acceptable Here'], [489, 'Bad Event'], [491, 'Request Pending'],
  [493, 'Undecipherable'], [494, 'Security Agreement Required'],
  [500, 'Server Internal Error'], [501, 'Not Implemented'], [502, 'Bad Gateway'], [503, 'Service Unavailable'],
  [504, 'Server Time-out'], [505, 'Version Not Supported'], [513, 'Message Too Large'],
  [555, 'Push Notification Service Not Supported'], [580, 'Precondition Failure'],
  [600, 'Busy Everywhere'], [603, 'Decline'], [604, 'Does Not Exist Anywhere'], [606, 'Not Acceptable'],
  [607, 'Unwanted'], [608, 'Rejected'],
]);

/** The default reason phrase of a status code (the class name for codes without one). */
export function reasonPhrase(status: number): string {
  return REASON_PHRASES.get(status) ?? (REASON_PHRASES.get(Math.floor(status / 100) * 100) ?? '');
}

/**
 * The first value of a comma-separated header line (RFC 3261 §7.3.1), e.g. the top Via of a line holding
 * several. Commas inside quoted strings and <…> do not separate.
 */
export function firstListValue(line: string): string {
  let quoted = false;
  let angle = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (quoted) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) quoted = false;
    } else if (c === 34) quoted = true;
    else if (c === 60 /* < */) angle = true;
    else if (c === 62 /* > */) angle = false;
    else if (c === 44 /* , */ && !angle) return line.slice(0, i).trim();
  }
  return line.trim();
}

/** The top Via value of a message as written (the first value of its first Via line). */
export function topViaValue(headers: { get(name: string): string | undefined }): string | undefined {
  const line = headers.get('Via');
  return line === undefined ? undefined : firstListValue(line);
}

export interface ResponseExtras {
  /**
   * To tag to add when the request's To has none (RFC 3261 §8.2.6.2). Default: a new tag for every
   * status but 100; `null`: add none (locally synthesized responses, §8.1.3.1).
   */
  toTag?: string | null;
  /** Extra header lines, appended after the mandatory ones, in order. */
  headers?: ReadonlyArray<readonly [string, string]>;
  body?: Buffer | string;
  contentType?: string;
}

/**
 * A response to `req` (RFC 3261 §8.2.6.2): the Via lines, From, To, Call-ID and CSeq of the request, a
 * To tag added unless the request has one or the status is 100, the Timestamp of the request on a 100
 * (§8.2.6.1), then `extra.headers`, Content-Type when there is a body, and Content-Length.
 */
export function createResponse(req: SipRequest, status: number, reason?: string, extra: ResponseExtras = {}): SipResponse {
  const h = new HeaderList();
  for (const v of req.headers.getAll('Via')) h.append('Via', v);
  h.append('From', req.headers.get('From') ?? formatNameAddr(req.from));
  let to = req.to;
  let toLine = req.headers.get('To') ?? formatNameAddr(req.to);
  if (!req.to.params.has('tag') || req.to.params.get('tag') === null) {
    const tag = extra.toTag === undefined ? (status === 100 ? null : newTag()) : extra.toTag;
    if (tag !== null) {
      const params = new Map(req.to.params);
      params.set('tag', tag);
      to = { displayName: req.to.displayName, uri: req.to.uri, params };
      toLine = `${toLine.replace(/;\s*tag\s*$/i, '')};tag=${tag}`;
    }
  }
  h.append('To', toLine);
  h.append('Call-ID', req.headers.get('Call-ID') ?? req.callId);
  h.append('CSeq', req.headers.get('CSeq') ?? `${req.cseq.seq} ${req.cseq.method}`);
  if (status === 100) {
    const ts = req.headers.get('Timestamp');
    if (ts !== undefined) h.append('Timestamp', ts);
  }
  if (extra.headers) for (const [n, v] of extra.headers) h.append(n, v);
  const body = toBody(extra.body);
  if (body.length && extra.contentType) h.set('Content-Type', extra.contentType);
  h.set('Content-Length', String(body.length));
  return {
    kind: 'response',
    status,
    reason: reason ?? reasonPhrase(status),
    headers: h,
    body,
    via: req.via.slice(),
    from: req.from,
    to,
    callId: req.callId,
    cseq: req.cseq,
  };
}

/**
 * A request that belongs to the transaction of `req` (RFC 3261 §17.1.1.3 ACK for a non-2xx, §9.1
 * CANCEL): one Via equal to the request's top Via (same branch), its Request-URI, Route lines,
 * From, Call-ID and CSeq number, with `method` as the CSeq method and `to` as the To line.
 */
function sameTransactionRequest(req: SipRequest, method: 'ACK' | 'CANCEL', to: { line: string | undefined; value: NameAddr }, extraHeaders: ReadonlyArray<readonly [string, string]>): SipRequest {
  const top = topViaValue(req.headers) ?? formatVia(req.via[0]!);
  const h = new HeaderList();
  h.append('Via', top);
  h.append('Max-Forwards', '70');
  for (const r of req.headers.getAll('Route')) h.append('Route', r);
  h.append('From', req.headers.get('From') ?? formatNameAddr(req.from));
  h.append('To', to.line ?? formatNameAddr(to.value));
  h.append('Call-ID', req.headers.get('Call-ID') ?? req.callId);
  const cseq: CSeq = { seq: req.cseq.seq, method };
  h.append('CSeq', `${cseq.seq} ${method}`);
  for (const [n, v] of extraHeaders) h.append(n, v); // e.g. Reason (RFC 3326)
  h.append('Content-Length', '0');
  return {
    kind: 'request', method, uri: req.uri, rawUri: req.rawUri, maxForwards: 70, headers: h, body: Buffer.alloc(0),
    via: req.via.slice(0, 1), from: req.from, to: to.value, callId: req.callId, cseq,
  };
}

/**
 * The ACK a client INVITE transaction sends for a 300–699 response (RFC 3261 §17.1.1.3): Request-URI,
 * Call-ID, From and CSeq number of the INVITE, CSeq method ACK, To of the response, one Via equal to the
 * INVITE's top Via (same branch), and the INVITE's Route lines.
 */
export function createAckForNon2xx(invite: SipRequest, response: SipResponse): SipRequest {
  return sameTransactionRequest(invite, 'ACK', { line: response.headers.get('To'), value: response.to }, []);
}

/**
 * CANCEL for a pending request (RFC 3261 §9.1): Request-URI, Call-ID, From, To and CSeq number of the
 * request, CSeq method CANCEL, one Via equal to the request's top Via (so it shares the branch), and the
 * request's Route lines.
 */
export function createCancel(req: SipRequest, extraHeaders: ReadonlyArray<readonly [string, string]> = []): SipRequest {
  return sameTransactionRequest(req, 'CANCEL', { line: req.headers.get('To'), value: req.to }, extraHeaders);
}

export interface RequestInit {
  method: string;
  uri: Uri;
  from: NameAddr;
  to: NameAddr;
  callId: string;
  /** CSeq number; the CSeq method is `method` (RFC 3261 §8.1.1.5). */
  cseq: number;
  /**
   * Via values, top first. Omit to let the transaction layer add the top Via (sent-by of the transport
   * that sends it, a new branch, `rport`) when it sends the request.
   */
  via?: Via[];
  contact?: NameAddr;
  maxForwards?: number;
  /** Further header lines (Route, Allow, Supported, Authorization, …), in order. */
  headers?: ReadonlyArray<readonly [string, string]>;
  body?: Buffer | string;
  contentType?: string;
}

/**
 * A new request (RFC 3261 §8.1.1): Via (if given), Max-Forwards (default 70), From, To, Call-ID, CSeq,
 * Contact, the extra header lines, Content-Type when there is a body, and Content-Length.
 */
export function createRequest(init: RequestInit): SipRequest {
  const h = new HeaderList();
  const via = init.via ?? [];
  for (const v of via) h.append('Via', formatVia(v));
  const maxForwards = init.maxForwards ?? 70;
  h.append('Max-Forwards', String(maxForwards));
  h.append('From', formatNameAddr(init.from));
  h.append('To', formatNameAddr(init.to));
  h.append('Call-ID', init.callId);
  const cseq: CSeq = { seq: init.cseq, method: init.method };
  h.append('CSeq', `${cseq.seq} ${cseq.method}`);
  if (init.contact) h.append('Contact', formatNameAddr(init.contact));
  if (init.headers) for (const [n, v] of init.headers) h.append(n, v);
  const body = toBody(init.body);
  if (body.length && init.contentType) h.set('Content-Type', init.contentType);
  h.set('Content-Length', String(body.length));
  const rawUri = formatUri(init.uri);
  return {
    kind: 'request',
    method: init.method,
    uri: init.uri,
    rawUri,
    maxForwards,
    headers: h,
    body,
    via: via.slice(),
    from: init.from,
    to: init.to,
    callId: init.callId,
    cseq,
  };
}

function toBody(body: Buffer | string | undefined): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}
