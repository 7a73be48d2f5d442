/** Schemas of carrier trunks (spec §10; issue 5 item 4). The password is write-only: answers show `hasPassword`. */
import { Type } from '@sinclair/typebox';
import { Id, Nullable, Timestamp } from './common.ts';

export const TrunkTransportSchema = Type.Union([Type.Literal('UDP'), Type.Literal('TCP'), Type.Literal('TLS')], { description: 'SIP transport to the gateway' });

const Host = Type.String({
  minLength: 1, maxLength: 255,
  description: 'the gateway: an IPv4 address, an IPv6 address or a DNS name — no scheme, no port',
  examples: ['sip.carrier.example'],
});
const Port = Type.Integer({ minimum: 1, maximum: 65535, description: 'default 5060, or 5061 for TLS (RFC 3261 §19.1.2)' });
const Priority = Type.Integer({ minimum: 0, maximum: 1000, description: 'lower is tried first; failover to the next on 5xx or timeout (default 100)' });
const Username = Type.String({ minLength: 1, maxLength: 128, description: "the user name for the carrier's digest challenge" });
const Password = Type.String({ minLength: 1, maxLength: 128, writeOnly: true, description: 'write-only: never returned; answers show hasPassword' });
const InboundAddresses = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
  maxItems: 100,
  description: 'addresses trusted to send calls in: IPv4 or IPv6 addresses or CIDR blocks (stored normalised; 0.0.0.0/0, ::/0, multicast and broadcast are refused)',
});

/** A trunk as the API shows it. */
export const Trunk = Type.Object({
  id: Id,
  name: Type.String(),
  host: Type.String(),
  port: Type.Integer(),
  transport: TrunkTransportSchema,
  username: Nullable(Type.String()),
  hasPassword: Type.Boolean({ description: 'whether a password is stored (it is never returned)' }),
  priority: Type.Integer(),
  enabled: Type.Boolean(),
  inboundAddresses: Type.Array(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
}, { $id: 'Trunk' });

export const TrunkInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, description: 'unique, without regard to case' }),
  host: Host,
  port: Type.Optional(Port),
  transport: Type.Optional(TrunkTransportSchema),
  username: Type.Optional(Nullable(Username)),
  password: Type.Optional(Nullable(Password)),
  priority: Type.Optional(Priority),
  enabled: Type.Optional(Type.Boolean({ description: 'default true; a disabled trunk carries no calls and is not trusted' })),
  inboundAddresses: Type.Optional(InboundAddresses),
}, {
  additionalProperties: false,
  description: 'username and password: both or neither',
  examples: [{
    name: 'Carrier Berlin', host: 'sip.carrier.example', port: 5060, transport: 'UDP', username: 'tandem-trunk-01', password: 'trunk secret 1',
    priority: 10, inboundAddresses: ['203.0.113.0/28', '2001:db8:5::10'],
  }],
});

export const TrunkPatch = Type.Object({
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  host: Type.Optional(Host),
  port: Type.Optional(Port),
  transport: Type.Optional(TrunkTransportSchema),
  username: Type.Optional(Nullable(Username)),
  password: Type.Optional(Nullable(Password)),
  priority: Type.Optional(Priority),
  enabled: Type.Optional(Type.Boolean()),
  inboundAddresses: Type.Optional(InboundAddresses),
}, {
  additionalProperties: false,
  description: 'absent fields stay; username null removes the credentials; a password alone replaces the password and keeps the user name; the port stays when the transport changes',
  examples: [{ priority: 20, inboundAddresses: ['203.0.113.0/28'] }],
});
