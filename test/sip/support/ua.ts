/**
 * A minimal scripted user agent over a test SipClient (./client.ts): it writes the requests a phone
 * would (REGISTER, OPTIONS, MESSAGE, INVITE/ACK/BYE, in-dialog requests), answers a Digest challenge
 * once (RFC 3261 §22.2), and answers requests it receives (§8.2.6). Every message is written out in
 * full here, so a test can tell exactly what the server was sent, and reads the server's answers with
 * the client's independent reader.
 *
 *   const ua = new ScriptedUa(client, phone, { viaHost: 'df7jal23ls0d.invalid' });
 *   assert.equal((await ua.register()).status, 200);
 *   const { final } = await ua.request('MESSAGE', `sip:${other}@${phone.domain}`, { body: 'hi', contentType: 'text/plain' });
 */
import { digestAuthorization, param, rand, sipText, type SipClient, type SipMsg } from './client.ts';

export interface UaIdentity {
  username: string;
  password: string;
  domain: string;
}

export interface UaOptions {
  /** Via sent-by host (default: the socket's own address; RFC 7118 clients use a random ".invalid" name). */
  viaHost?: string;
  /** Via sent-by port (default: the socket's own port); null: none (RFC 7118 §5 examples). */
  viaPort?: number | null;
  /** Contact host and port (default: the Via's; null: none). */
  contactHost?: string;
  contactPort?: number | null;
  /** Add `rport` to the Via (RFC 3581 §3); default true. */
  rport?: boolean;
}

export interface Exchange {
  /** The final answer (after the challenge was answered, if there was one). */
  final: SipMsg;
  /** Provisional answers of the last attempt. */
  provisional: SipMsg[];
  /** The challenge answered, if any (401/407). */
  challenge: SipMsg | null;
  /** The request as last sent (text). */
  sent: string;
}

/** The dialog a UAC holds after a 2xx to its INVITE (RFC 3261 §12.1.2). */
export interface UacDialog {
  callId: string;
  fromTag: string;
  toTag: string;
  /** The remote target: the 2xx's Contact URI. */
  target: string;
  /** To header value of the 2xx (with its tag). */
  to: string;
  cseq: number;
}

export class ScriptedUa {
  readonly fromTag = rand();
  readonly viaHost: string;
  readonly viaPort: number | null;
  readonly contactHost: string;
  readonly contactPort: number | null;
  private readonly rport: boolean;
  private cseq = 0;

  constructor(readonly client: SipClient, readonly me: UaIdentity, opts: UaOptions = {}) {
    this.viaHost = opts.viaHost ?? client.local.address;
    this.viaPort = opts.viaPort === undefined ? client.local.port : opts.viaPort;
    this.contactHost = opts.contactHost ?? this.viaHost;
    this.contactPort = opts.contactPort === undefined ? this.viaPort : opts.contactPort;
    this.rport = opts.rport ?? true;
  }

  get aor(): string {
    return `sip:${this.me.username}@${this.me.domain}`;
  }

  /** `transport=` parameter of our Contact: none for UDP; `ws` for WS and WSS alike (RFC 7118 §5, §8 examples). */
  private get tparam(): string {
    const t = this.client.transport;
    return t === 'UDP' ? '' : `;transport=${t === 'WSS' ? 'ws' : t.toLowerCase()}`;
  }

  get contact(): string {
    return `<sip:${this.me.username}@${this.contactHost}${this.contactPort === null ? '' : `:${this.contactPort}`}${this.tparam}>`;
  }

  via(branch = `z9hG4bK${rand()}`): string {
    return `Via: SIP/2.0/${this.client.transport} ${this.viaHost}${this.viaPort === null ? '' : `:${this.viaPort}`};branch=${branch}${this.rport ? ';rport' : ''}`;
  }

  nextCseq(): number {
    return ++this.cseq;
  }

  /**
   * Sends a request outside a dialog and waits for its final answer; a 401 is answered once with
   * credentials (new branch, CSeq + 1, same Call-ID and From tag, §22.2). For INVITE, the ACK of a
   * non-2xx final answer is sent in its transaction (§17.1.1.3).
   */
  async request(method: string, ruri: string, opts: { to?: string; body?: string; contentType?: string; headers?: string[]; callId?: string; expires?: number; timeoutMs?: number; noAuth?: boolean } = {}): Promise<Exchange> {
    const callId = opts.callId ?? `${rand()}@test`;
    const to = opts.to ?? `<${ruri}>`;
    let authorization: string | null = null;
    let challenge: SipMsg | null = null;
    for (;;) {
      const branch = `z9hG4bK${rand()}`;
      const cseq = this.nextCseq();
      const lines = [
        `${method} ${ruri} SIP/2.0`, this.via(branch), 'Max-Forwards: 70', `From: <${this.aor}>;tag=${this.fromTag}`, `To: ${to}`,
        `Call-ID: ${callId}`, `CSeq: ${cseq} ${method}`, `Contact: ${this.contact}`, 'User-Agent: Tandem tests (scripted UA)',
        ...(opts.expires !== undefined ? [`Expires: ${opts.expires}`] : []),
        ...(authorization ? [`Authorization: ${authorization}`] : []),
        ...(opts.headers ?? []),
        ...(opts.body !== undefined ? [`Content-Type: ${opts.contentType ?? 'application/sdp'}`] : []),
      ];
      const sent = sipText(lines, opts.body ?? '');
      this.client.send(sent);
      const provisional: SipMsg[] = [];
      const mine = (m: SipMsg) => m.status !== null && param(m.header('Via'), 'branch') === branch;
      let final: SipMsg;
      for (;;) {
        const m = await this.client.next(mine, opts.timeoutMs ?? 8000);
        if (m.status! < 200) provisional.push(m);
        else {
          final = m;
          break;
        }
      }
      if (method === 'INVITE' && final.status! >= 300) {
        // §17.1.1.3: ACK for a non-2xx in the INVITE's transaction: same branch, To of the answer.
        this.client.send(sipText([`ACK ${ruri} SIP/2.0`, this.via(branch), 'Max-Forwards: 70', `From: <${this.aor}>;tag=${this.fromTag}`, `To: ${final.header('To')}`, `Call-ID: ${callId}`, `CSeq: ${cseq} ACK`]));
      }
      if (final.status === 401 && authorization === null && !opts.noAuth) {
        challenge = final;
        authorization = digestAuthorization(final.all('WWW-Authenticate'), { method, uri: ruri, username: this.me.username, password: this.me.password });
        continue;
      }
      return { final, provisional, challenge, sent };
    }
  }

