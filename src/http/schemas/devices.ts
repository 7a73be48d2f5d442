/** Schemas of devices (handsets), handset login and provisioning (spec §2 "Device", §6). */
import { Type } from '@sinclair/typebox';
import { E164, Id, Nullable, Timestamp } from './common.ts';

export const PhoneId = Type.String({
  minLength: 6, maxLength: 64,
  description: 'the ID the handset shows (e.g. its MAC address), with or without separators; stored upper-case without separators',
  examples: ['00:1A:2B:3C:4D:5E'],
});

/** A device as the API shows it: never its SIP password or HA1. */
export const Device = Type.Object({
  id: Id,
  siteId: Id,
  phoneId: Type.String({ description: 'normalised: upper-case letters and digits' }),
  model: Type.String(),
  name: Type.String(),
  sipUsername: Type.String(),
  numberId: Nullable(Id),
  number: Nullable(E164),
  lastProvisionedAt: Nullable(Timestamp),
  createdAt: Timestamp,
  registration: Nullable(Type.Object({
    contacts: Type.Integer({ description: 'unexpired bindings (contacts) of the device' }),
    transport: Type.String(),
    source: Type.String({ description: 'address:port its newest REGISTER came from (after NAT)' }),
    userAgent: Type.String(),
    registeredAt: Timestamp,
    expiresAt: Timestamp,
  }, { description: 'its SIP registration now (the newest binding); null when not registered' })),
}, { $id: 'Device' });

export const DeviceCredentials = Type.Object({
  domain: Type.String({ description: "the account's SIP domain (registrar domain and digest realm)" }),
  username: Type.String(),
  password: Type.String({ description: 'shown only in this answer; store it in the phone now' }),
}, { description: 'SIP credentials, shown once' });

export const DeviceWithCredentials = Type.Object({ device: Device, credentials: DeviceCredentials });

export const DeviceLabel = Type.String({ maxLength: 100 });

export const HandsetLogin = Type.Object({
  number: Type.Object({
    id: Id,
    e164: E164,
    status: Type.Union([Type.Literal('reserved'), Type.Literal('active'), Type.Literal('pending')]),
    pendingAction: Nullable(Type.String()),
  }),
  device: Device,
});

export const HandsetConfig = Type.Object({
  phoneId: Type.String(),
  sipDomain: Type.String(),
  sipUsername: Type.String(),
  number: Nullable(E164),
  displayName: Type.Object({ line1: Type.String(), line2: Type.String() }),
  registrar: Type.Object({ host: Type.String(), port: Type.Integer() }),
}, { $id: 'HandsetConfig' });
