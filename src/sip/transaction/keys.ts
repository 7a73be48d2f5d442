/**
 * Transaction matching keys.
 *
 * Client side (RFC 3261 §17.1.3): a response matches the client transaction whose request carried the
 * same top-Via branch and whose CSeq method equals the response's CSeq method (so a CANCEL, which
 * shares the INVITE's branch, has a transaction of its own).
 *
 * Server side (§17.2.3): with an RFC 3261 branch (magic cookie plus something), branch + sent-by +
 * method, where ACK maps to INVITE. Without one (RFC 2543 peers, and the bare cookie of RFC 4475
 * badbranch.dat), the fallback: Request-URI, From tag, Call-ID, CSeq number, top Via and method (ACK
 * again mapping to INVITE). The To-tag comparisons of the 2543 rules are not applied: for an INVITE
 * the To tag is normally absent, and an ACK carries the tag of our own response.
 */
import { flat, isRfc3261Branch } from '../message/build.ts';
import type { SipRequest, SipResponse, Via } from '../message/types.ts';

const SEP = '\u0001';

/** Keys are stored flat (`flat`): they live as long as their transactions, 64·T1 after the final response. */
export function clientKey(branch: string, method: string): string {
  return flat(branch + SEP + method);
}

/** The client transaction key a response matches, or null when its top Via has no branch. */
export function clientKeyOfResponse(res: SipResponse): string | null {
  const branch = res.via[0]?.branch;
  return branch ? clientKey(branch, res.cseq.method) : null;
}

function sentBy(via: Via): string {
  return via.port === null ? via.host.toLowerCase() : `${via.host.toLowerCase()}:${via.port}`;
}

/**
 * The server transaction key of a request; `asMethod` overrides the method (CANCEL → INVITE finds the
 * transaction a CANCEL cancels, §9.2). Null when the request has no Via.
 */
export function serverKey(req: SipRequest, asMethod?: string): string | null {
  const via = req.via[0];
  if (!via) return null;
  let method = asMethod ?? req.method;
  if (method === 'ACK') method = 'INVITE';
  if (isRfc3261Branch(via.branch)) return flat(via.branch + SEP + sentBy(via) + SEP + method);
  const fromTag = req.from.params.get('tag') ?? '';
  return flat(
    '2543' + SEP + req.rawUri + SEP + fromTag + SEP + req.callId + SEP + req.cseq.seq + SEP +
    via.transport + ' ' + sentBy(via) + ';' + (via.branch ?? '') + SEP + method,
  );
}
