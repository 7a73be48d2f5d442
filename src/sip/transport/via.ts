/**
 * Via handling at the transport layer: what a server does to the top Via of a received request
 * (RFC 3261 §18.2.1, RFC 3581 §4) and where it sends responses (§18.2.2, RFC 3581 §4).
 */
import { isIP } from 'node:net';
import { formatVia, splitHeaderValues } from '../message/headers-parse.ts';
import type { Endpoint, SipRequest, Via } from '../message/types.ts';
import type { TransportProtocol } from './types.ts';

/** Default port of a transport (RFC 3261 §19.1.2, RFC 7118 §5: WS uses the HTTP ports). */
export function defaultPort(protocol: TransportProtocol | string): number {
  switch (protocol) {
    case 'TLS':
      return 5061;
    case 'WS':
      return 80;
    case 'WSS':
      return 443;
    default:
      return 5060;
  }
}

/** `[2001:db8::1]` → `2001:db8::1`; other hosts unchanged. */
export function unbracket(host: string): string {
  return host.length > 1 && host.charCodeAt(0) === 0x5b && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * Addresses a response is never sent to: the limited broadcast, the unspecified address and multicast
 * (RFC 4475 §3.4.1 bcast.dat; Tandem implements no multicast, so maddr is not honoured either).
 */
export function isForbiddenDestination(address: string): boolean {
  const a = unbracket(address);
  const v = isIP(a);
  if (v === 4) {
    if (a === '255.255.255.255' || a === '0.0.0.0') return true;
    const first = Number(a.slice(0, a.indexOf('.')));
    return first >= 224 && first <= 239; // 224.0.0.0/4
  }
  if (v === 6) {
    const l = a.toLowerCase();
    return l === '::' || l.startsWith('ff'); // unspecified, ff00::/8
  }
  return false;
}

/**
 * §18.2.1 and RFC 3581 §4, on receipt of a request: add `received=<source address>` when the sent-by host
 * differs from it — or whenever the Via has `rport` — and fill an empty `rport` with the source port.
 * Both the parsed `req.via[0]` and the first Via header line are updated. Returns whether it changed.
 */
export function stampReceivedVia(req: SipRequest, source: Endpoint): boolean {
  const via = req.via[0];
  if (!via) return false;
  const params = via.params;
  const rportRequested = params.has('rport') && params.get('rport') === null;
  let changed = false;
  if (rportRequested || unbracket(via.host) !== source.address) {
    if (params.get('received') !== source.address) {
      params.set('received', source.address);
      changed = true;
    }
  }
  if (rportRequested) {
    params.set('rport', String(source.port));
    changed = true;
  }
  if (changed) rewriteTopVia(req, via);
  return changed;
}

/** Replaces the first value of the first Via line with `via`, keeping the other values and lines in order. */
function rewriteTopVia(req: SipRequest, via: Via): void {
  const lines = req.headers.getAll('Via');
  if (!lines.length) return;
  const first = lines[0]!;
  const top = formatVia(via);
  if (first.indexOf(',') < 0) lines[0] = top; // the common case: one value on the line
  else {
    const values = splitHeaderValues(first);
    values[0] = top;
    lines[0] = values.join(', ');
  }
  req.headers.set('Via', lines[lines.length - 1]!);
  for (let i = lines.length - 2; i >= 0; i--) req.headers.prepend('Via', lines[i]!);
}

/**
 * Where a response goes (§18.2.2, RFC 3581 §4), given the top Via of the request and where the request
 * came from:
 * - reliable transports: back on the connection the request arrived on (`connectionId`); if it is gone,
 *   a new connection to the `received` address and the sent-by port (TCP/TLS);
 * - UDP: to `received` (else the sent-by host) at the `rport` value (else the sent-by port, else 5060).
 * Null when that address is a broadcast, multicast or unspecified one.
 */
export function responseTarget(via: Via, source: Endpoint): Endpoint | null {
  const received = via.params.get('received') ?? null;
  if (source.transport !== 'UDP') {
    const ep: Endpoint = {
      transport: source.transport,
      address: received ?? source.address,
      port: via.port ?? defaultPort(source.transport),
    };
    if (source.connectionId !== undefined) ep.connectionId = source.connectionId;
    if (isForbiddenDestination(ep.address)) return null;
    return ep;
  }
  const address = received ?? unbracket(via.host);
  const rport = via.params.get('rport');
  const rportNum = rport ? Number(rport) : NaN;
  const port = Number.isInteger(rportNum) && rportNum > 0 && rportNum < 65536 ? rportNum : via.port ?? 5060;
  if (isForbiddenDestination(address)) return null;
  return { transport: 'UDP', address, port };
}
