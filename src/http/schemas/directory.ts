/** Schemas of the federated directory (spec §8 "Directory"). */
import { Type } from '@sinclair/typebox';
import { E164, Id, Nullable } from './common.ts';

const GrantedBy = Type.Array(Type.Object({ federationId: Id, name: Type.String() }), {
  description: 'admin view only: the active federations that grant this account (empty for the own account)',
});

export const DirectoryEntry = Type.Object({
  userId: Id,
  accountId: Id,
  office: Type.String({ description: "the contact's account name (their Office)" }),
  federated: Type.Boolean({ description: 'the contact is in another account, reached through a federation' }),
  firstName: Type.String(),
  lastName: Type.String(),
  email: Type.String(),
  extension: Nullable(Type.String({ description: 'null when none, or when no federation shares extensions' })),
  number: Nullable(E164),
  presence: Nullable(Type.String({ description: 'null when no federation shares presence' })),
  profileImageUrl: Nullable(Type.String({ description: 'null when none, or when no federation shares profile images' })),
  grantedBy: Type.Optional(GrantedBy),
}, { $id: 'DirectoryEntry' });

export const Office = Type.Object({
  accountId: Id,
  name: Type.String(),
  federated: Type.Boolean(),
  grantedBy: Type.Optional(GrantedBy),
}, { $id: 'DirectoryOffice' });

export const DirectoryScope = Type.Union([Type.Literal('own'), Type.Literal('all'), Type.Literal('offices')], {
  description: 'own: your account (default); all: the full directory (every account a federation shares its directory with); offices: the accounts named in `offices`',
});

export const DirectoryQuery = Type.Object({
  q: Type.Optional(Type.String({
    maxLength: 100,
    description: 'type-ahead: every term must start a word of the name or e-mail, or start the extension; 3+ digits also match anywhere in the number; a query of digits and phone punctuation is one number fragment ("+…" matches the start of the E.164 number)',
  })),
  scope: Type.Optional(DirectoryScope),
  offices: Type.Optional(Type.String({ maxLength: 2000, description: 'comma-separated account ids (scope=offices); each must be your account or one granted to it' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 25 })),
  cursor: Type.Optional(Type.String({ maxLength: 1024 })),
});
