/**
 * Carrier trunks (spec §10 "Carrier trunks configured by the operator carry calls to and from the
 * public network"; issue 5 item 4): the operator's outbound gateways and trusted inbound addresses.
 *
 * Operators only, on the operator path. Every change is checked whole (domain/trunks.ts), written in
 * one transaction with its audit row — the password never in it, only whether one is set — and
 * published as `trunk.created`, `trunk.updated` or `trunk.deleted` (no secrets in the event); the
 * SIP service reloads with {@link loadTrunksForSip} on those events. The API never returns a password.
 */
import { AppError, notFound } from '../domain/errors.ts';
import { newId } from '../domain/ids.ts';
import { applyTrunkPatch, checkTrunk, compareTrunks, type TrunkConfig, type TrunkInput, type TrunkPatch, type TrunkSettings, type TrunkTransport } from '../domain/trunks.ts';
import type { Database, Row, Sql } from '../store/db.ts';
import { decodeCursor, likePattern, toPage, type Page } from '../store/pagination.ts';
import { asOperator, type Ctx } from './context.ts';

export type { TrunkConfig, TrunkInput, TrunkPatch } from '../domain/trunks.ts';

/** A trunk as the API shows it: whether a password is set, never the password. */
export interface Trunk {
  id: string;
  name: string;
  host: string;
  port: number;
  transport: TrunkTransport;
  username: string | null;
  hasPassword: boolean;
  priority: number;
  enabled: boolean;
  inboundAddresses: string[];
  createdAt: string;
  updatedAt: string;
}

interface StoredTrunk extends TrunkConfig {
  createdAt: string;
  updatedAt: string;
}

const COLUMNS = 'id, name, host, port, transport, username, password, priority, enabled, inbound_addresses, created_at, updated_at';

function fromRow(r: Row): StoredTrunk {
  return {
    id: r.id as string,
    name: r.name as string,
    host: r.host as string,
    port: Number(r.port),
    transport: r.transport as TrunkTransport,
    username: (r.username as string | null) ?? null,
    password: (r.password as string | null) ?? null,
    priority: Number(r.priority),
    enabled: r.enabled as boolean,
    inboundAddresses: (r.inbound_addresses as string[] | null) ?? [],
    createdAt: new Date(r.created_at as string).toISOString(),
    updatedAt: new Date(r.updated_at as string).toISOString(),
  };
}

function view(t: StoredTrunk): Trunk {
  return {
    id: t.id, name: t.name, host: t.host, port: t.port, transport: t.transport, username: t.username, hasPassword: t.password !== null,
    priority: t.priority, enabled: t.enabled, inboundAddresses: t.inboundAddresses, createdAt: t.createdAt, updatedAt: t.updatedAt,
  };
}

/**
 * What the audit row keeps of a trunk: every setting but the password, of which only its state
 * (`passwordState` is a state field, so secrets.ts `redact` leaves it; the password is not there to redact).
 */
function auditView(t: TrunkConfig, passwordState: 'set' | 'none' | 'replaced' = t.password === null ? 'none' : 'set') {
  return {
    id: t.id, name: t.name, host: t.host, port: t.port, transport: t.transport, username: t.username, passwordState,
    priority: t.priority, enabled: t.enabled, inboundAddresses: t.inboundAddresses,
  };
}

async function read(sql: Sql, id: string): Promise<StoredTrunk | null> {
  const rows = await sql.query(`SELECT ${COLUMNS} FROM sip_trunks WHERE id = $1`, [id]);
  return rows[0] ? fromRow(rows[0]) : null;
}

async function checkNameFree(sql: Sql, name: string, except: string | null): Promise<void> {
  const taken = await sql.query(`SELECT 1 FROM sip_trunks WHERE lower(name) = lower($1) AND ($2::uuid IS NULL OR id <> $2::uuid)`, [name, except]);
  if (taken.length > 0) throw nameTaken(name);
}

const nameTaken = (name: string): AppError => new AppError('trunk_name_taken', `A carrier trunk named "${name}" exists already (names are compared without regard to case)`, 'name');

/** A unique-index race (two writes of the same name at once) is the same refusal as the check before it. */
async function guardUnique<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if ((e as { code?: string }).code === '23505') throw nameTaken(name);
    throw e;
  }
}

const values = (s: TrunkSettings) => [s.name, s.host, s.port, s.transport, s.username, s.password, s.priority, s.enabled, s.inboundAddresses];

