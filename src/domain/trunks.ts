/**
 * Carrier trunks (spec §10 "Carrier trunks configured by the operator carry calls to and from the
 * public network"; issue 5 item 4): the rules of a trunk's settings and the trust list the SIP edge
 * consults on every INVITE. Pure: no I/O (node:net's isIP and BlockList only parse and compare).
 *
 * - Outbound: a gateway at `host:port` over `transport`, optionally answering the carrier's digest
 *   challenge with `username`/`password` (both or neither); enabled trunks are tried by `priority`,
 *   lower first (then by name), failing over on 5xx or timeout.
 * - Inbound: `inboundAddresses` lists the addresses (IPv4/IPv6, or CIDR blocks) trusted to send calls
 *   in; a call from one of them to a DID is routed like any inbound call.
 */
import { BlockList, isIP } from 'node:net';
import { AppError, invalid } from './errors.ts';
import { checkName } from './tenancy.ts';

export const TRUNK_TRANSPORTS = ['UDP', 'TCP', 'TLS'] as const;
export type TrunkTransport = (typeof TRUNK_TRANSPORTS)[number];

export const MIN_PRIORITY = 0;
export const MAX_PRIORITY = 1000;
/** The priority of a trunk created without one (the table's default). */
export const DEFAULT_PRIORITY = 100;
/** At most this many inbound address entries per trunk. */
export const MAX_INBOUND_ADDRESSES = 100;
const MAX_CREDENTIAL = 128;

/** Everything the operator configures on a trunk, validated and normalised. */
export interface TrunkSettings {
  name: string;
  /** An IPv4 address, an IPv6 address (without brackets, RFC 5952 form) or a lower-case DNS name. */
  host: string;
  port: number;
  transport: TrunkTransport;
  username: string | null;
  /** Stored as given: it answers the carrier's digest challenge (RFC 3261 §22.2). Never returned by the API. */
  password: string | null;
  /** 0–1000, lower first. */
  priority: number;
  enabled: boolean;
  /** Normalised entries: `203.0.113.7`, `203.0.113.0/24`, `2001:db8::/32`. */
  inboundAddresses: string[];
}

/** A trunk as the SIP service uses it, password included. */
export interface TrunkConfig extends TrunkSettings {
  id: string;
}

/** A trunk as the operator writes it (POST /v1/trunks). */
export interface TrunkInput {
  name: string;
  host: string;
  /** Default: 5060 for UDP and TCP, 5061 for TLS (RFC 3261 §19.1.2). */
  port?: number;
  /** Default UDP. Accepted in any case. */
  transport?: string;
  username?: string | null;
  password?: string | null;
  priority?: number;
  enabled?: boolean;
  inboundAddresses?: string[];
}

/**
 * A change (PATCH /v1/trunks/:id): absent fields stay. `username: null` clears the credentials
 * (the password goes with it); a new `password` alone keeps the user name.
 */
export type TrunkPatch = Partial<TrunkInput>;

/** The default port of a transport: 5060, or 5061 for TLS (RFC 3261 §19.1.2). */
export const defaultPort = (t: TrunkTransport): number => (t === 'TLS' ? 5061 : 5060);

// -------------------------------------------------------------------------------------------------
// IP addresses (RFC 4291 §2.2 text forms; RFC 5952 canonical IPv6 text; RFC 4632 CIDR)

type Family = 4 | 6;
interface Ip {
  family: Family;
  bytes: number[];
}

function ipBytes(text: string): Ip | null {
  const family = isIP(text);
  if (family === 4) return { family, bytes: text.split('.').map(Number) };
  if (family !== 6 || text.includes('%')) return null;
  // RFC 4291 §2.2: eight groups of hex, "::" for a run of zero groups, an IPv4 tail in the last 32 bits.
  let s = text.toLowerCase();
  const tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    tail.push(...v4[1]!.split('.').map(Number));
    s = s.slice(0, -v4[1]!.length) + '0:0';
  }
  const [head, rest] = s.split('::') as [string, string | undefined];
  const groups = (p: string) => (p === '' ? [] : p.split(':').map((g) => parseInt(g, 16)));
  const h = groups(head);
  const r = rest === undefined ? [] : groups(rest);
  const all = rest === undefined ? h : [...h, ...new Array<number>(8 - h.length - r.length).fill(0), ...r];
  const bytes = all.flatMap((g) => [g >> 8, g & 0xff]);
  if (v4) bytes.splice(12, 4, ...tail);
  return { family, bytes };
}

