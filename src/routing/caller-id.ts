/**
 * The caller ID a callee is shown (spec §9 "Caller ID", §8 policy table "caller ID … shows"). Pure:
 * reads only the snapshot. Used by outbound decisions (outbound.ts) and by inbound call plans
 * (inbound.ts) for the caller ID each endpoint is shown.
 *
 * The rules, in order (documented choices marked "choice"):
 * 1. **Same account** (`calleeAccountId === caller.accountId`): the internal identity — name and
 *    extension (`source: 'internal'`). Choice: hide caller ID does NOT apply inside the account.
 *    Spec §4 defines it for *outbound* calls, and a mature PBX always shows colleagues who is
 *    calling (the callee's phone, call log and presence all know it anyway). A caller without an
 *    extension shows name + their presented number instead.
 * 2. **Hide caller ID** (the caller's number has `hideCallerId`) → anonymous, for every callee
 *    outside the caller's own account: the public network and other Tandem accounts, federated or
 *    linked alike (choice: a linked account is still another tenant; the caller asked to hide).
 *    Exception: emergency services always receive the number (`opts.emergency`; see outbound.ts).
 * 3. **Another account sharing an active federation** (a grant between the two accounts): the
 *    caller's name with the Office (the caller's account name), plus the extension when the grant
 *    shows extensions (`linked` preset: 'federation_name_extension') or the presented number
 *    otherwise (`federated` preset: 'federation_name_number'). A caller without an extension falls
 *    back to name + number.
 * 4. **Public network** (callee null, or an account with no federation with the caller's): the
 *    presented number only (no name — the public network carries a number):
 *    the CLI number ('cli') when CLI is on and it is still an active number of the caller's
 *    account (a stale CLI is skipped, never presented: presenting a number the account no longer
 *    holds would be spoofing); else the user's number ('user_number') when it is an active or
 *    pending number of the account; else the main number of the caller's site ('site_main').
 *
 * Which number's features apply: `caller.fromNumber` when the call comes from a number (a portal,
 * a handset acting for a number), else the calling user's number. Exception: a user calling out
 * through an Office Anywhere portal number (userId set, fromNumber a portal) is shown with their own
 * office number (spec §7 "the callee sees the user's office caller ID"). A caller with no number uses
 * the default features (nothing hidden, no CLI). Only numbers of the caller's own account count: a
 * `fromNumber` of another account is ignored.
 */
import { DEFAULT_FEATURES, type FeatureState } from '../domain/features.ts';
import type { AccountSnap, NumberSnap, Snapshot, UserSnap } from './snapshot.ts';
import type { CallerIdShown } from './types.ts';

/** The calling side as the engine sees it. */
export interface CallerRef {
  accountId: string;
  userId: string | null;
  fromNumber?: string | null;
}

/** Everything the caller-ID rules need about the caller, resolved once from the snapshot. */
export interface CallerIdentity {
  account: AccountSnap | null;
  user: UserSnap | null;
  /** The number the call is made from (its features apply), if it is one of the caller's account. */
  number: NumberSnap | null;
  features: FeatureState;
  name: string | null;
  extension: string | null;
  /** The site whose main number is the last fallback. */
  siteId: string | null;
}

/** A number of `accountId` that may be presented: it exists in the snapshot, belongs to the account and is in use. */
function presentable(snap: Snapshot, accountId: string, e164: string | null | undefined): NumberSnap | null {
  if (!e164) return null;
  const n = snap.numbers.get(e164);
  return n && n.accountId === accountId && (n.status === 'active' || n.status === 'pending') ? n : null;
}

/** The account's first site alphabetically (spec §2: views that pick a site default to it), by id on a tie. */
function firstSite(account: AccountSnap): string | null {
  const sites = [...account.sites.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  return sites[0]?.id ?? null;
}

/** Resolves the caller's account, user, calling number, features, name and extension. */
export function callerIdentity(snap: Snapshot, caller: CallerRef): CallerIdentity {
  const account = snap.accounts.get(caller.accountId) ?? null;
  const user = (caller.userId !== null ? account?.users.get(caller.userId) : undefined) ?? null;
  const from = presentable(snap, caller.accountId, caller.fromNumber);
  // Office Anywhere call-out (spec §7): a user calling through a portal shows their office caller ID.
  const number = (from && !(from.portalId !== null && user) ? from : null) ?? presentable(snap, caller.accountId, user?.number) ?? from;
  const portal = number?.portalId ? account?.portals.get(number.portalId) ?? null : null;
  const name = user ? `${user.firstName} ${user.lastName}`.trim() : (number?.displayName?.line1 ?? portal?.name ?? null);
  const extension = user ? user.extension : (portal?.extension ?? null);
  const siteId = user?.siteId ?? number?.siteId ?? (account ? firstSite(account) : null);
  return { account, user, number, features: number?.features ?? DEFAULT_FEATURES, name, extension, siteId };
}

/**
 * The number presented for the caller (rule 4): CLI, else the user's number, else the site's main
 * number. `number` is null only when the caller's site has no main number.
 */
export function presentedNumber(snap: Snapshot, id: CallerIdentity): { number: string | null; source: 'cli' | 'user_number' | 'site_main' } {
  const accountId = id.account?.id ?? id.user?.accountId ?? id.number?.accountId ?? '';
  const cli = presentable(snap, accountId, id.features.cliNumber);
  if (cli) return { number: cli.e164, source: 'cli' };
  const own = id.number ?? presentable(snap, accountId, id.user?.number);
  if (own) return { number: own.e164, source: 'user_number' };
  const site = id.siteId !== null ? id.account?.sites.get(id.siteId) : undefined;
  return { number: site?.mainNumber ?? null, source: 'site_main' };
}

const ANONYMOUS: CallerIdShown = { anonymous: true, number: null, name: null, extension: null, office: null, source: 'hidden' };

/**
 * The caller ID a callee in `calleeAccountId` (null = the public network) is shown for a call from
 * `caller` (spec §9; the rules and choices are in this module's header).
 * `opts.emergency`: the call goes to emergency services, which always receive the number (hide
 * caller ID does not apply).
 */
export function callerIdFor(
  snap: Snapshot,
  caller: { accountId: string; userId: string | null; fromNumber?: string | null },
  calleeAccountId: string | null,
  opts: { emergency?: boolean } = {},
): CallerIdShown {
  const id = callerIdentity(snap, caller);
  const presented = presentedNumber(snap, id);

  if (calleeAccountId !== null && calleeAccountId === caller.accountId) {
    return { anonymous: false, number: id.extension ? null : presented.number, name: id.name, extension: id.extension, office: null, source: 'internal' };
  }
  if (id.features.hideCallerId && !opts.emergency) return { ...ANONYMOUS };

  const grant = calleeAccountId !== null ? id.account?.grants.get(calleeAccountId) : undefined;
  if (grant && id.account) {
    const office = id.account.name;
    if (grant.showExtension && id.extension) {
      return { anonymous: false, number: null, name: id.name, extension: id.extension, office, source: 'federation_name_extension' };
    }
    return { anonymous: false, number: presented.number, name: id.name, extension: null, office, source: 'federation_name_number' };
  }
  return { anonymous: false, number: presented.number, name: null, extension: null, office: null, source: presented.source };
}