/** Creates a trunk (operators only). */
export async function createTrunk(ctx: Ctx, input: TrunkInput): Promise<Trunk> {
  const settings = checkTrunk(input);
  return asOperator(ctx, null, async (tx) => {
    await checkNameFree(tx.sql, settings.name, null);
    const id = newId();
    await guardUnique(settings.name, () => tx.sql.query(
      `INSERT INTO sip_trunks (id, name, host, port, transport, username, password, priority, enabled, inbound_addresses)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::text[])`, [id, ...values(settings)]));
    const created = (await read(tx.sql, id))!;
    await tx.audit({ action: 'trunk.create', targetType: 'trunk', targetId: id, after: auditView(created) });
    tx.emit('trunk.created', id, { name: created.name });
    return view(created);
  });
}

/** Trunks in the order outbound calls try them: priority (lower first), then name; `q` matches name or host. */
export async function listTrunks(ctx: Ctx, q: { limit: number; cursor?: string; q?: string }): Promise<Page<Trunk>> {
  const after = decodeCursor(q.cursor, 3);
  const search = q.q?.trim() ? likePattern(q.q.trim()) : null;
  const rows = await asOperator(ctx, null, (tx) =>
    tx.sql.query(
      `SELECT ${COLUMNS}, lower(name) AS sort_name FROM sip_trunks
        WHERE ($1::text IS NULL OR name ILIKE $1 OR host ILIKE $1)
          AND ($2::int IS NULL OR (priority, lower(name) COLLATE "C", id) > ($2::int, $3::text COLLATE "C", $4::uuid))
        ORDER BY priority, lower(name) COLLATE "C", id LIMIT $5`,
      [search, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null, q.limit + 1]));
  return toPage(rows, q.limit, (r) => [Number(r.priority), r.sort_name as string, r.id as string], (r) => view(fromRow(r)));
}

export async function getTrunk(ctx: Ctx, trunkId: string): Promise<Trunk> {
  const t = await asOperator(ctx, null, (tx) => read(tx.sql, trunkId));
  if (!t) throw notFound('Trunk');
  return view(t);
}

/** Changes a trunk (operators only); see domain/trunks.ts `applyTrunkPatch` for what null and absent mean. */
export async function updateTrunk(ctx: Ctx, trunkId: string, patch: TrunkPatch): Promise<Trunk> {
  return asOperator(ctx, null, async (tx) => {
    const before = await read(tx.sql, trunkId);
    if (!before) throw notFound('Trunk');
    const next = applyTrunkPatch(before, patch);
    if (next.name.toLowerCase() !== before.name.toLowerCase()) await checkNameFree(tx.sql, next.name, trunkId);
    await guardUnique(next.name, () => tx.sql.query(
      `UPDATE sip_trunks SET name = $2, host = $3, port = $4, transport = $5, username = $6, password = $7, priority = $8, enabled = $9,
              inbound_addresses = $10::text[], updated_at = now()
        WHERE id = $1`, [trunkId, ...values(next)]));
    const after = (await read(tx.sql, trunkId))!;
    const replaced = before.password !== null && after.password !== null && after.password !== before.password;
    await tx.audit({ action: 'trunk.update', targetType: 'trunk', targetId: trunkId, before: auditView(before), after: auditView(after, replaced ? 'replaced' : undefined) });
    tx.emit('trunk.updated', trunkId, { name: after.name });
    return view(after);
  });
}

export async function deleteTrunk(ctx: Ctx, trunkId: string): Promise<void> {
  await asOperator(ctx, null, async (tx) => {
    const before = await read(tx.sql, trunkId);
    if (!before) throw notFound('Trunk');
    await tx.sql.query(`DELETE FROM sip_trunks WHERE id = $1`, [trunkId]);
    await tx.audit({ action: 'trunk.delete', targetType: 'trunk', targetId: trunkId, before: auditView(before) });
    tx.emit('trunk.deleted', trunkId, { name: before.name });
  });
}

/**
 * Every trunk with its password, for the SIP service only (outbound digest answers and the inbound
 * trust list): enabled and disabled, ordered by priority (lower first), then name. Read on the
 * operator path; reload on `trunk.created|updated|deleted`.
 */
export async function loadTrunksForSip(db: Database): Promise<TrunkConfig[]> {
  const rows = await db.operator((sql) => sql.query(`SELECT ${COLUMNS} FROM sip_trunks`));
  return rows.map((r): TrunkConfig => {
    const t = fromRow(r);
    return {
      id: t.id, name: t.name, host: t.host, port: t.port, transport: t.transport, username: t.username, password: t.password,
      priority: t.priority, enabled: t.enabled, inboundAddresses: t.inboundAddresses,
    };
  }).sort(compareTrunks);
}