/** RFC 5952 §4: lower case, no leading zeros, the longest run (≥ 2) of zero groups as "::", the first if tied. */
function formatIp(ip: Ip): string {
  if (ip.family === 4) return ip.bytes.join('.');
  const g = Array.from({ length: 8 }, (_, i) => (ip.bytes[2 * i]! << 8) | ip.bytes[2 * i + 1]!);
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) { best = i; bestLen = j - i; }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(':');
  return best < 0 ? hex(g) : `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** The address with every bit after `prefix` cleared. */
function masked(ip: Ip, prefix: number): Ip {
  return { family: ip.family, bytes: ip.bytes.map((b, i) => { const keep = Math.max(0, Math.min(8, prefix - 8 * i)); return b & (0xff << (8 - keep)) & 0xff; }) };
}

/** Whether two blocks share an address: their first min(prefix) bits agree. */
function overlaps(a: Ip, ap: number, b: Ip, bp: number): boolean {
  if (a.family !== b.family) return false;
  const p = Math.min(ap, bp);
  const x = masked(a, p).bytes;
  const y = masked(b, p).bytes;
  return x.every((v, i) => v === y[i]);
}

const V4_MULTICAST = ipBytes('224.0.0.0')!; // RFC 5771: 224.0.0.0/4
const V4_BROADCAST = ipBytes('255.255.255.255')!; // RFC 919 limited broadcast
const V6_MULTICAST = ipBytes('ff00::')!; // RFC 4291 §2.7: ff00::/8

/** An IPv4-mapped IPv6 address (RFC 4291 §2.5.5.2, ::ffff:0:0/96) as the IPv4 address it carries. */
function unmapped(ip: Ip, prefix: number): { ip: Ip; prefix: number } {
  const mapped = ip.family === 6 && prefix >= 96 && ip.bytes.slice(0, 10).every((b) => b === 0) && ip.bytes[10] === 0xff && ip.bytes[11] === 0xff;
  return mapped ? { ip: { family: 4, bytes: ip.bytes.slice(12) }, prefix: prefix - 96 } : { ip, prefix };
}

/** Why an address is no carrier's: unspecified, multicast or broadcast; null when it may be one. */
function notAPeer(ip: Ip, prefix: number): string | null {
  const full = ip.family === 4 ? 32 : 128;
  if (prefix === full && ip.bytes.every((b) => b === 0)) return 'is the unspecified address, which no carrier sends from';
  if (ip.family === 4 && overlaps(ip, prefix, V4_MULTICAST, 4)) return prefix === full ? 'is a multicast address' : 'contains multicast addresses (224.0.0.0/4)';
  if (ip.family === 4 && overlaps(ip, prefix, V4_BROADCAST, 32)) return prefix === full ? 'is the broadcast address' : 'contains the broadcast address 255.255.255.255';
  if (ip.family === 6 && overlaps(ip, prefix, V6_MULTICAST, 8)) return prefix === full ? 'is a multicast address' : 'contains multicast addresses (ff00::/8)';
  return null;
}

export type InboundAddressResult = { ok: true; value: string } | { ok: false; reason: string };

/**
 * One inbound address entry: an IPv4 or IPv6 address, or a CIDR block (RFC 4632) of either.
 * Normalised: IPv6 in RFC 5952 form, IPv4-mapped IPv6 as IPv4, host bits of a block cleared, a
 * full-length block (/32, /128) as the bare address. Refused: blocks of length 0 (every address),
 * the unspecified address, and anything touching multicast or broadcast addresses.
 */
export function parseInboundAddress(entry: string): InboundAddressResult {
  const text = entry.trim();
  if (text === '') return { ok: false, reason: 'is empty' };
  const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(text);
  if (text.includes('%')) return { ok: false, reason: 'has an IPv6 zone index (%…); list the address without it' };
  const parsed = m ? ipBytes(m[1]!) : null;
  if (!m || !parsed) return { ok: false, reason: 'is not an IPv4 or IPv6 address or a CIDR block (like 203.0.113.0/24 or 2001:db8::/32)' };
  const full = parsed.family === 4 ? 32 : 128;
  const given = m[2] === undefined ? full : Number(m[2]);
  if (given > full) return { ok: false, reason: `has a prefix length of ${given}; an IPv${parsed.family} block has at most ${full}` };
  const { ip, prefix } = unmapped(parsed, given);
  if (prefix === 0) return { ok: false, reason: `would trust every IPv${ip.family} address; list the carrier's own addresses or blocks` };
  const why = notAPeer(ip, prefix);
  if (why) return { ok: false, reason: why };
  const net = masked(ip, prefix);
  return { ok: true, value: prefix === (ip.family === 4 ? 32 : 128) ? formatIp(net) : `${formatIp(net)}/${prefix}` };
}

