/** Federations, their members and consent record, and the grants between accounts (spec §8). */
import type { Sql } from '../db.ts';
import type { FederationPolicy, FederationStatus, Grant, MemberStatus, Preset } from '../../domain/federation.ts';

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


export interface FederationRow {
  id: string;
  name: string;
  status: FederationStatus;
  round: number;
  proposedByAccountId: string;
  preset: Preset | 'custom';
  policy: FederationPolicy;
  createdAt: string;
  activatedAt: string | null;
  endedAt: string | null;
}

export interface MemberRow {
  accountId: string;
  name: string;
  sipDomain: string;
  status: MemberStatus;
  invitedRound: number;
  consentedRound: number | null;
  joinedAt: string | null;
  endedAt: string | null;
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());

const toFederation = (r: Record<string, unknown>): FederationRow => ({
  id: r.id as string,
  name: r.name as string,
  status: r.status as FederationStatus,
  round: Number(r.round),
  proposedByAccountId: r.proposed_by_account as string,
  preset: r.preset as Preset | 'custom',
  policy: {
    directory: r.directory as boolean,
    extensionDialing: r.extension_dialing as boolean,
    metered: r.metered as boolean,
    callerIdDisplay: r.caller_id_display as FederationPolicy['callerIdDisplay'],
    sharePresence: r.share_presence as boolean,
    shareProfileImage: r.share_profile_image as boolean,
    pager: r.pager as boolean,
    chat: r.chat as boolean,
  },
  createdAt: iso(r.created_at)!,
  activatedAt: iso(r.activated_at),
  endedAt: iso(r.ended_at),
});

