/**
 * How the records screens (call log, invoices, audit) and the operator's rate deck write what the API
 * answers: metering classes, call results, parties, durations, money and times.
 */
import type { Answer } from '../../api/client.ts';

export type CallRecord = Answer<'/v1/call-records', 'get'>['items'][number];
export type Party = CallRecord['from'];
export type MeteringClass = CallRecord['meteringClass'];

/**
 * Money on call records and in the rate deck is an integer of 1/10,000 currency units (the schema's
 * `cost`, `perMinute` and `setup` say so); invoices name their scale (`currencyUnitScale`) and use it.
 */
export const RECORD_UNIT_SCALE = 10_000;

/** An integer amount of 1/`scale` currency units as a decimal of currency units: 16250 → "1.6250". */
export function formatMoney(units: number, scale: number = RECORD_UNIT_SCALE): string {
  const digits = Math.max(0, Math.round(Math.log10(scale)));
  const sign = units < 0 ? '-' : '';
  const abs = Math.abs(units);
  const whole = Math.floor(abs / scale);
  return digits === 0 ? `${sign}${whole}` : `${sign}${whole}.${String(abs % scale).padStart(digits, '0')}`;
}

export const CLASS_LABEL: Record<MeteringClass, string> = {
  on_net_own: 'On-net (own account)',
  on_net_linked: 'On-net (linked account)',
  on_net_federated: 'On-net (federated account)',
  emergency: 'Emergency',
  local: 'Local',
  national: 'National',
  international: 'International',
  premium: 'Premium',
  none: 'Not metered',
};

export const isOnNet = (c: MeteringClass): boolean => c === 'on_net_own' || c === 'on_net_linked' || c === 'on_net_federated';

export const RESULT_LABEL: Record<CallRecord['result'], string> = {
  answered: 'Answered', busy: 'Busy', no_answer: 'No answer', failed: 'Failed', rejected: 'Rejected', voicemail: 'Voicemail', cancelled: 'Cancelled',
};

export const RESULT_TONE: Record<CallRecord['result'], 'ok' | 'warn' | 'muted' | 'bad'> = {
  answered: 'ok', voicemail: 'muted', busy: 'warn', no_answer: 'warn', cancelled: 'muted', failed: 'bad', rejected: 'bad',
};

export const DIRECTION_LABEL: Record<CallRecord['direction'], string> = { outbound: 'Outbound', inbound: 'Inbound', internal: 'Internal' };

export const ROUTE_LABEL: Record<NonNullable<CallRecord['routeClass']>, string> = {
  feature_code: 'Feature code', emergency: 'Emergency number', own_extension: 'Own extension', org_connect: 'Organization Connect prefix',
  main_star_extension: 'Main number * extension', linked_extension: 'Extension in a linked account', on_net_number: 'On-net number',
  public_national: 'Public network, national', public_international: 'Public network, international', public_premium: 'Public network, premium',
};

/** A party's main line: the name, else the number, else the extension; a party with none withheld it. */
export function partyName(p: Party): string {
  return p.name ?? p.number ?? (p.extension ? `Extension ${p.extension}` : 'Withheld');
}

/**
 * What else the account may see of a party: extension, number, and the office (account name) of a
 * party in another account (spec §8: linked accounts show extensions, federated ones numbers).
 */
export function partyDetail(p: Party, ownAccountId: string): string {
  const bits: string[] = [];
  if (p.extension && (p.name || p.number)) bits.push(`ext. ${p.extension}`);
  if (p.number && p.name) bits.push(p.number);
  if (p.office && p.accountId !== ownAccountId) bits.push(p.office);
  return bits.join(' · ');
}

/** Seconds as m:ss (or h:mm:ss). */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = String(seconds % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

/** A timestamp in the viewer's time zone. */
export function formatTime(iso: string | null): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

/** A timestamp's date and time apart (for a table cell of two lines). */
export function dateAndTime(iso: string): { date: string; time: string } {
  const d = new Date(iso);
  return { date: dateOnly.format(d), time: timeOnly.format(d) };
}

/** Local midnight of a YYYY-MM-DD day, `plusDays` later, as an ISO timestamp. */
export function dayStart(day: string, plusDays = 0): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d! + plusDays).toISOString();
}
