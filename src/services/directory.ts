/**
 * The federated directory (spec §8 "Directory"): search as the user types over name, extension,
 * number and e-mail, in the caller's own account (default), the full directory (own account and every
 * account an active federation grants a directory to), or chosen offices (accounts).
 *
 * Who sees what is decided here, per request:
 * - the accounts searched are the caller's own and those `grantsOf` returns with `directory` —
 *   read fresh from the database for every request that reaches beyond the own account (never
 *   cached), so a departure or dissolution is effective for the very next request;
 * - a federated entry shares only what the grant (the union over the federations both accounts are
 *   active members of) allows: presence only with `sharePresence`, the profile image only with
 *   `shareProfileImage`, the extension only with extension dialing or "name + extension" display —
 *   and a hidden extension is not searched either, so a search cannot reveal it;
 * - the admin view (operators, account admins and site admins) also says which federations grant
 *   each entry (`grantedBy`); the user view does not.
 */
import { directoryFor, type Entry, type ShardScope } from '../directory/index.ts';
import { AppError, invalid, notFound } from '../domain/errors.ts';
import type { Grant } from '../domain/federation.ts';
import { isUuid } from '../domain/ids.ts';
import { getAccount } from '../store/repos/accounts.ts';
import { grantsOf } from '../store/repos/federations.ts';
import { decodeCursor, encodeCursor, type Page } from '../store/pagination.ts';
import { accountOf, inAccount, type Ctx } from './context.ts';
import { myGrants } from './grants.ts';

export type DirectoryScope = 'own' | 'all' | 'offices';

export interface DirectoryQuery {
  q?: string;
  scope?: DirectoryScope;
  /** Comma-separated account ids (scope `offices`). */
  offices?: string;
  limit: number;
  cursor?: string;
}

export interface DirectoryEntry {
  userId: string;
  accountId: string;
  /** The account's name (spec §8: "Each contact shows an Office field"). */
  office: string;
  /** The contact is in another account, reached through a federation. */
  federated: boolean;
  firstName: string;
  lastName: string;
  email: string;
  extension: string | null;
  number: string | null;
  presence: string | null;
  profileImageUrl: string | null;
  /** Admin view only: the federations that grant this entry (empty for the own account). */
  grantedBy?: { federationId: string; name: string }[];
}

export interface Office {
  accountId: string;
  name: string;
  federated: boolean;
  /** Admin view only. */
  grantedBy?: { federationId: string; name: string }[];
}

/** Operators, account admins and site admins get the admin view. */
const adminView = (ctx: Ctx): boolean => ctx.actor.role !== 'user';

/** Whether a federated account's extensions are shown (and searched). */
const showsExtension = (g: Grant): boolean => g.extensionDialing || g.showExtension;

const grantedBy = (g: Grant | null): { federationId: string; name: string }[] => (g ? g.federations.map((f) => ({ federationId: f.id, name: f.name })) : []);

/** What the caller may see of one entry. */
function view(e: Entry, office: string, grant: Grant | null, admin: boolean): DirectoryEntry {
  const own = grant === null;
  return {
    userId: e.id,
    accountId: e.accountId,
    office,
    federated: !own,
    firstName: e.firstName,
    lastName: e.lastName,
    email: e.email,
    extension: own || showsExtension(grant) ? e.extension : null,
    number: e.number,
    presence: own || grant.sharePresence ? e.presence : null,
    profileImageUrl: own || grant.shareProfileImage ? e.profileImageUrl : null,
    ...(admin ? { grantedBy: grantedBy(grant) } : {}),
  };
}

function parseOffices(raw: string | undefined): string[] {
  const ids = [...new Set((raw ?? '').split(',').map((s) => s.trim()).filter(Boolean))];
  if (ids.length === 0) throw invalid('offices', 'Name at least one office (account id) to search with scope=offices');
  const bad = ids.find((id) => !isUuid(id));
  if (bad !== undefined) throw invalid('offices', `"${bad}" is not an account id`);
  return ids;
}

/**
 * Searches the directory. `q` follows the rules in directory/search.ts; the page is ordered by last
 * name, first name and id across every account searched.
 * @throws AppError not_found (field `offices`) for an office that is neither the own account nor
 *   granted to it — the same answer whether or not such an account exists
 */
export async function searchDirectory(ctx: Ctx, query: DirectoryQuery): Promise<Page<DirectoryEntry>> {
  const accountId = accountOf(ctx);
  const afterRaw = decodeCursor(query.cursor, 1)?.[0];
  if (afterRaw !== undefined && typeof afterRaw !== 'string') throw invalid('cursor', 'The cursor is not one this list gave out');
  const scope: DirectoryScope = query.scope ?? (query.offices !== undefined ? 'offices' : 'own');
  if (scope !== 'offices' && query.offices !== undefined) throw invalid('offices', 'Offices are chosen with scope=offices');
  const wanted = scope === 'offices' ? parseOffices(query.offices) : null;

  const index = directoryFor(ctx);
  // Fresh grants for every request that reaches beyond the own account (never cached: spec §8
  // departures take effect at once).
  const [grants] = await Promise.all([scope === 'own' ? new Map<string, Grant>() : myGrants(ctx), index.warm()]);
  const directoryGrants = new Map([...grants].filter(([, g]) => g.directory));

  let accounts: string[];
  if (scope === 'own') accounts = [accountId];
  else if (scope === 'all') accounts = [accountId, ...directoryGrants.keys()];
  else {
    const refused = wanted!.find((id) => id !== accountId && !directoryGrants.has(id));
    if (refused !== undefined) throw new AppError('not_found', `Office ${refused} was not found among the offices you may search`, 'offices');
    accounts = wanted!;
  }
  const scopes: ShardScope[] = accounts.map((id) => {
    const g = id === accountId ? null : directoryGrants.get(id)!;
    return { accountId: id, matchExtension: g === null || showsExtension(g) };
  });
  const { items, more } = index.search(scopes, query.q ?? '', afterRaw ?? null, query.limit);
  const admin = adminView(ctx);
  const ownName = index.officeName(accountId) ?? '';
  const last = items[items.length - 1];
  return {
    items: items.map((e) => {
      const g = e.accountId === accountId ? null : directoryGrants.get(e.accountId)!;
      return view(e, g ? g.accountName : ownName, g, admin);
    }),
    nextCursor: more && last ? encodeCursor([last.key]) : null,
  };
}

/** The offices the caller can pick: the own account first, then every account granted a directory, by name. */
export async function listOffices(ctx: Ctx): Promise<{ items: Office[] }> {
  const accountId = accountOf(ctx);
  const { own, grants } = await inAccount(ctx, async (tx) => ({ own: await getAccount(tx.sql, accountId), grants: await grantsOf(tx.sql, accountId) }));
  if (!own) throw notFound('Account');
  const admin = adminView(ctx);
  const others = [...grants.values()].filter((g) => g.directory).sort((a, b) => a.accountName.localeCompare(b.accountName) || a.accountId.localeCompare(b.accountId));
  return {
    items: [
      { accountId, name: own.name, federated: false, ...(admin ? { grantedBy: [] } : {}) },
      ...others.map((g) => ({ accountId: g.accountId, name: g.accountName, federated: true, ...(admin ? { grantedBy: grantedBy(g) } : {}) })),
    ],
  };
}
