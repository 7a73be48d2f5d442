/**
 * The location service (RFC 3261 §10.2, §10.3): the contacts each device registered, in memory for
 * the B2BUA's look-ups, written to the database before the registrar answers — a 200 OK is never
 * given for a binding a SIGKILL could lose (issue 5: "Registrations survive a SIGKILL and restart").
 *
 * Writes are group-committed: every change that arrives while a transaction is running waits for
 * the next one, which carries all of them in three statements. Thousands of REGISTERs per second
 * therefore cost a few transactions per second, on PGlite as on PostgreSQL.
 */
import type { Database, Sql } from '../../store/db.ts';
import type { Endpoint } from '../message/types.ts';

export interface Binding {
  accountId: string;
  deviceId: string;
  /** The Contact URI as registered (RFC 3261 §10.3 step 7: compared by URI). */
  contact: string;
  callId: string;
  cseq: number;
  /** ms since the epoch. */
  expiresAt: number;
  q: number | null;
  /** RFC 5626 `+sip.instance`, when the device sent one. */
  instanceId: string | null;
  userAgent: string;
  /** Where requests to this contact go (registrar.ts `reachAt`: the Contact, or the NAT-side source). */
  source: Endpoint;
}

export type LocationChange =
  | { op: 'upsert'; binding: Binding }
  | { op: 'remove'; accountId: string; deviceId: string; contact: string }
  | { op: 'clear'; accountId: string; deviceId: string };

interface Pending {
  changes: LocationChange[];
  resolve: () => void;
  reject: (e: unknown) => void;
}

const key = (deviceId: string, contact: string): string => `${deviceId} ${contact}`;

const FOREIGN_KEY_VIOLATION = '23503';

/** One statement for every upsert of a batch; `checkDevices` leaves out rows whose device is gone. */
const upsertSql = (checkDevices: boolean): string =>
  `INSERT INTO sip_registrations (account_id, device_id, contact, call_id, cseq, expires_at, q, instance_id, user_agent, transport, source_address, source_port)
   SELECT account_id, device_id, contact, call_id, cseq, expires_at, q, instance_id, user_agent, transport, source_address, source_port
     FROM json_to_recordset($1::json) AS x(account_id uuid, device_id uuid, contact text, call_id text, cseq bigint, expires_at timestamptz,
                                           q real, instance_id text, user_agent text, transport text, source_address text, source_port integer)
   ${checkDevices ? 'WHERE EXISTS (SELECT 1 FROM devices d WHERE d.account_id = x.account_id AND d.id = x.device_id)' : ''}
   ON CONFLICT (account_id, device_id, contact) DO UPDATE SET call_id = EXCLUDED.call_id, cseq = EXCLUDED.cseq,
     expires_at = EXCLUDED.expires_at, q = EXCLUDED.q, instance_id = EXCLUDED.instance_id, user_agent = EXCLUDED.user_agent,
     transport = EXCLUDED.transport, source_address = EXCLUDED.source_address, source_port = EXCLUDED.source_port,
     registered_at = now()`;

/** The longest a change waits for others to share its transaction (see `gather`). */
const GATHER_MAX_MS = 20;

export class LocationService {
  /** deviceId → contact → binding */
  private readonly byDevice = new Map<string, Map<string, Binding>>();
  private queue: Pending[] = [];
  private flushing = false;

  constructor(private readonly db: Database, private readonly now: () => number = Date.now) {}

  /** Loads the unexpired bindings (at start, e.g. after a crash). */
  async load(): Promise<number> {
    const rows = await this.db.operator((sql) =>
      sql.query(`SELECT account_id, device_id, contact, call_id, cseq, extract(epoch FROM expires_at) * 1000 AS expires_ms, q, instance_id,
                        user_agent, transport, source_address, source_port
                   FROM sip_registrations WHERE expires_at > now()`));
    for (const r of rows) {
      this.put({
        accountId: r.account_id as string, deviceId: r.device_id as string, contact: r.contact as string,
        callId: r.call_id as string, cseq: Number(r.cseq), expiresAt: Number(r.expires_ms),
        q: r.q === null ? null : Number(r.q), instanceId: (r.instance_id as string | null) ?? null, userAgent: r.user_agent as string,
        source: { transport: r.transport as Endpoint['transport'], address: r.source_address as string, port: Number(r.source_port) },
      });
    }
    return rows.length;
  }

  /** The device's unexpired bindings, highest q first. */
  bindings(deviceId: string): Binding[] {
    const m = this.byDevice.get(deviceId);
    if (!m) return [];
    const now = this.now();
    const out: Binding[] = [];
    for (const b of m.values()) if (b.expiresAt > now) out.push(b);
    return out.sort((a, b) => (b.q ?? 1) - (a.q ?? 1));
  }

  /** Number of unexpired bindings (metrics). */
  count(): number {
    const now = this.now();
    let n = 0;
    for (const m of this.byDevice.values()) for (const b of m.values()) if (b.expiresAt > now) n++;
    return n;
  }

