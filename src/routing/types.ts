/**
 * What the engine answers (spec §9): an outbound decision, an inbound call plan, and for both the
 * explanation — the ordered rules consulted and why each matched or not.
 */

/** One rule the engine consulted, in order. */
export interface Step {
  /** Stable rule name, e.g. 'grammar', 'feature_code', 'emergency', 'own_extension', 'org_connect', 'main_star_ext', 'linked_extension', 'on_net_number', 'public_network', 'dnd', 'forward_always', … */
  rule: string;
  matched: boolean;
  /** A sentence an admin understands. */
  why: string;
}

export type RouteClass =
  | 'feature_code'
  | 'emergency'
  | 'own_extension'
  | 'org_connect'
  | 'main_star_extension'
  | 'linked_extension'
  | 'on_net_number'
  | 'public_national'
  | 'public_international'
  | 'public_premium';

/** How a call is metered (spec §12): on-net classes are free. */
export type MeteringClass = 'on_net_own' | 'on_net_linked' | 'on_net_federated' | 'emergency' | 'local' | 'national' | 'international' | 'premium' | 'none';

/** The party a call reaches or comes from, as the call log shows it. */
export interface Party {
  accountId: string | null;
  /** The account's name (the Office) for on-net parties; null for the public network. */
  office: string | null;
  userId: string | null;
  name: string | null;
  extension: string | null;
  /** E.164, when there is one. */
  number: string | null;
}

/** The caller ID presented to the callee. */
export interface CallerIdShown {
  anonymous: boolean;
  /** The number presented (E.164), null when anonymous or when only name + extension is shown. */
  number: string | null;
  name: string | null;
  extension: string | null;
  /** The caller's Office, for on-net calls between federated accounts. */
  office: string | null;
  /** Which §9 rule chose it: 'hidden' | 'cli' | 'user_number' | 'site_main' | 'federation_name_extension' | 'federation_name_number' | 'internal'. */
  source: string;
}

export type Destination =
  | { kind: 'user'; accountId: string; userId: string; numberE164: string | null }
  | { kind: 'number'; accountId: string; numberE164: string }
  | { kind: 'oa_portal'; accountId: string; portalId: string }
  | { kind: 'voicemail_pilot' | 'ring_group'; accountId: string; id: string }
  | { kind: 'feature_code'; code: string }
  | { kind: 'emergency'; number: string }
  | { kind: 'public'; e164: string; country: string | null };

export type OutboundDecision =
  | {
      ok: true;
      routeClass: RouteClass;
      destination: Destination;
      /** The party reached, for the call record. */
      callee: Party;
      callerId: CallerIdShown;
      metering: MeteringClass;
      /** An authorization code must be entered before the call proceeds. */
      authCodeRequired: boolean;
      explanation: Step[];
    }
  | {
      ok: false;
      /** The SIP status the caller gets (e.g. 403 Forbidden, 404 Not Found, 484 Address Incomplete). */
      sipStatus: number;
      reason: string;
      explanation: Step[];
    };

export interface OutboundRequest {
  accountId: string;
  /** The calling user (a handset logged in for a number acts as that number's user). */
  userId: string | null;
  /** The calling number, when the call comes from a number rather than a user (e.g. a portal). */
  fromNumber?: string | null;
  dialled: string;
  /** Decision time (for future time-based rules); part of the inputs so decisions stay deterministic. */
  at: Date;
}

/** One endpoint the call plan rings. */
export type Endpoint =
  | { kind: 'handset'; deviceId: string; phoneId: string; sipUsername: string }
  | { kind: 'alternate_phone'; e164: string };

/** What happens when a stage ends (busy, no answer, nothing reachable). */
export type Fallback =
  | { action: 'call_waiting' }
  /** The Office Anywhere portal service answers the call at once (spec §7; inbound.ts). */
  | { action: 'oa_portal'; portalId: string; numberE164: string }
  | { action: 'forward'; to: string; hops: number }
  | { action: 'voicemail'; numberE164: string }
  | { action: 'busy' }
  | { action: 'end' };

export type CallPlan =
  | {
      ok: true;
      target: Party;
      /** Rung together; the first to answer wins (spec §7, §9). Empty when the plan goes straight to a fallback. */
      ring: Endpoint[];
      ringSeconds: number;
      /** Set when the call must not ring at all: do-not-disturb or forward always. */
      immediate: Fallback | null;
      onBusy: Fallback;
      onNoAnswer: Fallback;
      onUnreachable: Fallback;
      /** The caller ID each endpoint is shown. */
      callerId: CallerIdShown;
      explanation: Step[];
    }
  | { ok: false; sipStatus: number; reason: string; explanation: Step[] };

export interface InboundRequest {
  /** A number (E.164) or an extension of `accountId`. */
  target: string;
  accountId?: string | null;
  /** The caller: an on-net user, or a public number. */
  caller: { accountId: string; userId: string | null } | { e164: string | null };
  at: Date;
}
