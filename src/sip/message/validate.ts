/**
 * Request checks a UAS makes before any application logic (RFC 3261 §8.2.1–§8.2.3, §16.3 step 3), for
 * a request that parsed. The parser already answers what is pure syntax of the eagerly parsed headers
 * (missing or repeated mandatory headers, overlarge scalars, CSeq mismatch: RFC 4475 insuf, multi01,
 * mcl01, scalar02, …); this adds what needs a look at lazily parsed headers or a little configuration:
 *
 * 1. 400 — a Contact that does not parse (RFC 4475 §3.1.2.13 regbadct: a URI with `?` outside `<>`), a
 *    Date that is not an RFC 1123 date in GMT (§20.17, RFC 4475 §3.1.2.12 baddate: we reject rather than
 *    ignore, as the RFC prefers).
 * 2. 483 — Max-Forwards 0 on a request Tandem would forward (§16.3 step 3); a request addressed to Tandem
 *    itself is answered (RFC 4475 §3.3.11 zeromf). The caller says which with `forUs`.
 * 3. 416 — a Request-URI scheme other than sip, sips or tel (§8.2.2.1). This covers unknown schemes
 *    (RFC 4475 §3.3.2 unkscm) and registered ones Tandem never serves, e.g. soap.beep (§3.3.3 novelsc:
 *    "if an element will never accept this scheme as meaningful in a Request-URI, it is appropriate to
 *    treat it as unknown and return a 416").
 * 4. 420 + Unsupported — option tags of Require not in `supported` (§8.2.2.3; RFC 4475 §3.3.5 bext01);
 *    Proxy-Require as well when acting as a proxy (`forUs: false`, §16.3 step 5). Never for ACK and
 *    CANCEL, whose Require / Proxy-Require are ignored (§8.2.2.3).
 * 5. 415 + Accept / Accept-Encoding — a body whose Content-Type is not in `acceptedTypes`, or a
 *    Content-Encoding other than identity (§8.2.3; RFC 4475 §3.3.6 invut). Not for ACK.
 *
 * An ACK is never answered (§17.2.1); for an ACK the result only tells the caller to drop it.
 */
import { parseContact, parseMediaType, splitHeaderValues } from './headers-parse.js';
import { SipParseError, type SipRequest } from './types.js';

export interface RequestValidationOptions {
  /** Option tags Tandem supports (Require / Proxy-Require); compared case-insensitively. Default: none. */
  supported?: readonly string[];
  /** Media types accepted in bodies, "type/subtype" lower case. Default: application/sdp. */
  acceptedTypes?: readonly string[];
  /** The request is addressed to Tandem itself (not forwarded as a proxy would). Default: true. */
  forUs?: boolean;
}

export interface ValidationFailure {
  status: 400 | 415 | 416 | 420 | 483;
  reason: string;
  /** Header fields the response must carry (Unsupported for 420, Accept for 415, …). */
  headers: Array<[string, string]>;
}

const DEFAULT_TYPES: readonly string[] = ['application/sdp'];

/** The first failed check of RFC 3261 §8.2.1–§8.2.3 (see the module comment), or null. */
export function requestValidation(req: SipRequest, options: RequestValidationOptions = {}): ValidationFailure | null {
  const forUs = options.forUs ?? true;
  const isAck = req.method === 'ACK';
  const h = req.headers;

  // 1. Syntax of lazily parsed headers that RFC 4475 expects rejected.
  for (const c of h.getAll('Contact')) {
    try {
      parseContact(c);
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      return fail(400, 'Bad Request (malformed Contact)');
    }
  }
  const date = h.getAll('Date');
  if (date.length > 1 || (date.length === 1 && !isSipDate(date[0]!))) return fail(400, 'Bad Request (malformed Date)');

  // 2. §16.3 step 3: a request to forward with Max-Forwards 0.
  if (!forUs && req.maxForwards === 0 && !isAck) return fail(483, 'Too Many Hops');

  // 3. §8.2.2.1: Request-URI scheme.
  const scheme = req.uri.scheme.toLowerCase();
  if (scheme !== 'sip' && scheme !== 'sips' && scheme !== 'tel') return fail(416, 'Unsupported URI Scheme');

  // 4. §8.2.2.3 (and §16.3 step 5 for a proxy): option tags we do not support.
  if (!isAck && req.method !== 'CANCEL') {
    let supported: Set<string> | null = null; // built only when a request requires something
    const unsupported: string[] = [];
    const lists = forUs ? [h.getAll('Require')] : [h.getAll('Require'), h.getAll('Proxy-Require')];
    for (const lines of lists) {
      for (const line of lines) {
        supported ??= new Set((options.supported ?? []).map((t) => t.toLowerCase()));
        for (const tag of splitHeaderValues(line)) {
          if (!supported.has(tag.toLowerCase()) && !unsupported.includes(tag)) unsupported.push(tag);
        }
      }
    }
    if (unsupported.length > 0) return fail(420, 'Bad Extension', [['Unsupported', unsupported.join(', ')]]);
  }

  // 5. §8.2.3: content we cannot process.
  if (!isAck && req.body.length > 0) {
    const accepted = options.acceptedTypes ?? DEFAULT_TYPES;
    const acceptHeader: Array<[string, string]> = [['Accept', accepted.join(', ')]];
    const encoding = h.get('Content-Encoding');
    if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
      return fail(415, 'Unsupported Media Type', [...acceptHeader, ['Accept-Encoding', 'identity']]);
    }
    const ct = h.get('Content-Type');
    // §20.15: a body without Content-Type is application/sdp in practice; RFC 3261 requires the header, but
    // peers omit it; we only refuse a type we know we cannot read.
    if (ct !== undefined) {
      let type: string;
      try {
        const m = parseMediaType(ct);
        type = m.type + '/' + m.subtype;
      } catch (e) {
        if (!(e instanceof SipParseError)) throw e;
        return fail(400, 'Bad Request (malformed Content-Type)');
      }
      if (!accepted.includes(type)) return fail(415, 'Unsupported Media Type', acceptHeader);
    }
  }
  return null;
}

function fail(status: ValidationFailure['status'], reason: string, headers: Array<[string, string]> = []): ValidationFailure {
  return { status, reason, headers };
}

// SIP-date = rfc1123-date = wkday "," SP date1 SP time SP "GMT"; date1 = 2DIGIT SP month SP 4DIGIT;
// time = 2DIGIT ":" 2DIGIT ":" 2DIGIT (RFC 3261 §25.1). A fixed-shape pattern: no backtracking.
const SIP_DATE = /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/** RFC 3261 §20.17: a Date value must be an RFC 1123 date in GMT. */
export function isSipDate(s: string): boolean {
  return s.length <= 64 && SIP_DATE.test(s);
}
