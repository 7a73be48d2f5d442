/**
 * Where a request goes, from its target URI (RFC 3261 §18.1.1, a subset of RFC 3263 §4): the transport
 * from the `transport` URI parameter (sips: → TLS, §26.2.2), else UDP; the host from `maddr` or the URI;
 * the port from the URI, else an SRV lookup for a host name (RFC 3263 §4.2, lowest priority then
 * highest weight, no weighted random choice), else the transport's default port. No NAPTR.
 * Host names resolve to an address, except for TLS, where the name is kept so the connection can check
 * the certificate against it (RFC 5922 §7.2).
 */
import { promises as dns, type SrvRecord } from 'node:dns';
import { isIP } from 'node:net';
import type { Endpoint, SipUri } from '../message/types.ts';
import type { TransportProtocol } from './types.ts';
import { defaultPort, unbracket } from './via.ts';

export interface Resolver {
  lookup(host: string): Promise<string>;
  resolveSrv(name: string): Promise<SrvRecord[]>;
}

export const systemResolver: Resolver = {
  lookup: async (host) => (await dns.lookup(host)).address,
  resolveSrv: (name) => dns.resolveSrv(name),
};

/** The transport a URI asks for (RFC 3261 §19.1.1 `transport` parameter; RFC 7118 §5.2 ws/wss). */
export function uriTransport(uri: SipUri): TransportProtocol {
  const t = uri.params.get('transport')?.toLowerCase() ?? null;
  const secure = uri.scheme === 'sips';
  switch (t) {
    case null:
    case 'udp':
      return secure ? 'TLS' : 'UDP'; // sips over UDP does not exist: TLS (§26.2.2)
    case 'tcp':
    case 'tls':
      return secure || t === 'tls' ? 'TLS' : 'TCP';
    case 'ws':
      return secure ? 'WSS' : 'WS';
    case 'wss':
      return 'WSS';
    default:
      throw new Error(`unsupported transport "${t}" in ${uri.scheme}: URI`);
  }
}

function srvName(protocol: TransportProtocol, host: string): string {
  switch (protocol) {
    case 'TLS':
      return `_sips._tcp.${host}`;
    case 'TCP':
      return `_sip._tcp.${host}`;
    default:
      return `_sip._udp.${host}`;
  }
}

/** The destination of a request sent to `uri` (see the module comment). */
export async function resolveTarget(uri: SipUri, resolver: Resolver = systemResolver): Promise<Endpoint> {
  const transport = uriTransport(uri);
  const host = unbracket(uri.params.get('maddr') ?? uri.host);
  if (isIP(host)) return { transport, address: host, port: uri.port ?? defaultPort(transport) };
  let name = host;
  let port = uri.port;
  if (port === null && (transport === 'UDP' || transport === 'TCP' || transport === 'TLS')) {
    const records = await resolver.resolveSrv(srvName(transport, host)).catch(() => [] as SrvRecord[]);
    const best = records.slice().sort((a, b) => a.priority - b.priority || b.weight - a.weight)[0];
    if (best) {
      name = best.name;
      port = best.port;
    }
  }
  port ??= defaultPort(transport);
  if (transport === 'TLS' || transport === 'WSS' || transport === 'WS') return { transport, address: name, port };
  return { transport, address: await resolver.lookup(name), port };
}
