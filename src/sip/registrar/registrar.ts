/**
 * The registrar (RFC 3261 §10.3), one SIP domain per account (spec §10). A device authenticates with
 * its digest credentials and may register only its own address-of-record, `sip:<its user name>@<its
 * account's domain>` (issue 5). Bindings go to the location service, which makes them durable before
 * the 200 OK is sent.
 *
 * Choices: expiry defaults to {@link RegistrarOptions.defaultExpires} and is capped at `maxExpires`;
 * below `minExpires` the answer is 423 with Min-Expires (§10.3 step 7, §21.4.17); a device holds at
 * most `maxContacts` bindings (more → 403, naming the limit); a REGISTER that reuses a binding's
 * Call-ID with an older or equal CSeq is out of order and refused with 500 and Retry-After (§10.3
 * step 7 "the update MUST be aborted and the request fails").
 */
import type { AuthResult, SipAuthenticator } from '../auth/authenticator.ts';
import { parseContact, parseUnsigned } from '../message/headers-parse.ts';
import type { Endpoint, NameAddr, SipRequest, SipUri } from '../message/types.ts';
import { formatUri, isSipUri, unescapedUser } from '../message/uri.ts';
import type { Binding, LocationChange, LocationService } from './location.ts';

export interface RegistrarOptions {
  minExpires: number;
  maxExpires: number;
  defaultExpires: number;
  maxContacts: number;
  now: () => number;
}

export const DEFAULT_REGISTRAR: Omit<RegistrarOptions, 'now'> = { minExpires: 60, maxExpires: 3600, defaultExpires: 3600, maxContacts: 10 };

/** What the SIP core sends back: a status, its reason and extra headers. `drop`: send nothing. */
export interface RegisterAnswer {
  status: number;
  reason: string;
  headers: [string, string][];
  drop?: boolean;
  /** The device that registered, for logs and metrics. */
  deviceId?: string;
}

const MAX_EXPIRES_VALUE = 2 ** 32 - 1; // RFC 3261 §20.19: delta-seconds fit 32 bits

export class Registrar {
  private readonly opts: RegistrarOptions;

  constructor(private readonly auth: SipAuthenticator, private readonly location: LocationService, opts: Partial<RegistrarOptions> = {}) {
    this.opts = { ...DEFAULT_REGISTRAR, now: Date.now, ...opts };
  }