/**
 * Checks and normalises a trunk's inbound addresses (duplicates after normalisation are dropped).
 * @throws AppError validation_failed on `field`, naming the first bad entry and its position; every
 *   bad entry is listed in `problems`.
 */
export function checkInboundAddresses(entries: readonly string[], field = 'inboundAddresses'): string[] {
  if (entries.length > MAX_INBOUND_ADDRESSES) throw invalid(field, `A trunk lists at most ${MAX_INBOUND_ADDRESSES} inbound addresses; ${entries.length} were given (use CIDR blocks)`);
  const out: string[] = [];
  const problems: { index: number; entry: string; reason: string }[] = [];
  entries.forEach((entry, index) => {
    const r = parseInboundAddress(entry);
    if (!r.ok) problems.push({ index, entry, reason: r.reason });
    else if (!out.includes(r.value)) out.push(r.value);
  });
  if (problems.length > 0) {
    const p = problems[0]!;
    const more = problems.length > 1 ? ` (${problems.length} bad entries in all)` : '';
    throw new AppError('validation_failed', `Inbound address "${p.entry}" (entry ${p.index + 1}) ${p.reason}${more}`, field, { problems });
  }
  return out;
}

// -------------------------------------------------------------------------------------------------
// The other settings

/** A DNS name (RFC 1123 §2.1): labels of letters, digits and hyphens, at most 63 each and 253 in all. */
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * The gateway's host: an IPv4 address, an IPv6 address (brackets allowed, stored without) or a DNS
 * name — no scheme, no port, no user. Returns it normalised (lower case, RFC 5952 for IPv6).
 */
export function checkHost(value: string, field = 'host'): string {
  const h = value.trim();
  if (h === '') throw invalid(field, 'The host cannot be empty');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(h) || /^sips?:/i.test(h)) throw invalid(field, `"${h}" has a scheme; write only the host (e.g. sip.carrier.example), the transport and port are fields of their own`);
  if (h.includes('@')) throw invalid(field, `"${h}" contains a user part; write only the host, and the user name in username`);
  if (/[\s/?#;]/.test(h)) throw invalid(field, `"${h}" is not a host name or IP address`);
  const bracketed = /^\[([^\]]+)\](?::(\d*))?$/.exec(h);
  if (bracketed?.[2] !== undefined) throw invalid(field, `"${h}" includes a port; write the port in the port field`);
  const bare = bracketed ? bracketed[1]! : h;
  const ip = ipBytes(bare);
  if (ip) {
    const { ip: addr } = unmapped(ip, ip.family === 4 ? 32 : 128);
    const why = notAPeer(addr, addr.family === 4 ? 32 : 128);
    if (why) throw invalid(field, `The host ${h} ${why}`);
    return formatIp(addr);
  }
  if (bracketed) throw invalid(field, `"${h}" is not an IPv6 address`);
  if (h.includes(':')) {
    if (/^[^:]+:\d+$/.test(h)) throw invalid(field, `"${h}" includes a port; write the port in the port field`);
    throw invalid(field, `"${h}" is not an IPv4 or IPv6 address or a host name`);
  }
  const name = h.toLowerCase().replace(/\.$/, '');
  const labels = name.split('.');
  if (name.length > 253 || !labels.every((l) => LABEL.test(l))) {
    throw invalid(field, `"${h}" is not a host name: labels of letters, digits and hyphens (an internationalised name in its xn-- form), at most 63 characters each`);
  }
  if (/^\d+$/.test(labels[labels.length - 1]!)) throw invalid(field, `"${h}" is not a valid IPv4 address (four numbers 0–255, like 203.0.113.10) nor a host name`);
  return name;
}