  /** Every unexpired binding (NAT keep-alives). */
  *all(): Iterable<Binding> {
    const now = this.now();
    for (const m of this.byDevice.values()) for (const b of m.values()) if (b.expiresAt > now) yield b;
  }

  /** Applies changes durably (group commit), then in memory; resolves when both are done. */
  apply(changes: LocationChange[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ changes, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /** Forgets expired bindings in memory and in the database. */
  async sweep(): Promise<void> {
    const now = this.now();
    for (const [d, m] of this.byDevice) {
      for (const [c, b] of m) if (b.expiresAt <= now) m.delete(c);
      if (m.size === 0) this.byDevice.delete(d);
    }
    await this.db.operator((sql) => sql.query('DELETE FROM sip_registrations WHERE expires_at <= now()'));
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    await this.gather();
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.write(batch.flatMap((p) => p.changes));
        for (const p of batch) {
          for (const c of p.changes) this.applyInMemory(c);
          p.resolve();
        }
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
      if (this.queue.length > 0) await this.gather();
    }
    this.flushing = false;
  }

  /**
   * Group commit: lets the event loop hand up what has arrived before a write starts, so the
   * REGISTERs that arrived together share one transaction. One turn (setImmediate runs after the poll
   * phase) at least: starting at once would start the write from the first REGISTER's microtasks, and
   * with an embedded database on this thread each REGISTER would get a transaction of its own. More
   * turns while each still brings changes (a loaded server: the transport reads a few dozen datagrams
   * per turn, and the kernel holds more), for {@link GATHER_MAX_MS} at most; an idle one writes after
   * one turn, so waiting costs nothing when there is no one to wait for.
   */
  private async gather(): Promise<void> {
    const start = performance.now();
    for (;;) {
      const before = this.queue.length;
      await new Promise((r) => setImmediate(r));
      if (this.queue.length === before || performance.now() - start >= GATHER_MAX_MS) return;
    }
  }

  /** Collapses the batch to its final state per binding, then writes it in one transaction. */
  private async write(changes: LocationChange[]): Promise<void> {
    const cleared = new Map<string, string>(); // deviceId → accountId
    const final = new Map<string, LocationChange>();
    for (const c of changes) {
      if (c.op === 'clear') {
        cleared.set(c.deviceId, c.accountId);
        for (const k of [...final.keys()]) if (k.startsWith(`${c.deviceId} `)) final.delete(k);
      } else {
        const b = c.op === 'upsert' ? c.binding : c;
        final.set(key(b.deviceId, b.contact), c);
      }
    }
    const removes: { account_id: string; device_id: string; contact: string }[] = [];
    const upserts: Record<string, unknown>[] = [];
    for (const c of final.values()) {
      if (c.op === 'remove') removes.push({ account_id: c.accountId, device_id: c.deviceId, contact: c.contact });
      else if (c.op === 'upsert') {
        const b = c.binding;
        upserts.push({
          account_id: b.accountId, device_id: b.deviceId, contact: b.contact, call_id: b.callId, cseq: b.cseq,
          expires_at: new Date(b.expiresAt).toISOString(), q: b.q, instance_id: b.instanceId, user_agent: b.userAgent,
          transport: b.source.transport, source_address: b.source.address, source_port: b.source.port,
        });
      }
    }
    const run = async (sql: Sql, checkDevices: boolean): Promise<void> => {
      if (cleared.size > 0) {
        await sql.query('DELETE FROM sip_registrations WHERE device_id = ANY($1::uuid[])', [[...cleared.keys()]]);
      }
      if (removes.length > 0) {
        await sql.query(`DELETE FROM sip_registrations r USING json_to_recordset($1::json) AS x(account_id uuid, device_id uuid, contact text)
                          WHERE r.account_id = x.account_id AND r.device_id = x.device_id AND r.contact = x.contact`, [JSON.stringify(removes)]);
      }
      if (upserts.length > 0) await sql.query(upsertSql(checkDevices), [JSON.stringify(upserts)]);
    };
    try {
      await this.db.operator((sql) => run(sql, false));
    } catch (e) {
      // A device deleted since its REGISTER arrived (foreign key) must not fail the whole batch: the
      // batch is written again, leaving out the rows of devices that no longer exist. Rare, so the
      // common case does not pay for the check.
      if ((e as { code?: string }).code !== FOREIGN_KEY_VIOLATION) throw e;
      await this.db.operator((sql) => run(sql, true));
    }
  }

  private applyInMemory(c: LocationChange): void {
    if (c.op === 'clear') this.byDevice.delete(c.deviceId);
    else if (c.op === 'remove') this.byDevice.get(c.deviceId)?.delete(c.contact);
    else this.put(c.binding);
  }

  private put(b: Binding): void {
    let m = this.byDevice.get(b.deviceId);
    if (!m) this.byDevice.set(b.deviceId, (m = new Map()));
    m.set(b.contact, b);
  }
}