  /** REGISTER of our AOR with our Contact (§10.2), answering the challenge. */
  register(expires = 3600): Promise<Exchange> {
    return this.request('REGISTER', `sip:${this.me.domain}`, { to: `<${this.aor}>`, expires });
  }

  /** The dialog of an answered INVITE (§12.1.2), and its ACK sent (§13.2.2.4: a new transaction). */
  ack(invite: Exchange, body?: string): UacDialog {
    const res = invite.final;
    const cseq = Number(/^(\d+)/.exec(res.header('CSeq') ?? '')?.[1]);
    const d: UacDialog = {
      callId: res.header('Call-ID')!, fromTag: this.fromTag, toTag: param(res.header('To'), 'tag') ?? '',
      target: /<([^>]+)>/.exec(res.header('Contact') ?? '')?.[1] ?? '', to: res.header('To')!, cseq,
    };
    this.client.send(this.inDialogText(d, 'ACK', cseq, body));
    return d;
  }

  /** A request in a dialog we started (§12.2.1.1): To with the remote tag, the remote target as Request-URI. */
  inDialogText(d: UacDialog, method: string, cseq: number, body?: string, headers: string[] = [], branch?: string): string {
    return sipText([
      `${method} ${d.target} SIP/2.0`, this.via(branch), 'Max-Forwards: 70', `From: <${this.aor}>;tag=${d.fromTag}`, `To: ${d.to}`,
      `Call-ID: ${d.callId}`, `CSeq: ${cseq} ${method}`, ...(method === 'INVITE' || method === 'UPDATE' ? [`Contact: ${this.contact}`] : []),
      ...headers, ...(body !== undefined ? ['Content-Type: application/sdp'] : []),
    ], body ?? '');
  }

  /** Sends a request in dialog `d` and waits for its final answer. */
  async inDialog(d: UacDialog, method: string, opts: { body?: string; headers?: string[]; timeoutMs?: number } = {}): Promise<SipMsg> {
    d.cseq += 1;
    const branch = `z9hG4bK${rand()}`;
    this.client.send(this.inDialogText(d, method, d.cseq, opts.body, opts.headers, branch));
    return this.client.next((m) => m.status !== null && m.status >= 200 && param(m.header('Via'), 'branch') === branch, opts.timeoutMs ?? 8000);
  }

  /**
   * A response to a received request (§8.2.6.2): its Via lines, From, To (with `toTag` added when it
   * has none), Call-ID and CSeq, then `headers` and the body.
   */
  responseText(req: SipMsg, status: number, reason: string, opts: { toTag?: string; headers?: string[]; body?: string; contentType?: string } = {}): string {
    const to = req.header('To')!;
    const toLine = param(to, 'tag') === undefined && opts.toTag ? `${to};tag=${opts.toTag}` : to;
    return sipText([
      `SIP/2.0 ${status} ${reason}`, ...req.all('Via').map((v) => `Via: ${v}`), `From: ${req.header('From')}`, `To: ${toLine}`,
      `Call-ID: ${req.header('Call-ID')}`, `CSeq: ${req.header('CSeq')}`, ...(opts.headers ?? []),
      ...(opts.body !== undefined ? [`Content-Type: ${opts.contentType ?? 'application/sdp'}`] : []),
    ], opts.body ?? '');
  }

  reply(req: SipMsg, status: number, reason: string, opts: { toTag?: string; headers?: string[]; body?: string; contentType?: string } = {}): void {
    this.client.send(this.responseText(req, status, reason, opts));
  }
}

/** A small SDP offer or answer (RFC 4566) naming `port` and a marker attribute, so a test can tell bodies apart. */
export function sdp(host: string, port: number, marker: string, version = 1): string {
  return [
    'v=0', `o=- 4711 ${version} IN IP4 ${host}`, 's=-', `c=IN IP4 ${host}`, 't=0 0', `m=audio ${port} RTP/AVP 0 101`,
    'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', `a=x-tandem-test:${marker}`, '',
  ].join('\r\n');
}