export function checkPort(value: number, field = 'port'): number {
  if (!Number.isInteger(value) || value < 1 || value > 65535) throw invalid(field, `The port ${value} is not between 1 and 65535`);
  return value;
}

export function checkTransport(value: string, field = 'transport'): TrunkTransport {
  const t = value.trim().toUpperCase();
  if (!(TRUNK_TRANSPORTS as readonly string[]).includes(t)) throw invalid(field, `The transport "${value}" is not one of ${TRUNK_TRANSPORTS.join(', ')}`);
  return t as TrunkTransport;
}

export function checkPriority(value: number, field = 'priority'): number {
  if (!Number.isInteger(value) || value < MIN_PRIORITY || value > MAX_PRIORITY) throw invalid(field, `The priority ${value} is not a whole number from ${MIN_PRIORITY} to ${MAX_PRIORITY} (lower is tried first)`);
  return value;
}

export const checkTrunkName = (value: string, field = 'name'): string => checkName(value, field, 'The trunk name');

/**
 * Digest credentials for the carrier (RFC 3261 §22.2): both or neither. The user name is printable
 * ASCII without spaces or quotes (it travels in a quoted-string, RFC 2617 §3.2.2); the password has
 * no control characters.
 */
export function checkCredentials(username: string | null, password: string | null): { username: string | null; password: string | null } {
  const u = username === null ? null : username.trim();
  if (u !== null) {
    if (u === '') throw invalid('username', 'The user name cannot be empty (leave it out, or null, for a trunk without credentials)');
    if (u.length > MAX_CREDENTIAL) throw invalid('username', `The user name is longer than ${MAX_CREDENTIAL} characters`);
    if (!/^[\x21-\x7e]+$/.test(u) || /["\\]/.test(u)) throw invalid('username', 'The user name may contain letters, digits and punctuation, no spaces or quotes');
  }
  if (password !== null) {
    if (password === '') throw invalid('password', 'The password cannot be empty');
    if (password.length > MAX_CREDENTIAL) throw invalid('password', `The password is longer than ${MAX_CREDENTIAL} characters`);
    if (/[\x00-\x1f\x7f]/.test(password)) throw invalid('password', 'The password may not contain control characters');
  }
  if (u !== null && password === null) throw invalid('password', 'A trunk with a user name needs a password (the carrier challenges with both)');
  if (u === null && password !== null) throw invalid('username', 'A password needs a user name');
  return { username: u, password };
}

/** Checks and normalises a new trunk; fills the defaults (UDP, port of the transport, priority 100, enabled, no inbound addresses). */
export function checkTrunk(input: TrunkInput): TrunkSettings {
  const name = checkTrunkName(input.name);
  const host = checkHost(input.host);
  const transport = checkTransport(input.transport ?? 'UDP');
  const port = checkPort(input.port ?? defaultPort(transport));
  const creds = checkCredentials(input.username ?? null, input.password ?? null);
  const priority = checkPriority(input.priority ?? DEFAULT_PRIORITY);
  const inboundAddresses = checkInboundAddresses(input.inboundAddresses ?? []);
  return { name, host, port, transport, ...creds, priority, enabled: input.enabled ?? true, inboundAddresses };
}

/**
 * A trunk's settings after a change, checked whole. The port stays unless given (also when the
 * transport changes). `username: null` clears the credentials; a password alone keeps the user name.
 */
export function applyTrunkPatch(current: TrunkSettings, patch: TrunkPatch): TrunkSettings {
  const clearing = patch.username === null && patch.password === undefined;
  return checkTrunk({
    name: patch.name ?? current.name,
    host: patch.host ?? current.host,
    port: patch.port ?? current.port,
    transport: patch.transport ?? current.transport,
    username: patch.username !== undefined ? patch.username : current.username,
    password: patch.password !== undefined ? patch.password : clearing ? null : current.password,
    priority: patch.priority ?? current.priority,
    enabled: patch.enabled ?? current.enabled,
    inboundAddresses: patch.inboundAddresses ?? current.inboundAddresses,
  });
}

// -------------------------------------------------------------------------------------------------
// Order and trust

/** What ordering and trust need of a trunk (TrunkConfig, or the SIP service's own type). */
export interface TrunkLike {
  name: string;
  priority: number;
  enabled: boolean;
  inboundAddresses: readonly string[];
}

/** Priority, lower first, then name (case-insensitive, by code unit so every runtime agrees). */
export function compareTrunks(a: TrunkLike, b: TrunkLike): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The enabled trunks in the order outbound calls try them (failover on 5xx or timeout goes to the next). */
export function outboundOrder<T extends TrunkLike>(trunks: readonly T[]): T[] {
  return trunks.filter((t) => t.enabled).sort(compareTrunks);
}

/** The compiled inbound trust list: which enabled trunk, if any, an address belongs to. */
export interface TrustList<T extends TrunkLike> {
  /**
   * The trunk whose inbound addresses contain `address` (IPv4, IPv6, IPv4-mapped IPv6; brackets and
   * an IPv6 zone index are ignored), the first in priority order when several do; null otherwise.
   */
  match(address: string): T | null;
  /** Stored entries that could not be read (skipped, never trusted); empty when the data was validated. */
  readonly skipped: readonly { trunk: string; entry: string; reason: string }[];
}

/**
 * Builds the trust list once (on start and on every `trunk.*` event), for the SIP edge to consult on
 * every INVITE without touching the database. Disabled trunks are not trusted.
 */
export function compileTrustList<T extends TrunkLike>(trunks: readonly T[]): TrustList<T> {
  const skipped: { trunk: string; entry: string; reason: string }[] = [];
  const lists: { trunk: T; list: BlockList }[] = [];
  for (const trunk of outboundOrder(trunks)) {
    const list = new BlockList();
    let any = false;
    for (const entry of trunk.inboundAddresses) {
      const r = parseInboundAddress(entry);
      if (!r.ok) {
        skipped.push({ trunk: trunk.name, entry, reason: r.reason });
        continue;
      }
      const [addr, prefix] = r.value.split('/') as [string, string | undefined];
      const type = isIP(addr) === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) list.addAddress(addr, type);
      else list.addSubnet(addr, Number(prefix), type);
      any = true;
    }
    if (any) lists.push({ trunk, list });
  }
  return {
    skipped,
    match(address: string): T | null {
      let a = address.trim();
      if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
      const zone = a.indexOf('%');
      if (zone >= 0) a = a.slice(0, zone);
      const family = isIP(a);
      if (family === 0) return null;
      const type = family === 4 ? 'ipv4' : 'ipv6';
      for (const { trunk, list } of lists) if (list.check(a, type)) return trunk;
      return null;
    },
  };
}

/** One-off lookup; on a hot path compile once with {@link compileTrustList} instead. */
export function trustedTrunkFor<T extends TrunkLike>(trunks: readonly T[], address: string): T | null {
  return compileTrustList(trunks).match(address);
}
