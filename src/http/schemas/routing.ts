/** Schemas of the routing engine's answers (src/routing/types.ts): decisions, call plans, explanations. */
import { Type } from '@sinclair/typebox';
import { Nullable } from './common.ts';

export const Step = Type.Object({ rule: Type.String(), matched: Type.Boolean(), why: Type.String() });

export const Party = Type.Object({
  accountId: Nullable(Type.String()), office: Nullable(Type.String()), userId: Nullable(Type.String()),
  name: Nullable(Type.String()), extension: Nullable(Type.String()), number: Nullable(Type.String()),
});

export const CallerIdShown = Type.Object({
  anonymous: Type.Boolean(), number: Nullable(Type.String()), name: Nullable(Type.String()), extension: Nullable(Type.String()),
  office: Nullable(Type.String()), source: Type.String(),
});

/** A tagged object (`kind` or `action`) whose other fields depend on the tag. */
const Tagged = Type.Object({}, { additionalProperties: true });

export const OutboundDecision = Type.Object({
  ok: Type.Boolean(),
  routeClass: Type.Optional(Type.String()),
  destination: Type.Optional(Tagged),
  callee: Type.Optional(Party),
  callerId: Type.Optional(CallerIdShown),
  metering: Type.Optional(Type.String()),
  authCodeRequired: Type.Optional(Type.Boolean()),
  sipStatus: Type.Optional(Type.Integer()),
  reason: Type.Optional(Type.String()),
  explanation: Type.Array(Step),
}, { description: 'ok: true with the route, or ok: false with the SIP status and reason; always the explanation' });

export const CallPlan = Type.Object({
  ok: Type.Boolean(),
  target: Type.Optional(Party),
  ring: Type.Optional(Type.Array(Tagged)),
  ringSeconds: Type.Optional(Type.Integer()),
  immediate: Type.Optional(Nullable(Tagged)),
  onBusy: Type.Optional(Tagged),
  onNoAnswer: Type.Optional(Tagged),
  onUnreachable: Type.Optional(Tagged),
  callerId: Type.Optional(CallerIdShown),
  sipStatus: Type.Optional(Type.Integer()),
  reason: Type.Optional(Type.String()),
  explanation: Type.Array(Step),
});