/** A federation the current account is or was part of (row-level security hides the others). */
export async function getFederation(sql: Sql, federationId: string, lock = false): Promise<FederationRow | null> {
  const r = (await sql.query(`SELECT * FROM federations WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [federationId]))[0];
  return r ? toFederation(r) : null;
}

export async function listFederationsOf(sql: Sql, accountId: string): Promise<FederationRow[]> {
  const rows = await sql.query(
    `SELECT f.* FROM federations f JOIN federation_members m ON m.federation_id = f.id AND m.account_id = $1 ORDER BY lower(f.name), f.id`, [accountId]);
  return rows.map(toFederation);
}

export async function insertFederation(sql: Sql, f: { id: string; name: string; proposedByAccountId: string; proposedByUser: string | null; preset: Preset | 'custom'; policy: FederationPolicy }): Promise<void> {
  const p = f.policy;
  await sql.query(
    `INSERT INTO federations (id, name, status, round, proposed_by_account, proposed_by_user, preset, directory, extension_dialing, metered, caller_id_display,
                              share_presence, share_profile_image, pager, chat)
     VALUES ($1, $2, 'proposed', 1, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [f.id, f.name, f.proposedByAccountId, f.proposedByUser, f.preset, p.directory, p.extensionDialing, p.metered, p.callerIdDisplay, p.sharePresence, p.shareProfileImage, p.pager, p.chat]);
}

export async function updateFederation(sql: Sql, id: string, patch: { status?: FederationStatus; round?: number; preset?: Preset | 'custom'; policy?: FederationPolicy; activated?: boolean; ended?: boolean }): Promise<void> {
  const cur = (await getFederation(sql, id))!;
  const p = patch.policy ?? cur.policy;
  await sql.query(
    `UPDATE federations SET status = $2, round = $3, preset = $4, directory = $5, extension_dialing = $6, metered = $7, caller_id_display = $8,
            share_presence = $9, share_profile_image = $10, pager = $11, chat = $12,
            activated_at = CASE WHEN $13 THEN coalesce(activated_at, now()) ELSE activated_at END,
            ended_at = CASE WHEN $14 THEN now() ELSE ended_at END
      WHERE id = $1`,
    [id, patch.status ?? cur.status, patch.round ?? cur.round, patch.preset ?? cur.preset, p.directory, p.extensionDialing, p.metered, p.callerIdDisplay,
     p.sharePresence, p.shareProfileImage, p.pager, p.chat, patch.activated ?? false, patch.ended ?? false]);
}

export async function membersOf(sql: Sql, federationId: string): Promise<MemberRow[]> {
  const rows = await sql.query(
    `SELECT m.*, c.name, c.sip_domain FROM federation_members m, LATERAL tandem_account_card(m.account_id) c
      WHERE m.federation_id = $1 ORDER BY lower(c.name), m.account_id`, [federationId]);
  return rows.map((r) => ({
    accountId: r.account_id as string, name: r.name as string, sipDomain: r.sip_domain as string, status: r.status as MemberStatus,
    invitedRound: Number(r.invited_round), consentedRound: r.consented_round === null ? null : Number(r.consented_round),
    joinedAt: iso(r.joined_at), endedAt: iso(r.ended_at),
  }));
}

export async function upsertMember(sql: Sql, federationId: string, accountId: string, round: number): Promise<void> {
  await sql.query(
    `INSERT INTO federation_members (federation_id, account_id, status, invited_round) VALUES ($1, $2, 'pending', $3)
     ON CONFLICT (federation_id, account_id) DO UPDATE SET status = 'pending', invited_round = $3, consented_round = NULL, joined_at = NULL, ended_at = NULL`,
    [federationId, accountId, round]);
}

export async function setMember(sql: Sql, federationId: string, accountId: string, patch: { status?: MemberStatus; consentedRound?: number }): Promise<void> {
  await sql.query(
    `UPDATE federation_members SET status = coalesce($3, status), consented_round = coalesce($4, consented_round),
            joined_at = CASE WHEN $3 = 'active' AND status <> 'active' THEN now() ELSE joined_at END,
            ended_at = CASE WHEN $3 IN ('left', 'removed', 'declined', 'withdrawn') THEN now() ELSE ended_at END
      WHERE federation_id = $1 AND account_id = $2`,
    [federationId, accountId, patch.status ?? null, patch.consentedRound ?? null]);
}

export async function accountIdByDomain(sql: Sql, domain: string): Promise<string | null> {
  const r = (await sql.query<{ id: string | null }>(`SELECT tandem_account_by_domain($1) AS id`, [domain]))[0];
  return r?.id ?? null;
}

export interface ConsentRecord {
  id: string;
  accountId: string;
  actorType: string;
  actorId: string | null;
  action: string;
  subjectAccountId: string | null;
  round: number;
  text: string;
  at: string;
}

export async function recordConsent(sql: Sql, r: Omit<ConsentRecord, 'at'> & { federationId: string }): Promise<void> {
  await sql.query(
    `INSERT INTO federation_consents (id, federation_id, account_id, actor_type, actor_id, action, subject_account_id, round, text)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [r.id, r.federationId, r.accountId, r.actorType, r.actorId, r.action, r.subjectAccountId, r.round, r.text]);
}

export async function consentRecord(sql: Sql, federationId: string): Promise<ConsentRecord[]> {
  const rows = await sql.query(`SELECT * FROM federation_consents WHERE federation_id = $1 ORDER BY at, id`, [federationId]);
  return rows.map((r) => ({
    id: r.id as string, accountId: r.account_id as string, actorType: r.actor_type as string, actorId: (r.actor_id as string | null) ?? null,
    action: r.action as string, subjectAccountId: (r.subject_account_id as string | null) ?? null, round: Number(r.round), text: r.text as string, at: iso(r.at)!,
  }));
}

export interface Collision {
  extension: string;
  accounts: { accountId: string; name: string; targets: { type: string; id: string; label: string }[] }[];
}

export async function federationCollisions(sql: Sql, federationId: string): Promise<Collision[]> {
  const rows = await sql.query<{ extension: string; account_id: string; account_name: string; target_type: string; target_id: string; label: string }>(
    `SELECT * FROM tandem_federation_collisions($1)`, [federationId]);
  const out: Collision[] = [];
  for (const r of rows) {
    let c = out[out.length - 1];
    if (!c || c.extension !== r.extension) out.push((c = { extension: r.extension, accounts: [] }));
    let a = c.accounts[c.accounts.length - 1];
    if (!a || a.accountId !== r.account_id) c.accounts.push((a = { accountId: r.account_id, name: r.account_name, targets: [] }));
    a.targets.push({ type: r.target_type, id: r.target_id, label: r.label });
  }
  return out;
}

export async function remainingLinks(sql: Sql, federationId: string): Promise<{ a: string; b: string; directory: boolean; extensionDialing: boolean }[]> {
  const rows = await sql.query<{ account_a: string; account_b: string; directory: boolean; extension_dialing: boolean }>(`SELECT * FROM tandem_remaining_links($1)`, [federationId]);
  return rows.map((r) => ({ a: r.account_a, b: r.account_b, directory: r.directory, extensionDialing: r.extension_dialing }));
}

export async function userCounts(sql: Sql, accountIds: string[]): Promise<Map<string, number>> {
  const rows = await sql.query<{ account_id: string; users: number }>(`SELECT * FROM tandem_federated_user_counts($1::uuid[])`, [accountIds]);
  return new Map(rows.map((r) => [r.account_id, Number(r.users)]));
}
