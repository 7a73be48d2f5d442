/**
 * Rating a call leg (spec §12: "Calls are rated by metering class: on-net (own account, linked,
 * federated) free; public network by destination (local, national, international, premium) from a
 * rate table; Office Anywhere legs are toll legs"). Pure: a function of the rate deck and the leg.
 *
 * Choices, stated once:
 * - **Billing increment: per started minute** (60/60). A leg answered for 61 seconds bills 2 minutes;
 *   a leg never answered (0 seconds) bills 0 minutes and costs nothing — not even the setup charge,
 *   which is due per *connected* call. Whole minutes keep every figure an integer, so an invoice's
 *   lines add up to its totals exactly.
 * - **Money** is an integer number of 1/10,000 currency units (the rate deck's unit, migration 007):
 *   cost = setup + perMinute × billed minutes; no rounding anywhere.
 * - **Which rate**: the deck row whose prefix is the longest prefix of the E.164 digits (no `+`).
 * - **Free**: on-net classes (`on_net_own`, `on_net_linked`, `on_net_federated`), `emergency`, and
 *   `none` (nothing was metered: an inbound call from the public network, a feature code).
 * - **Office Anywhere**: a leg to or from an alternate phone is rated as toll on its public end, even
 *   when the call it serves is on-net (spec §7 "Usage").
 * - **Unrated**: a toll leg that was answered but whose number matches no deck row costs 0 and is
 *   flagged `unrated`, so the invoice lists it instead of hiding it.
 */
import { toPublicNumber } from './permissions.ts';
import type { RateSnap } from './snapshot.ts';
import type { MeteringClass } from './types.ts';

/** Money in the rate deck and on invoices is counted in 1/10,000 of the currency unit. */
export const CURRENCY_UNIT_SCALE = 10_000;

/** The metering classes of calls that stay on Tandem's network (spec §8: calls between members are free). */
export const ON_NET_CLASSES: readonly MeteringClass[] = ['on_net_own', 'on_net_linked', 'on_net_federated'];
/** The metering classes of the public network, rated from the deck. */
export const TOLL_CLASSES: readonly MeteringClass[] = ['local', 'national', 'international', 'premium'];

export const isOnNet = (m: MeteringClass): boolean => ON_NET_CLASSES.includes(m);
export const isToll = (m: MeteringClass): boolean => TOLL_CLASSES.includes(m);

/** What rateLeg needs to know about a leg. */
export interface LegToRate {
  metering: MeteringClass;
  /** The public number the leg is rated on (E.164), when there is one. */
  destinationE164: string | null;
  /** Seconds from answer to end; 0 when the leg was never answered. */
  durationSeconds: number;
  /** A leg to or from an alternate phone (spec §7): always toll. */
  officeAnywhereLeg: boolean;
}

export interface Rating {
  /** 1/10,000 currency units. */
  cost: number;
  billedMinutes: number;
  /** The deck row used, or null when the leg is free or unrated. */
  ratePrefix: string | null;
  description: string | null;
  perMinute: number | null;
  setup: number | null;
  /** A toll leg whose number matches no row of the deck: rated at 0 and listed as unrated. */
  unrated: boolean;
}

/** Minutes billed for a duration: every started minute counts. */
export const billedMinutes = (durationSeconds: number): number => (durationSeconds > 0 ? Math.ceil(durationSeconds / 60) : 0);

/**
 * The deck row for an E.164 number: the longest prefix of its digits. Does not rely on the order of
 * `rates` (the snapshot keeps them longest first, but a wrong order must not change a price).
 */
export function findRate(rates: readonly RateSnap[], e164: string): RateSnap | null {
  const digits = e164.replace(/^\+/, '');
  if (!/^\d+$/.test(digits)) return null;
  let best: RateSnap | null = null;
  for (const r of rates) {
    if (digits.startsWith(r.prefix) && (best === null || r.prefix.length > best.prefix.length)) best = r;
  }
  return best;
}

/** Rates one leg (see the module comment for the rules). */
export function rateLeg(rates: readonly RateSnap[], leg: LegToRate): Rating {
  const minutes = billedMinutes(leg.durationSeconds);
  const free: Rating = { cost: 0, billedMinutes: minutes, ratePrefix: null, description: null, perMinute: null, setup: null, unrated: false };
  if (!leg.officeAnywhereLeg && !isToll(leg.metering)) return free;
  const rate = leg.destinationE164 ? findRate(rates, leg.destinationE164) : null;
  if (!rate) return { ...free, unrated: minutes > 0 };
  return {
    cost: minutes === 0 ? 0 : rate.setup + rate.perMinute * minutes,
    billedMinutes: minutes, ratePrefix: rate.prefix, description: rate.description, perMinute: rate.perMinute, setup: rate.setup, unrated: false,
  };
}

/** The country of a public number (ISO code), or null when it has none or is not valid. */
export function countryOf(e164: string): string | null {
  if (!e164.startsWith('+')) return null;
  // With the leading +, the default country given to the parser plays no part.
  return toPublicNumber(e164, 'DE')?.country ?? null;
}

/**
 * The toll class an Office Anywhere leg is metered in (spec §7 "legs to and from alternate phones are
 * ordinary toll usage"): premium for a premium-rate number, international for a number abroad of the
 * account's country, else national. A leg the engine already metered as toll keeps its class.
 */
export function officeAnywhereClass(metering: MeteringClass, publicEnd: string | null, accountCountry: string): MeteringClass {
  if (isToll(metering)) return metering;
  const n = publicEnd ? toPublicNumber(publicEnd, accountCountry) : null;
  if (n?.kind === 'premium') return 'premium';
  if (n?.country && n.country !== accountCountry) return 'international';
  return 'national';
}

/** The largest price a deck row may carry, in currency units (fits the integer column with room to spare). */
export const MAX_PRICE_UNITS = 99_999;

/**
 * A price written as a decimal of currency units ("0.0123", "12", "1.5") in 1/10,000 units (123,
 * 120000, 15000), without floating point; null when it is not such a decimal, has more than four
 * decimals (a price the deck cannot hold exactly) or exceeds {@link MAX_PRICE_UNITS}.
 */
export function parseMoney(text: string): number | null {
  const m = /^(\d{1,5})(?:\.(\d{1,4}))?$/.exec(text.trim());
  if (!m) return null;
  const whole = Number(m[1]);
  if (whole > MAX_PRICE_UNITS) return null;
  return whole * CURRENCY_UNIT_SCALE + Number((m[2] ?? '').padEnd(4, '0'));
}

/** Money in 1/10,000 units as a decimal string of currency units, e.g. 1234 → "0.1234". */
export function formatMoney(units: number): string {
  const sign = units < 0 ? '-' : '';
  const abs = Math.abs(units);
  return `${sign}${Math.floor(abs / CURRENCY_UNIT_SCALE)}.${String(abs % CURRENCY_UNIT_SCALE).padStart(4, '0')}`;
}
