/**
 * The monthly invoice of an account (spec §12 "Each account gets a monthly invoice of its usage").
 *
 * Built from the account's call records (migration 008) of the calendar month in UTC, each leg as it
 * was rated when the call ended — replacing the rate deck later never changes a past invoice. Usage
 * is grouped by metering class and destination:
 * - on-net classes (own, linked, federated): destination `on-net`, cost 0 (spec §8, §12);
 * - `emergency`: destination `emergency`, cost 0;
 * - toll classes: the rate deck row's description, else the country of the number, else `unknown`;
 *   Office Anywhere legs (spec §7) are separate lines (`officeAnywhere: true`) in their toll class;
 * - legs whose number matched no deck row are counted in `unrated` (per line and in all).
 * Legs metered `none` (inbound calls from the public network, feature codes) are not usage.
 * Every figure is an integer (billing per started minute, money in 1/10,000 units), so the lines add
 * up to the totals exactly.
 */
import { invalid } from '../domain/errors.ts';
import { CURRENCY_UNIT_SCALE, ON_NET_CLASSES, isOnNet } from '../routing/rating.ts';
import type { MeteringClass } from '../routing/types.ts';
import { usageGroups } from '../store/repos/call-records.ts';
import { accountOf, inAccount, type Ctx } from './context.ts';

export interface InvoiceLine {
  class: MeteringClass;
  destination: string;
  officeAnywhere: boolean;
  calls: number;
  minutes: number;
  cost: number;
  unrated: number;
}

export interface Invoice {
  accountId: string;
  month: string;
  currencyUnitScale: number;
  lines: InvoiceLine[];
  totals: { calls: number; minutes: number; cost: number };
  onNet: { calls: number; minutes: number; cost: number };
  unrated: number;
}

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The UTC bounds [from, to) of a month written YYYY-MM. */
export function monthBounds(month: string): { from: string; to: string } {
  const m = MONTH_RE.exec(month);
  if (!m) throw invalid('month', `"${month}" is not a month; write it as YYYY-MM, e.g. 2025-06`);
  const y = Number(m[1]);
  const mo = Number(m[2]);
  return { from: new Date(Date.UTC(y, mo - 1, 1)).toISOString(), to: new Date(Date.UTC(y, mo, 1)).toISOString() };
}

/** The order lines are listed in: on-net first, then emergency, then toll from local to premium. */
const CLASS_ORDER: readonly MeteringClass[] = [...ON_NET_CLASSES, 'emergency', 'local', 'national', 'international', 'premium', 'none'];

/** The invoice of the actor's account for `month` (account admins; operators with Tandem-Account). */
export async function getInvoice(ctx: Ctx, month: string): Promise<Invoice> {
  const { from, to } = monthBounds(month);
  const accountId = accountOf(ctx);
  const groups = await inAccount(ctx, (tx) => usageGroups(tx.sql, accountId, from, to));
  const lines = new Map<string, InvoiceLine>();
  for (const g of groups) {
    const destination = isOnNet(g.meteringClass) ? 'on-net'
      : g.meteringClass === 'emergency' ? 'emergency'
      : g.rateDescription || g.ratedCountry || 'unknown';
    const key = JSON.stringify([g.meteringClass, destination, g.officeAnywhereLeg]);
    const line = lines.get(key) ?? { class: g.meteringClass, destination, officeAnywhere: g.officeAnywhereLeg, calls: 0, minutes: 0, cost: 0, unrated: 0 };
    line.calls += g.calls;
    line.minutes += g.minutes;
    line.cost += g.cost;
    if (g.unrated) line.unrated += g.calls;
    lines.set(key, line);
  }
  const sorted = [...lines.values()].sort((x, y) =>
    CLASS_ORDER.indexOf(x.class) - CLASS_ORDER.indexOf(y.class) || Number(x.officeAnywhere) - Number(y.officeAnywhere) || x.destination.localeCompare(y.destination));
  const sum = (ls: InvoiceLine[]) => ({ calls: ls.reduce((s, l) => s + l.calls, 0), minutes: ls.reduce((s, l) => s + l.minutes, 0), cost: ls.reduce((s, l) => s + l.cost, 0) });
  const onNet = sum(sorted.filter((l) => isOnNet(l.class)));
  return {
    accountId, month, currencyUnitScale: CURRENCY_UNIT_SCALE, lines: sorted, totals: sum(sorted),
    onNet: { calls: onNet.calls, minutes: onNet.minutes, cost: 0 }, unrated: sorted.reduce((s, l) => s + l.unrated, 0),
  };
}
