/**
 * The routing snapshot: everything a call decision needs, compiled into memory (spec §9). The engine
 * (outbound.ts, inbound.ts) reads only this — never the database or the network — so a decision is a
 * pure, deterministic function of (snapshot, inputs). build.ts compiles it from the database; live.ts
 * keeps it current from bus events.
 */
import type { FeatureState } from '../domain/features.ts';
import type { DialPlan } from '../domain/call-rules.ts';
import type { LineKind } from '../domain/phone.ts';

export type { FeatureState, DialPlan, LineKind };

export interface UserSnap {
  id: string;
  accountId: string;
  siteId: string;
  firstName: string;
  lastName: string;
  extension: string | null;
  /** E.164 of the number assigned to the user, if any. */
  number: string | null;
  officeAnywhereEnabled: boolean;
  /** Alternate phones (spec §7), in the order the user listed them. */
  alternatePhones: { e164: string; active: boolean }[];
  /** The Organization Connect / outbound call rule assigned to the user. */
  callRuleId: string | null;
}

export interface NumberSnap {
  id: string;
  accountId: string;
  siteId: string;
  e164: string;
  status: 'reserved' | 'active' | 'pending';
  isMain: boolean;
  userId: string | null;
  displayName: { line1: string; line2: string } | null;
  features: FeatureState;
  /** The handset this number is logged into (spec §6). */
  handset: { deviceId: string; phoneId: string; sipUsername: string } | null;
  /** The Office Anywhere portal this number serves, if it is one (spec §7). */
  portalId: string | null;
}

export interface SiteSnap {
  id: string;
  name: string;
  mainNumber: string | null;
}

export interface PortalSnap {
  id: string;
  numberE164: string;
  name: string;
  extension: string | null;
  scope: 'account' | 'site';
  siteId: string | null;
}

export interface CallRuleSnap {
  id: string;
  name: string;
  dialPlan: DialPlan;
  countryWhitelist: string[];
  /** Organization Connect rows in order: prefix → destination account. */
  prefixes: { prefix: string; destinationAccountId: string }[];
}

export type ExtensionTarget = { type: 'user'; id: string } | { type: 'oa_portal'; id: string } | { type: 'voicemail_pilot' | 'ring_group'; id: string };

/** What one account is granted on another (the union over the active federations both are active in). */
export interface GrantSnap {
  directory: boolean;
  extensionDialing: boolean;
  metered: boolean;
  /** Caller ID between them shows name + extension (linked) rather than name + number (federated). */
  showExtension: boolean;
}

export interface AccountSnap {
  id: string;
  name: string;
  /** ISO country: number parsing and emergency numbers. */
  country: string;
  sipDomain: string;
  extMinLength: number;
  extMaxLength: number;
  /** Countries the account may call abroad; null = every country. */
  intlWhitelist: string[] | null;
  premiumAllowed: boolean;
  sites: Map<string, SiteSnap>;
  users: Map<string, UserSnap>;
  extensions: Map<string, ExtensionTarget>;
  portals: Map<string, PortalSnap>;
  callRules: Map<string, CallRuleSnap>;
  /** Other account id → what this account is granted on it. */
  grants: Map<string, GrantSnap>;
}

/** A rate deck row (spec §12): the longest matching prefix of the E.164 digits wins. */
export interface RateSnap {
  prefix: string;
  description: string;
  /** Per-minute price and per-call setup, in the deck's currency, as decimal strings' numeric value in minor units (e.g. 1/10,000 of the unit). */
  perMinute: number;
  setup: number;
}

export interface Snapshot {
  builtAt: string;
  accounts: Map<string, AccountSnap>;
  /** Every allocated number of every account, by E.164 (on-net detection, inbound targets). */
  numbers: Map<string, NumberSnap>;
  /** Rate deck rows sorted by prefix length descending, then prefix. */
  rates: RateSnap[];
}

/** An empty snapshot (tests build on it). */
export const emptySnapshot = (): Snapshot => ({ builtAt: new Date(0).toISOString(), accounts: new Map(), numbers: new Map(), rates: [] });
