/**
 * The call log's parties and calling them back (spec §8 "Calling back from the call log works for
 * every format, including `<main number>*<extension>`"; §8 table "caller ID, call log and
 * notifications show name + extension (linked) / name + number (federated)"; §9 "Every call produces a
 * call record (both parties with display names …)"). Pure: reads only the routing snapshot.
 *
 * - {@link partyForAccount}: what one account's call log may keep of a party — an own-account party in
 *   full; a party of a linked account as name + extension + office, of a federated account as name +
 *   number + office; a party of an account it shares no federation with only as a public number
 *   (spec §1: no identity reads another account's data unless a federation grants exactly that).
 * - {@link callbackFor}: the string the viewer dials to reach that party again, in the form the
 *   outbound engine (spec §9 order) routes back to the same party.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { AccountSnap, Snapshot } from './snapshot.ts';
import type { Party } from './types.ts';

export type CallbackVia = 'extension' | 'org_connect' | 'main_star_extension' | 'number';

export interface Callback {
  dial: string;
  via: CallbackVia;
  /** A sentence saying what the string dials. */
  why: string;
}

export interface Viewer {
  accountId: string;
  /** The user who dials (their Organization Connect rule applies); null for an admin or operator without one. */
  userId: string | null;
}

const PUBLIC = (number: string | null, name: string | null = null): Party => ({ accountId: null, office: null, userId: null, name, extension: null, number });

/**
 * The party as account `accountId`'s call log keeps it (see the module comment). Offices are filled
 * from the snapshot when the caller left them empty.
 */
export function partyForAccount(snap: Snapshot, accountId: string, party: Party): Party {
  if (party.accountId === null) return PUBLIC(party.number, party.name);
  const other = snap.accounts.get(party.accountId);
  if (party.accountId === accountId) return { ...party, office: party.office ?? other?.name ?? null };
  const grant = snap.accounts.get(accountId)?.grants.get(party.accountId);
  if (!grant) return PUBLIC(party.number);
  const office = other?.name ?? party.office;
  return grant.showExtension
    ? { accountId: party.accountId, office, userId: party.userId, name: party.name, extension: party.extension, number: null }
    : { accountId: party.accountId, office, userId: party.userId, name: party.name, extension: null, number: party.number };
}

/**
 * The party's extension now: a user's current extension (null once the user is gone or has none,
 * so an extension handed to someone else is never dialled); for another target (a portal, a
 * pilot), the recorded extension while it still names a non-user target of that account.
 */
function currentExtension(account: AccountSnap | undefined, party: Party): string | null {
  if (!account) return null;
  if (party.userId) return account.users.get(party.userId)?.extension ?? null;
  if (!party.extension) return null;
  const target = account.extensions.get(party.extension);
  return target && target.type !== 'user' ? party.extension : null;
}

/** A user's current number where the viewer may know it (own account, or a federation grants it), else the recorded one. */
function currentNumber(account: AccountSnap | undefined, party: Party): string | null {
  const u = party.userId ? account?.users.get(party.userId) : undefined;
  return u ? u.number ?? party.number : party.number;
}

/** The main number of the party's site (the user's site), else of the account's first site alphabetically (spec §2). */
function mainNumberOf(account: AccountSnap, party: Party): string | null {
  const u = party.userId ? account.users.get(party.userId) : undefined;
  const own = u ? account.sites.get(u.siteId)?.mainNumber : null;
  if (own) return own;
  const sites = [...account.sites.values()].filter((s) => s.mainNumber).sort((x, y) => x.name.localeCompare(y.name));
  return sites[0]?.mainNumber ?? null;
}

/** A number as the viewer dials it: national digits when it is in the viewer's country, else E.164. */
export function dialForm(e164: string, viewerCountry: string): string {
  const p = parsePhoneNumberFromString(e164);
  if (!p || !p.isValid() || p.country !== viewerCountry) return e164;
  return p.formatNational().replace(/\D/g, '');
}

const who = (p: Party): string => p.name ?? p.number ?? 'the other party';

/**
 * What `viewer` dials to reach `party` again, or null when nothing leads back (a withheld number, a
 * party of another account the viewer no longer reaches and whose number it never saw):
 * own account → the extension; another account the viewer's account has extension reach to → the
 * viewer's Organization Connect prefix for it + extension, else its main number (national form of
 * the viewer's country, or E.164) + `*` + extension; otherwise → the E.164 number.
 */
export function callbackFor(snap: Snapshot, viewer: Viewer, party: Party): Callback | null {
  const me = snap.accounts.get(viewer.accountId);
  if (!me) return null;
  if (party.accountId !== null && party.accountId === me.id) {
    const ext = currentExtension(me, party);
    if (ext) return { dial: ext, via: 'extension', why: `Extension ${ext} is ${who(party)} in your own account` };
    const num = currentNumber(me, party);
    return num ? { dial: num, via: 'number', why: `${who(party)} has no extension now; ${num} is their number in your own account` } : null;
  }
  if (party.accountId !== null) {
    const other = snap.accounts.get(party.accountId);
    const grant = me.grants.get(party.accountId);
    if (other && grant) {
      const ext = grant.extensionDialing ? currentExtension(other, party) : null;
      if (ext) {
        const ruleId = viewer.userId ? me.users.get(viewer.userId)?.callRuleId : null;
        const row = ruleId ? me.callRules.get(ruleId)?.prefixes.find((p) => p.destinationAccountId === other.id) : undefined;
        if (row) {
          return { dial: `${row.prefix}${ext}`, via: 'org_connect', why: `Your Organization Connect prefix ${row.prefix} reaches ${other.name}; then extension ${ext} (${who(party)})` };
        }
        const main = mainNumberOf(other, party);
        if (main) {
          const m = dialForm(main, me.country);
          return { dial: `${m}*${ext}`, via: 'main_star_extension', why: `${m} is the main number of ${other.name}; * then extension ${ext} reaches ${who(party)}` };
        }
      }
      const num = currentNumber(other, party);
      if (num) return { dial: num, via: 'number', why: `${num} is the number of ${who(party)} at ${other.name}, reached on-net` };
      return null;
    }
  }
  // The public network, or an account the viewer no longer shares a federation with: the number it saw.
  return party.number ? { dial: party.number, via: 'number', why: `${party.number} is the number ${party.name ? `of ${party.name} ` : ''}the call came from or went to` } : null;
}
