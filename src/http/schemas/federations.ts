/** Schemas of federations, their policy, consent record, collisions and impact (spec §8). */
import { Type } from '@sinclair/typebox';
import { Id, Nullable, Timestamp } from './common.ts';

export const PolicySchema = Type.Object({
  directory: Type.Boolean({ description: 'find each other’s users' }),
  extensionDialing: Type.Boolean({ description: 'dial the other accounts’ extensions (plain, or main number * extension)' }),
  metered: Type.Boolean({ description: 'calls between member accounts are metered' }),
  callerIdDisplay: Type.Union([Type.Literal('name_extension'), Type.Literal('name_number')]),
  sharePresence: Type.Boolean(),
  shareProfileImage: Type.Boolean(),
  pager: Type.Boolean({ description: 'pager / extension texting' }),
  chat: Type.Boolean({ description: 'chat (1:1 and channels) and meetings' }),
});

export const PolicyPatch = Type.Partial(PolicySchema, { additionalProperties: false });

export const MemberStatus = Type.Union(['pending', 'active', 'left', 'removed', 'declined', 'withdrawn'].map((s) => Type.Literal(s)));

export const Federation = Type.Object({
  id: Id,
  name: Type.String(),
  status: Type.Union(['proposed', 'active', 'dissolved', 'withdrawn', 'declined'].map((s) => Type.Literal(s))),
  round: Type.Integer({ description: 'consent round: every membership change (and, before activation, policy change) starts a new one' }),
  proposedByAccountId: Id,
  preset: Type.Union([Type.Literal('linked'), Type.Literal('federated'), Type.Literal('custom')]),
  policy: PolicySchema,
  members: Type.Array(Type.Object({
    accountId: Id,
    name: Type.String(),
    sipDomain: Type.String(),
    status: MemberStatus,
    invitedRound: Type.Integer(),
    consentedRound: Nullable(Type.Integer()),
    consentedThisRound: Type.Boolean(),
    joinedAt: Nullable(Timestamp),
    endedAt: Nullable(Timestamp),
  })),
  createdAt: Timestamp,
  activatedAt: Nullable(Timestamp),
  endedAt: Nullable(Timestamp),
}, { $id: 'Federation' });

export const Impact = Type.Object({
  action: Type.Union([Type.Literal('leave'), Type.Literal('remove'), Type.Literal('dissolve')]),
  accountId: Nullable(Id),
  visibility: Type.Array(Type.Object({ accountId: Id, name: Type.String(), users: Type.Integer(), loseSightOf: Type.Array(Type.String()) })),
  extensionReach: Type.Array(Type.Object({ accountId: Id, name: Type.String(), loseReachOf: Type.Array(Type.String()) })),
  organizationConnect: Type.Array(Type.Object({ accountId: Id, rules: Type.Integer(), ruleNames: Type.Array(Type.String()) })),
}, { $id: 'FederationImpact' });

export const FederationWithImpact = Type.Composite([Type.Omit(Federation, []), Type.Object({ impact: Impact })]);

export const FederationParams = Type.Object({ federationId: Id });
