/** Federations, their members and consent record, and the grants between accounts (spec §8). */
import type { Sql } from '../db.ts';
import type { Grant } from '../../domain/federation.ts';

/**
 * What `accountId` is granted on every other account right now (the union over the active
 * federations both are active members of). Read fresh in the caller's transaction: nothing caches
 * it, so a departure is effective for the very next request.
 */
export async function grantsOf(sql: Sql, accountId: string): Promise<Map<string, Grant>> {
  const rows = await sql.query<{
    account_id: string; account_name: string; directory: boolean; extension_dialing: boolean; metered: boolean; show_extension: boolean;
    share_presence: boolean; share_profile_image: boolean; pager: boolean; chat: boolean; federation_ids: string[]; federation_names: string[];
  }>(`SELECT * FROM tandem_grants($1)`, [accountId]);
  return new Map(rows.map((r) => [r.account_id, {
    accountId: r.account_id, accountName: r.account_name, directory: r.directory, extensionDialing: r.extension_dialing, metered: r.metered,
    showExtension: r.show_extension, sharePresence: r.share_presence, shareProfileImage: r.share_profile_image, pager: r.pager, chat: r.chat,
    federations: r.federation_ids.map((id, i) => ({ id, name: r.federation_names[i] ?? '' })),
  }]));
}

/** The other account in which `extension` exists while plain extension dialing links it to `accountId`. */
export async function federatedExtensionOwner(sql: Sql, accountId: string, extension: string): Promise<{ accountId: string; accountName: string } | null> {
  const r = (await sql.query<{ account_id: string; account_name: string }>(`SELECT * FROM tandem_federated_extension_owner($1, $2)`, [accountId, extension]))[0];
  return r ? { accountId: r.account_id, accountName: r.account_name } : null;
}
