/** Schemas of outbound call rules and Organization Connect (spec §8, §9). */
import { Type } from '@sinclair/typebox';
import { Id, Nullable, Timestamp } from './common.ts';
import { Country } from './tenancy.ts';

export const DialPlan = Type.Union([Type.Literal('internal_only'), Type.Literal('national'), Type.Literal('international')], {
  description: 'internal_only: no public network; national: public numbers of the account country; international: also numbers abroad in the countryWhitelist (empty: every country the account may call). On-net and emergency calls are always allowed.',
});

export const Prefix = Type.String({ pattern: '^[0-9]{1,4}$', description: '1–4 digits, not starting with 0', examples: ['1'] });

export const OrganizationConnectInput = Type.Object({
  prefix: Prefix,
  destinationAccountId: Type.Optional(Id),
  destinationSipDomain: Type.Optional(Type.String({ minLength: 1, maxLength: 253, description: 'instead of destinationAccountId' })),
}, { additionalProperties: false, description: 'prefix → destination account; name the destination by id or by SIP domain' });

const fields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  dialPlan: DialPlan,
  countryWhitelist: Type.Array(Country, { maxItems: 300, description: 'international plan only: countries abroad that may be called' }),
  organizationConnect: Type.Array(OrganizationConnectInput, { maxItems: 100 }),
};

export const CallRuleInput = Type.Object({
  name: fields.name,
  dialPlan: fields.dialPlan,
  countryWhitelist: Type.Optional(fields.countryWhitelist),
  organizationConnect: Type.Optional(fields.organizationConnect),
}, {
  additionalProperties: false,
  examples: [{ name: 'Head office', dialPlan: 'international', countryWhitelist: ['FR', 'AT'], organizationConnect: [{ prefix: '1', destinationAccountId: '0190c0de-0000-7000-8000-000000000000' }] }],
});

export const CallRulePatch = Type.Object({
  name: Type.Optional(fields.name),
  dialPlan: Type.Optional(fields.dialPlan),
  countryWhitelist: Type.Optional(fields.countryWhitelist),
  organizationConnect: Type.Optional(fields.organizationConnect),
}, { additionalProperties: false, examples: [{ name: 'Head office (national)', dialPlan: 'national', countryWhitelist: [] }] });

export const OrganizationConnectRow = Type.Object({
  prefix: Type.String(),
  destinationAccountId: Id,
  destinationName: Nullable(Type.String({ description: 'while a federation links the accounts' })),
  active: Type.Boolean(),
  inactiveReason: Nullable(Type.String()),
}, { $id: 'OrganizationConnectRow' });

export const CallRule = Type.Object({
  id: Id,
  name: Type.String(),
  dialPlan: DialPlan,
  countryWhitelist: Type.Array(Type.String()),
  organizationConnect: Type.Array(OrganizationConnectRow),
  active: Type.Boolean({ description: 'every Organization Connect row is active' }),
  userIds: Type.Array(Id),
  createdAt: Timestamp,
  updatedAt: Timestamp,
}, { $id: 'CallRule' });

export const CallRuleUsersInput = Type.Object({
  userIds: Type.Array(Id, { maxItems: 10000 }),
}, { additionalProperties: false, examples: [{ userIds: ['0190c0de-0000-7000-8000-000000000001'] }] });

export const CallRuleAssignment = Type.Object({
  rule: CallRule,
  moved: Type.Array(Type.Object({ userId: Id, fromRuleId: Id }), { description: 'users who had another rule and were moved to this one' }),
});
