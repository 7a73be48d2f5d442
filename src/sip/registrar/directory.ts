/**
 * What the SIP edge needs to know about accounts and devices, in memory: the account behind a SIP
 * domain (spec §10 "one SIP domain per account") and each device's digest credentials (HA1 for MD5
 * and SHA-256, RFC 3261 §22.4, RFC 8760) with the number it is logged in to. Built at start and
 * reloaded per account from bus events, like the routing snapshot, so a REGISTER or INVITE never waits
 * for the database (ENGINEERING.md: "SIP handling never waits for the database on its hot path").
 */
import type { Bus, DomainEvent } from '../../bus/index.ts';
import type { DigestAlgorithm } from '../../domain/digest.ts';
import type { Database, Sql } from '../../store/db.ts';

export interface SipAccount {
  id: string;
  name: string;
  /** Lower-cased: the realm of every challenge and the host of every AOR in this account. */
  domain: string;
}

export interface SipDevice {
  id: string;
  accountId: string;
  phoneId: string;
  username: string;
  ha1: Record<DigestAlgorithm, string>;
  /** E.164 of the number the handset is logged in to (spec §6), or null. */
  numberE164: string | null;
}

const SELECT_ACCOUNTS = `SELECT id, name, lower(sip_domain) AS domain FROM accounts`;
const SELECT_DEVICES = `SELECT d.id, d.account_id, d.phone_id, d.sip_username, d.ha1_md5, d.ha1_sha256, n.e164
  FROM devices d LEFT JOIN numbers n ON n.account_id = d.account_id AND n.id = d.number_id`;

export class SipDirectory {
  private readonly byDomain = new Map<string, SipAccount>();
  private readonly byId = new Map<string, SipAccount>();
  /** accountId → username → device */
  private readonly devices = new Map<string, Map<string, SipDevice>>();
  private readonly devicesById = new Map<string, SipDevice>();
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly db: Database) {}

  /** Loads everything, then follows account and device events. */
  async start(bus: Bus): Promise<void> {
    await this.db.operator(async (sql) => {
      for (const a of await sql.query(SELECT_ACCOUNTS)) this.putAccount(a);
      for (const d of await sql.query(SELECT_DEVICES)) this.putDevice(d);
    });
    this.unsubscribe = bus.subscribe((e) => this.onEvent(e));
  }

  stop(): void {
    this.unsubscribe?.();
  }

  accountByDomain(domain: string): SipAccount | undefined {
    return this.byDomain.get(domain.toLowerCase());
  }

  account(id: string): SipAccount | undefined {
    return this.byId.get(id);
  }

  device(accountId: string, username: string): SipDevice | undefined {
    return this.devices.get(accountId)?.get(username);
  }

  deviceById(id: string): SipDevice | undefined {
    return this.devicesById.get(id);
  }

  private async onEvent(e: DomainEvent): Promise<void> {
    if (!e.accountId) return;
    if (!/^(account|device|number|handset)\./.test(e.type)) return;
    await this.reloadAccount(e.accountId);
  }

  /** Replaces one account's entry and devices with what the database holds now. */
  async reloadAccount(accountId: string): Promise<void> {
    const [accounts, devices] = await this.db.operator(async (sql: Sql) => [
      await sql.query(`${SELECT_ACCOUNTS} WHERE id = $1`, [accountId]),
      await sql.query(`${SELECT_DEVICES} WHERE d.account_id = $1`, [accountId]),
    ]);
    const old = this.byId.get(accountId);
    if (old) this.byDomain.delete(old.domain);
    this.byId.delete(accountId);
    for (const d of this.devices.get(accountId)?.values() ?? []) this.devicesById.delete(d.id);
    this.devices.delete(accountId);
    for (const a of accounts) this.putAccount(a);
    for (const d of devices) this.putDevice(d);
  }

  private putAccount(r: Record<string, unknown>): void {
    const a: SipAccount = { id: r.id as string, name: r.name as string, domain: r.domain as string };
    this.byDomain.set(a.domain, a);
    this.byId.set(a.id, a);
  }

  private putDevice(r: Record<string, unknown>): void {
    const d: SipDevice = {
      id: r.id as string,
      accountId: r.account_id as string,
      phoneId: r.phone_id as string,
      username: r.sip_username as string,
      ha1: { MD5: r.ha1_md5 as string, 'SHA-256': r.ha1_sha256 as string },
      numberE164: (r.e164 as string | null) ?? null,
    };
    let m = this.devices.get(d.accountId);
    if (!m) this.devices.set(d.accountId, (m = new Map()));
    m.set(d.username, d);
    this.devicesById.set(d.id, d);
  }
}
