/**
 * The SIP message model (RFC 3261 §7): what the parser produces, the serializer writes, and every
 * layer above (transport, transaction, dialog, registrar, B2BUA) works with.
 *
 * Headers keep their order and their raw values (RFC 3261 §7.3.1: a proxy must not reorder values of a
 * header field); names are stored in canonical long form ("v" → "Via", "CALL-ID" → "Call-ID"). The
 * headers every layer needs on every message (Via, From, To, Call-ID, CSeq, Max-Forwards,
 * Content-Length) are parsed once by the parser and exposed on the message; the others are parsed on
 * demand with the functions of `./headers-parse.ts` (URIs: `./uri.ts`).
 */

/** A SIP or SIPS URI (RFC 3261 §19.1). `user` and `password` keep their %-escapes as received. */
export interface SipUri {
  scheme: 'sip' | 'sips';
  user: string | null;
  password: string | null;
  host: string; // lower-cased; IPv6 references keep their brackets
  port: number | null;
  /** uri-parameters, names lower-cased; a parameter without a value maps to null. */
  params: Map<string, string | null>;
  /** URI headers (`?name=value&…`), escaped as received. */
  headers: Map<string, string>;
}

/** Any absolute URI whose scheme is not sip/sips (tel:, soap.beep:, …): kept opaque (RFC 3261 §19.1.6). */
export interface OtherUri {
  scheme: string;
  value: string; // everything after "scheme:"
}

export type Uri = SipUri | OtherUri;

/** name-addr / addr-spec with header parameters: From, To, Contact, Route, Record-Route (RFC 3261 §20). */
export interface NameAddr {
  displayName: string | null; // unquoted and unescaped
  uri: Uri;
  /** header parameters (`;tag=…`, `;expires=…`), names lower-cased. */
  params: Map<string, string | null>;
}

/** One Via value (RFC 3261 §20.42, §18.2.1). */
export interface Via {
  protocol: string; // "SIP/2.0"
  transport: string; // upper-cased: UDP, TCP, TLS, WS, WSS, SCTP or any token
  host: string;
  port: number | null;
  params: Map<string, string | null>; // names lower-cased (branch, received, rport, maddr, ttl, …)
  branch: string | null;
}

export interface CSeq {
  seq: number; // 0 … 2^31-1 (RFC 3261 §8.1.1.5)
  method: string;
}

/** Ordered header list; name look-ups are case-insensitive and understand compact forms. */
export interface SipHeaders {
  /** First value of the header (for a comma-separated list header: the first field line as written). */
  get(name: string): string | undefined;
  /** Every field line of the header, in order (not split on commas: use the parse functions for that). */
  getAll(name: string): string[];
  has(name: string): boolean;
  /** Replaces every line of the header with one line (appends if absent). */
  set(name: string, value: string): void;
  append(name: string, value: string): void;
  /** Inserts as the first line of that header (e.g. a new top Via or Record-Route). */
  prepend(name: string, value: string): void;
  delete(name: string): void;
  /** All lines in order as [canonical name, value]. */
  entries(): Array<[string, string]>;
  clone(): SipHeaders;
}

interface SipMessageBase {
  headers: SipHeaders;
  body: Buffer;
  /** Parsed from headers by the parser; a message built in code derives these via the builders. */
  via: Via[];
  from: NameAddr;
  to: NameAddr;
  callId: string;
  cseq: CSeq;
}

export interface SipRequest extends SipMessageBase {
  kind: 'request';
  method: string; // case-sensitive token (RFC 3261 §7.1)
  uri: Uri;
  /** The Request-URI exactly as it appeared on the request line. */
  rawUri: string;
  maxForwards: number | null;
}

export interface SipResponse extends SipMessageBase {
  kind: 'response';
  status: number; // 100 … 699
  reason: string;
}

export type SipMessage = SipRequest | SipResponse;

/** Where a message came from or goes to, as the transport layer sees it. */
export interface Endpoint {
  transport: 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS';
  address: string;
  port: number;
  /** For connection-oriented transports: the connection the message arrived on. */
  connectionId?: string;
}

/** Parser limits (defaults in ./parser.ts); exceeding one is a parse error, never unbounded work. */
export interface ParseLimits {
  maxMessageBytes: number;
  maxHeaders: number;
  maxLineBytes: number;
}

/**
 * A parse failure. For requests whose request line and Via/CSeq/Call-ID/From/To could still be read,
 * `partial` carries them so the server can answer with `status` (400, 505, …) instead of dropping
 * (RFC 3261 §8.2, RFC 4475 §3.1.2).
 */
export class SipParseError extends Error {
  constructor(
    message: string,
    public readonly status: 400 | 413 | 505 | 416,
    public readonly partial: Partial<SipRequest> | null = null,
  ) {
    super(message);
  }
}
