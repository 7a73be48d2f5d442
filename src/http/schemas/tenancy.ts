/** Schemas of accounts, sites and users (spec §2). */
import { Type } from '@sinclair/typebox';
import { E164, Id, Nullable, PhoneInput, Timestamp } from './common.ts';

export const Country = Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2', examples: ['DE'] });
export const Extension = Type.String({ pattern: '^[0-9]{2,6}$', description: 'digits, length per the account rules', examples: ['201'] });
export const RoleSchema = Type.Union([Type.Literal('account_admin'), Type.Literal('site_admin'), Type.Literal('user')]);

export const Account = Type.Object({
  id: Id,
  name: Type.String(),
  country: Country,
  extMinLength: Type.Integer(),
  extMaxLength: Type.Integer(),
  sipDomain: Type.String(),
  intlWhitelist: Nullable(Type.Array(Country)),
  premiumAllowed: Type.Boolean(),
  createdAt: Timestamp,
}, { $id: 'Account' });

export const Site = Type.Object({
  id: Id,
  accountId: Id,
  name: Type.String(),
  timeZone: Type.String(),
  address: Type.String(),
  mainNumber: Nullable(E164),
  createdAt: Timestamp,
}, { $id: 'Site' });

export const User = Type.Object({
  id: Id,
  accountId: Id,
  siteId: Id,
  firstName: Type.String(),
  lastName: Type.String(),
  email: Type.String(),
  extension: Nullable(Type.String()),
  role: RoleSchema,
  officeAnywhereEnabled: Type.Boolean(),
  profileImageUrl: Nullable(Type.String()),
  presence: Type.String(),
  number: Nullable(E164),
  adminSiteIds: Type.Array(Id),
  hasPassword: Type.Boolean(),
  createdAt: Timestamp,
}, { $id: 'User' });

export const SiteInput = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  timeZone: Type.String({ minLength: 1, maxLength: 64, examples: ['Europe/Berlin'] }),
  address: Type.Optional(Type.String({ maxLength: 300 })),
  mainNumber: PhoneInput,
}, { additionalProperties: false });

export const UserInput = Type.Object({
  firstName: Type.String({ minLength: 1, maxLength: 100 }),
  lastName: Type.String({ minLength: 1, maxLength: 100 }),
  email: Type.String({ minLength: 3, maxLength: 254 }),
  extension: Type.Optional(Nullable(Extension)),
  password: Type.Optional(Type.String({ minLength: 10, maxLength: 200 })),
  officeAnywhereEnabled: Type.Optional(Type.Boolean()),
  profileImageUrl: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
}, { additionalProperties: false });
