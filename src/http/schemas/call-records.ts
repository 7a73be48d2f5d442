/** Schemas of call records, callbacks, the rate deck and invoices (spec §9, §12). */
import { Type } from '@sinclair/typebox';
import { Id, Nullable, Timestamp } from './common.ts';

const ROUTE_CLASSES = ['feature_code', 'emergency', 'own_extension', 'org_connect', 'main_star_extension', 'linked_extension', 'on_net_number', 'public_national', 'public_international', 'public_premium'] as const;
const METERING_CLASSES = ['on_net_own', 'on_net_linked', 'on_net_federated', 'emergency', 'local', 'national', 'international', 'premium', 'none'] as const;

export const RouteClassSchema = Type.Union(ROUTE_CLASSES.map((c) => Type.Literal(c)));
export const MeteringClassSchema = Type.Union(METERING_CLASSES.map((c) => Type.Literal(c)));
export const DirectionSchema = Type.Union([Type.Literal('outbound'), Type.Literal('inbound'), Type.Literal('internal')]);
export const CallResultSchema = Type.Union(['answered', 'busy', 'no_answer', 'failed', 'rejected', 'voicemail', 'cancelled'].map((r) => Type.Literal(r)));

export const PartySchema = Type.Object({
  accountId: Nullable(Id),
  office: Nullable(Type.String({ description: "the party's account name, for on-net parties" })),
  userId: Nullable(Id),
  name: Nullable(Type.String()),
  extension: Nullable(Type.String()),
  number: Nullable(Type.String({ description: 'E.164' })),
}, { description: 'A party as this account may see it: linked accounts show name + extension, federated ones name + number (spec §8)' });

export const CallRecordSchema = Type.Object({
  id: Id,
  accountId: Id,
  interactionId: Type.String({ format: 'uuid', description: 'shared by the legs of one call in every account it crossed' }),
  direction: DirectionSchema,
  userId: Nullable(Id),
  siteId: Nullable(Id),
  from: PartySchema,
  to: PartySchema,
  routeClass: Nullable(RouteClassSchema),
  meteringClass: MeteringClassSchema,
  startedAt: Timestamp,
  answeredAt: Nullable(Timestamp),
  endedAt: Timestamp,
  durationSeconds: Type.Integer(),
  result: CallResultSchema,
  officeAnywhereLeg: Type.Boolean(),
  rating: Type.Object({
    ratedNumber: Nullable(Type.String()),
    ratedCountry: Nullable(Type.String()),
    billedMinutes: Type.Integer({ description: 'every started minute' }),
    cost: Type.Integer({ description: '1/10,000 currency units' }),
    ratePrefix: Nullable(Type.String()),
    rateDescription: Nullable(Type.String()),
    perMinute: Nullable(Type.Integer()),
    setup: Nullable(Type.Integer()),
    unrated: Type.Boolean({ description: 'a toll leg whose number matched no rate deck row' }),
  }),
}, { description: 'One leg of a call in one account (spec §9)' });

export const CallbackSchema = Type.Object({
  dial: Type.String({ description: 'what the viewer dials to reach the other party again' }),
  via: Type.Union([Type.Literal('extension'), Type.Literal('org_connect'), Type.Literal('main_star_extension'), Type.Literal('number')]),
  explanation: Type.String(),
  party: PartySchema,
});

export const RateDeckRowSchema = Type.Object({
  prefix: Type.String(),
  description: Type.String(),
  perMinute: Type.Integer({ description: '1/10,000 currency units per started minute' }),
  setup: Type.Integer({ description: '1/10,000 currency units per connected call' }),
  updatedAt: Timestamp,
});

export const RateDeckImportBody = Type.Object({
  csv: Type.String({ minLength: 1, maxLength: 1_000_000, description: 'the whole deck: header prefix,description,per_minute,setup; prices in currency units (0.0123)' }),
}, {
  additionalProperties: false,
  examples: [{ csv: 'prefix,description,per_minute,setup\n49,Germany,0.0200,0\n4915,Germany mobile,0.0900,0.0100\n1,North America,0.0150,0\n' }],
});

export const RateDeckImportResult = Type.Object({
  rows: Type.Integer({ description: 'rows in the deck now' }),
  replaced: Type.Integer({ description: 'rows the replaced deck had' }),
});

export const InvoiceLineSchema = Type.Object({
  class: MeteringClassSchema,
  destination: Type.String({ description: "the rate deck row's description, the country, 'on-net' or 'emergency'" }),
  officeAnywhere: Type.Boolean({ description: 'legs to and from alternate phones (spec §7)' }),
  calls: Type.Integer(),
  minutes: Type.Integer({ description: 'billed minutes (every started minute)' }),
  cost: Type.Integer({ description: '1/10,000 currency units' }),
  unrated: Type.Integer({ description: 'legs whose number matched no rate deck row (rated 0)' }),
});

const Sum = Type.Object({ calls: Type.Integer(), minutes: Type.Integer(), cost: Type.Integer() });

export const InvoiceSchema = Type.Object({
  accountId: Id,
  month: Type.String({ description: 'YYYY-MM, UTC' }),
  currencyUnitScale: Type.Integer({ description: 'money is in 1/currencyUnitScale of the currency unit' }),
  lines: Type.Array(InvoiceLineSchema),
  totals: Sum,
  onNet: Sum,
  unrated: Type.Integer(),
});
