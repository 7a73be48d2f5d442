/**
 * The ordered header list of a SIP message (RFC 3261 §7.3). Field names are case-insensitive and have
 * compact forms (§7.3.3); both are folded to one canonical long name here, so every layer asks for
 * "Via" and finds "v:" and "VIA:" lines alike. Order is kept as received (§7.3.1).
 */
import type { SipHeaders } from './types.js';

/** Compact forms, RFC 3261 §7.3.3 and §20 (plus RFC 3515 r, RFC 3891/4028/3903/3265/6665 extras). */
const COMPACT: Record<string, string> = {
  a: 'Accept-Contact', b: 'Referred-By', c: 'Content-Type', d: 'Request-Disposition', e: 'Content-Encoding',
  f: 'From', i: 'Call-ID', j: 'Reject-Contact', k: 'Supported', l: 'Content-Length', m: 'Contact',
  o: 'Event', r: 'Refer-To', s: 'Subject', t: 'To', u: 'Allow-Events', v: 'Via', x: 'Session-Expires', y: 'Identity',
};

/** Canonical spelling of the headers Tandem reads or writes; any other name is title-cased per word. */
const KNOWN = [
  'Accept', 'Accept-Encoding', 'Accept-Language', 'Alert-Info', 'Allow', 'Allow-Events', 'Authentication-Info',
  'Authorization', 'Call-ID', 'Call-Info', 'Contact', 'Content-Disposition', 'Content-Encoding',
  'Content-Language', 'Content-Length', 'Content-Type', 'CSeq', 'Date', 'Error-Info', 'Event', 'Expires', 'From',
  'In-Reply-To', 'Max-Forwards', 'Min-Expires', 'Min-SE', 'MIME-Version', 'Organization', 'P-Asserted-Identity',
  'P-Preferred-Identity', 'Path', 'Priority', 'Privacy', 'Proxy-Authenticate', 'Proxy-Authorization',
  'Proxy-Require', 'RAck', 'Reason', 'Record-Route', 'Refer-To', 'Referred-By', 'Reply-To', 'Require',
  'Retry-After', 'Route', 'RSeq', 'Server', 'Session-Expires', 'SIP-ETag', 'SIP-If-Match', 'Subject',
  'Subscription-State', 'Supported', 'Timestamp', 'To', 'Unsupported', 'User-Agent', 'Via', 'Warning',
  'WWW-Authenticate', 'Identity', 'Accept-Contact', 'Reject-Contact', 'Request-Disposition',
];
const CANONICAL = new Map<string, string>();
for (const k of KNOWN) {
  CANONICAL.set(k.toLowerCase(), k);
  CANONICAL.set(k, k);
}
for (const [short, long] of Object.entries(COMPACT)) {
  CANONICAL.set(short, long);
  CANONICAL.set(short.toUpperCase(), long);
}

/**
 * Unknown names are cached too, but only up to this many: names come from the network, and an unbounded
 * cache would let a peer grow memory forever with random header names.
 */
const MAX_LEARNED = 2048;
let learned = 0;

/** The canonical long form of a header name: `v` → `Via`, `call-id` → `Call-ID`, `x-foo` → `X-Foo`. */
export function canonicalHeaderName(name: string): string {
  const exact = CANONICAL.get(name); // the common case: already canonical or a compact form
  if (exact) return exact;
  const lower = name.toLowerCase();
  const known = CANONICAL.get(lower);
  if (known) return known;
  const titled = lower.replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
  if (learned < MAX_LEARNED) {
    learned++;
    CANONICAL.set(lower, titled);
  }
  return titled;
}

/** Array-backed implementation: messages carry tens of headers, where a linear scan beats a map. */
export class HeaderList implements SipHeaders {
  private names: string[];
  private values: string[];

  constructor(entries: Iterable<readonly [string, string]> = []) {
    this.names = [];
    this.values = [];
    for (const [n, v] of entries) this.append(n, v);
  }

  /**
   * Adopts two parallel arrays whose names are already canonical (the parser builds them); no copy.
   * The caller must not keep using the arrays.
   */
  static fromCanonical(names: string[], values: string[]): HeaderList {
    const h = new HeaderList();
    h.names = names;
    h.values = values;
    return h;
  }

  /** Number of header lines. */
  get size(): number {
    return this.names.length;
  }

  get(name: string): string | undefined {
    const n = canonicalHeaderName(name);
    const i = this.names.indexOf(n);
    return i < 0 ? undefined : this.values[i];
  }

  getAll(name: string): string[] {
    const n = canonicalHeaderName(name);
    const out: string[] = [];
    for (let i = 0; i < this.names.length; i++) if (this.names[i] === n) out.push(this.values[i]!);
    return out;
  }

  has(name: string): boolean {
    return this.names.includes(canonicalHeaderName(name));
  }

  set(name: string, value: string): void {
    const n = canonicalHeaderName(name);
    const i = this.names.indexOf(n);
    if (i < 0) {
      this.append(n, value);
      return;
    }
    this.values[i] = value;
    for (let j = this.names.length - 1; j > i; j--) {
      if (this.names[j] === n) {
        this.names.splice(j, 1);
        this.values.splice(j, 1);
      }
    }
  }

  append(name: string, value: string): void {
    this.names.push(canonicalHeaderName(name));
    this.values.push(value);
  }

  prepend(name: string, value: string): void {
    const n = canonicalHeaderName(name);
    const i = this.names.indexOf(n);
    const at = i < 0 ? this.names.length : i;
    this.names.splice(at, 0, n);
    this.values.splice(at, 0, value);
  }

  delete(name: string): void {
    const n = canonicalHeaderName(name);
    for (let j = this.names.length - 1; j >= 0; j--) {
      if (this.names[j] === n) {
        this.names.splice(j, 1);
        this.values.splice(j, 1);
      }
    }
  }

  entries(): Array<[string, string]> {
    return this.names.map((n, i) => [n, this.values[i]!]);
  }

  clone(): HeaderList {
    return new HeaderList(this.entries());
  }
}