  async register(req: SipRequest, source: Endpoint): Promise<RegisterAnswer> {
    // §10.3 steps 1–4: the domain and the credentials (unknown domains are challenged all the same).
    const a: AuthResult = this.auth.authenticate(req, source.address);
    if (!a.ok) return { status: a.status, reason: a.reason, headers: a.headers, drop: a.drop };
    const { account, device } = a;

    // Step 5: the address-of-record in To must be the device's own.
    const to = req.to.uri;
    if (!isSipUri(to) || to.host !== account.domain || (unescapedUser(to) ?? '').toLowerCase() !== device.username) {
      return { status: 403, reason: 'A device may register only its own address', headers: [], deviceId: device.id };
    }

    // Step 6–7: the contacts.
    const lines = req.headers.getAll('Contact');
    const now = this.opts.now();
    const current = new Map(this.location.bindings(device.id).map((b) => [b.contact, b]));
    const headerExpires = req.headers.get('Expires');
    const defaultExpires = headerExpires === undefined ? this.opts.defaultExpires : parseUnsigned(headerExpires, MAX_EXPIRES_VALUE);
    if (defaultExpires === null) return { status: 400, reason: 'Bad Expires header', headers: [] };

    let contacts: NameAddr[] = [];
    let wildcard = false;
    try {
      for (const line of lines) {
        const c = parseContact(line);
        if (c === '*') wildcard = true;
        else contacts.push(...c);
      }
    } catch {
      return { status: 400, reason: 'Bad Contact header', headers: [] };
    }

    const changes: LocationChange[] = [];
    if (wildcard) {
      // §10.3 step 6: "*" only alone and with Expires: 0.
      if (contacts.length > 0 || lines.length !== 1 || headerExpires === undefined || defaultExpires !== 0) {
        return { status: 400, reason: 'Contact "*" must be alone and come with Expires: 0', headers: [] };
      }
      for (const b of current.values()) {
        if (b.callId === req.callId && req.cseq.seq <= b.cseq) return outOfOrder();
      }
      changes.push({ op: 'clear', accountId: account.id, deviceId: device.id });
      contacts = [];
    }

    const next = new Map(current);
    for (const c of contacts) {
      if (!isSipUri(c.uri)) return { status: 400, reason: 'Contact must be a sip or sips URI', headers: [] };
      const given = c.params.get('expires');
      const e = given === undefined ? defaultExpires : given === null ? null : parseUnsigned(given, MAX_EXPIRES_VALUE);
      if (e === null) return { status: 400, reason: 'Bad expires parameter in Contact', headers: [] };
      if (e > 0 && e < this.opts.minExpires) {
        return { status: 423, reason: 'Interval Too Brief', headers: [['Min-Expires', String(this.opts.minExpires)]] };
      }
      const uri = formatUri(c.uri);
      const old = current.get(uri);
      if (old && old.callId === req.callId && req.cseq.seq <= old.cseq) return outOfOrder();
      if (e === 0) {
        next.delete(uri);
        changes.push({ op: 'remove', accountId: account.id, deviceId: device.id, contact: uri });
        continue;
      }
      const q = c.params.get('q');
      const binding: Binding = {
        accountId: account.id, deviceId: device.id, contact: uri, callId: req.callId, cseq: req.cseq.seq,
        expiresAt: now + Math.min(e, this.opts.maxExpires) * 1000,
        q: q ? Math.min(1, Math.max(0, Number(q) || 0)) : null,
        instanceId: unquoted(c.params.get('+sip.instance')),
        userAgent: (req.headers.get('User-Agent') ?? '').slice(0, 200),
        source: reachAt(c.uri, source),
      };
      next.set(uri, binding);
      changes.push({ op: 'upsert', binding });
    }
    if (next.size > this.opts.maxContacts) {
      return { status: 403, reason: `A device may register at most ${this.opts.maxContacts} contacts`, headers: [] };
    }
    if (changes.length > 0) await this.location.apply(changes);

    // §10.3 step 8: 200 OK listing every current binding with its remaining time.
    const headers: [string, string][] = [];
    for (const b of this.location.bindings(device.id)) {
      headers.push(['Contact', `<${b.contact}>;expires=${Math.max(0, Math.round((b.expiresAt - now) / 1000))}`]);
    }
    headers.push(['Date', new Date(now).toUTCString()]);
    return { status: 200, reason: 'OK', headers, deviceId: device.id };
  }
}

/**
 * Where requests to a contact go. Over a connection (TCP, TLS, WS): back on it. Over UDP: the Contact's
 * own address when it is the address the REGISTER came from (no NAT on the way, so the port the phone
 * names is right even when it registered from another socket); otherwise the source address and port
 * (RFC 3581 received/rport: the NAT binding the phone's packets came through).
 */
function reachAt(contact: SipUri, source: Endpoint): Endpoint {
  if (source.transport !== 'UDP') return source;
  const host = contact.host.startsWith('[') ? contact.host.slice(1, -1) : contact.host;
  const transport = contact.params.get('transport');
  if (host === source.address && (transport === undefined || transport?.toLowerCase() === 'udp')) {
    return { transport: 'UDP', address: host, port: contact.port ?? 5060 };
  }
  return source;
}

const outOfOrder = (): RegisterAnswer => ({ status: 500, reason: 'Out of order REGISTER (CSeq)', headers: [['Retry-After', '1']] });

function unquoted(v: string | null | undefined): string | null {
  if (v === undefined || v === null) return null;
  return v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}
