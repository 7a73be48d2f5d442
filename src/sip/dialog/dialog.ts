/**
 * A dialog (RFC 3261 §12): the peer-to-peer state one side keeps — Call-ID, local and remote tags,
 * local and remote CSeq, remote target and route set — and the requests built inside it (§12.2.1.1).
 *
 * Tandem is a B2BUA: every call has two (or more) dialogs, one per leg, never shared. Each leg also
 * remembers the transport address its peer was reached on (`peer`), and sends every in-dialog request
 * there: for a device that is the address its REGISTER or INVITE came from (RFC 3581, so NAT works
 * without the device's help), for a carrier the trunk's address. Route headers from the route set are
 * still sent (§12.2.1.1), so a loose-routing proxy on the path sees them.
 */
import { createRequest } from '../message/build.ts';
import { formatNameAddr, parseNameAddrList } from '../message/headers-parse.ts';
import type { Endpoint, NameAddr, SipRequest, SipResponse, Uri } from '../message/types.ts';

export class Dialog {
  /** Our CSeq for the next request we send (§12.2.1.1: incremented by one for each). */
  private localSeq: number;
  /** The highest CSeq seen from the peer (§12.2.2: lower ones are refused with 500). */
  remoteSeq: number | null;

  constructor(
    readonly callId: string,
    readonly localTag: string,
    readonly remoteTag: string,
    /** Our URI with display name (From of our requests). */
    readonly local: NameAddr,
    /** The peer's URI (To of our requests). */
    readonly remote: NameAddr,
    public remoteTarget: Uri,
    readonly routeSet: string[],
    readonly peer: Endpoint,
    localSeq: number,
    remoteSeq: number | null,
    /** Our Contact (the B2BUA's address as the peer reaches it). */
    readonly contact: NameAddr,
  ) {
    this.localSeq = localSeq;
    this.remoteSeq = remoteSeq;
  }

  /**
   * The UAS side (§12.1.1): from the INVITE we received and the 2xx we sent. The route set is the
   * Record-Route of the request in order; the remote target is the request's Contact.
   */
  static asUas(invite: SipRequest, localTag: string, contact: NameAddr, peer: Endpoint): Dialog {
    const routeSet = invite.headers.getAll('Record-Route').flatMap(splitRoutes);
    const target = contactUri(invite.headers.get('Contact')) ?? invite.from.uri;
    const local: NameAddr = { ...invite.to, params: new Map([...invite.to.params, ['tag', localTag]]) };
    return new Dialog(invite.callId, localTag, invite.from.params.get('tag') ?? '', local, invite.from, target, routeSet, peer, 0, invite.cseq.seq, contact);
  }

  /**
   * The UAC side (§12.1.2): from the INVITE we sent and the 2xx (or 1xx with a To tag) we received.
   * The route set is the response's Record-Route in reverse order; the remote target its Contact.
   */
  static asUac(invite: SipRequest, res: SipResponse, contact: NameAddr, peer: Endpoint): Dialog {
    const routeSet = res.headers.getAll('Record-Route').flatMap(splitRoutes).reverse();
    const target = contactUri(res.headers.get('Contact')) ?? invite.uri;
    return new Dialog(invite.callId, invite.from.params.get('tag') ?? '', res.to.params.get('tag') ?? '', invite.from, res.to, target, routeSet, peer, invite.cseq.seq, null, contact);
  }

  /** The next in-dialog request (§12.2.1.1). ACK and CANCEL reuse the CSeq of their INVITE: pass `seq`. */
  request(method: string, opts: { seq?: number; body?: Buffer; contentType?: string; headers?: [string, string][] } = {}): SipRequest {
    const seq = opts.seq ?? ++this.localSeq;
    const headers: [string, string][] = this.routeSet.map((r) => ['Route', r] as [string, string]);
    if (opts.headers) headers.push(...opts.headers);
    return createRequest({
      method, uri: this.remoteTarget, from: this.local, to: this.remote, callId: this.callId, cseq: seq,
      contact: method === 'INVITE' || method === 'UPDATE' ? this.contact : undefined,
      headers, ...(opts.body && opts.body.length > 0 ? { body: opts.body, contentType: opts.contentType ?? 'application/sdp' } : {}),
    });
  }

  /** Accepts the peer's CSeq of an in-dialog request; false when it is out of order (§12.2.2: 500). */
  acceptRemoteSeq(req: SipRequest): boolean {
    if (req.method === 'ACK' || req.method === 'CANCEL') return true;
    if (this.remoteSeq !== null && req.cseq.seq <= this.remoteSeq) return false;
    this.remoteSeq = req.cseq.seq;
    return true;
  }

  /** A target refresh (re-INVITE, UPDATE) with a Contact moves the remote target (§12.2.2). */
  refreshTarget(msg: SipRequest | SipResponse): void {
    const u = contactUri(msg.headers.get('Contact'));
    if (u) this.remoteTarget = u;
  }
}

/** One Route value per entry of a Record-Route line (a line may hold several, §20.30). */
function splitRoutes(line: string): string[] {
  try {
    return parseNameAddrList(line).map(formatNameAddr);
  } catch {
    return [];
  }
}

function contactUri(value: string | undefined): Uri | null {
  if (!value) return null;
  try {
    return parseNameAddrList(value)[0]?.uri ?? null;
  } catch {
    return null;
  }
}
