/** Schemas of numbers (spec §3), number features (§4) and PINs (§5). */
import { Type } from '@sinclair/typebox';
import { E164, Id, Nullable, PhoneInput, Timestamp } from './common.ts';

export const NumberStatusSchema = Type.Union([Type.Literal('reserved'), Type.Literal('active'), Type.Literal('pending')]);

export const DisplayName = Type.Object({ line1: Type.String(), line2: Type.String() });

export const NumberSummary = Type.Object({
  id: Id,
  e164: E164,
  siteId: Id,
  status: NumberStatusSchema,
  isMain: Type.Boolean(),
  assignedTo: Type.String({ description: "'Main number', the display name, the assigned user's name, or 'Unassigned'" }),
  userId: Nullable(Id),
  displayName: Nullable(DisplayName),
  phoneId: Nullable(Type.String({ description: 'Phone ID of the handset the number is logged into' })),
  extension: Nullable(Type.String({ description: "the extension reaching the number: its user's, or its Office Anywhere portal's" })),
}, { $id: 'NumberSummary' });

/** A row of a site's number list (admins only): the summary and the default PIN while it is in use. */
export const SiteNumber = Type.Object({
  ...NumberSummary.properties,
  defaultPin: Nullable(Type.String({ description: 'the default PIN while no custom PIN replaces it (spec §5: shown to admins only)' })),
}, { $id: 'SiteNumber' });

/**
 * Features as shown. A forward is its destination (E.164) or null when off; the authorization code
 * shows only whether it is on, never the code.
 */
export const Features = Type.Object({
  forwardAlways: Nullable(E164),
  forwardBusy: Nullable(E164),
  forwardNoAnswer: Nullable(E164),
  noAnswerRingSeconds: Type.Integer({ description: 'ring time before forward on no answer fires (default 18 = 3 rings of 6 s)' }),
  voicemail: Type.Boolean(),
  voicemailToEmail: Nullable(Type.String()),
  hideCallerId: Type.Boolean(),
  callWaiting: Type.Boolean(),
  doNotDisturb: Type.Boolean(),
  cli: Type.Object({ enabled: Type.Boolean(), number: Nullable(E164) }),
  authorizationCode: Type.Object({ enabled: Type.Boolean() }),
}, { $id: 'Features' });

const ForwardInput = Type.Optional(Nullable(Type.Union([PhoneInput, Type.Literal('')], { description: 'destination; null or empty turns the forward off' })));

export const FeaturesPatch = Type.Object({
  forwardAlways: ForwardInput,
  forwardBusy: ForwardInput,
  forwardNoAnswer: ForwardInput,
  noAnswerRingSeconds: Type.Optional(Type.Integer({ minimum: 6, maximum: 120 })),
  voicemail: Type.Optional(Type.Boolean()),
  voicemailToEmail: Type.Optional(Nullable(Type.String({ maxLength: 254 }))),
  hideCallerId: Type.Optional(Type.Boolean()),
  callWaiting: Type.Optional(Type.Boolean()),
  doNotDisturb: Type.Optional(Type.Boolean()),
  cli: Type.Optional(Type.Object({ enabled: Type.Boolean(), number: Type.Optional(Nullable(PhoneInput)) }, { additionalProperties: false })),
  authorizationCode: Type.Optional(Type.Object({
    enabled: Type.Boolean(),
    code: Type.Optional(Type.String({ maxLength: 32, description: '4–12 digits; write-only (stored as a hash, never returned); needed when turning the code on' })),
  }, { additionalProperties: false })),
}, {
  additionalProperties: false,
  description: 'Only the listed keys change; the merged result must satisfy the rules of spec §4.',
  examples: [{ voicemail: true, doNotDisturb: false, noAnswerRingSeconds: 24 }],
});

export const PinState = Type.Object({
  state: Type.Union([Type.Literal('default'), Type.Literal('custom')]),
  locked: Type.Boolean(),
  failures: Type.Integer(),
});

export const PinView = Type.Object({
  ...PinState.properties,
  defaultPin: Nullable(Type.String({ description: 'only for admins, and only while the default PIN is in use' })),
}, { $id: 'PinView' });

export const NumberDetails = Type.Object({
  ...NumberSummary.properties,
  features: Features,
  pin: PinState,
  handset: Nullable(Type.Object({ deviceId: Id, phoneId: Type.String() })),
  officeAnywherePortal: Nullable(Type.Object({ id: Id, name: Type.String() })),
  user: Nullable(Type.Object({ id: Id, firstName: Type.String(), lastName: Type.String(), extension: Nullable(Type.String()) })),
  createdAt: Timestamp,
  updatedAt: Timestamp,
}, { $id: 'NumberDetails' });

export const NumberParams = Type.Object({ numberId: Id });
