/** Schemas of Office Anywhere configuration (spec §7): portal numbers, alternate phones, readiness. */
import { Type } from '@sinclair/typebox';
import { E164, Id, Nullable, Timestamp } from './common.ts';

export const PortalScope = Type.Union([Type.Literal('account'), Type.Literal('site')], { description: 'account: every user of the account; site: users of siteId only' });

export const Portal = Type.Object({
  id: Id,
  numberId: Id,
  number: E164,
  name: Type.String(),
  extension: Nullable(Type.String()),
  scope: PortalScope,
  siteId: Nullable(Id),
  createdAt: Timestamp,
}, { $id: 'Portal' });

export const AlternatePhone = Type.Object({
  id: Id,
  userId: Id,
  number: E164,
  kind: Type.Union([Type.Literal('mobile'), Type.Literal('landline'), Type.Literal('other')]),
  label: Type.String(),
  active: Type.Boolean(),
  createdAt: Timestamp,
}, { $id: 'AlternatePhone' });

export const Readiness = Type.Object({
  ready: Type.Boolean(),
  checks: Type.Array(Type.Object({
    name: Type.Union([Type.Literal('portal_number'), Type.Literal('user_enabled'), Type.Literal('active_alternate_phone')]),
    ok: Type.Boolean(),
    message: Type.String(),
  })),
}, { $id: 'OfficeAnywhereReadiness' });

export const AltLabel = Type.String({ maxLength: 100 });
