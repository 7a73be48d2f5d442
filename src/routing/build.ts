/**
 * Compiles the routing snapshot from the database (spec §9). The one cross-account read routing
 * needs, on the operator path, reading all accounts or only the given ones (live patching).
 */
import type { Database, Sql } from '../store/db.ts';
import type { AccountSnap, CallRuleSnap, NumberSnap, RateSnap, Snapshot } from './snapshot.ts';

type R = Record<string, unknown>;

/** The accounts' slices (accounts, their numbers), read in one transaction. */
export async function loadAccounts(db: Database, only: string[] | null): Promise<{ accounts: Map<string, AccountSnap>; numbers: NumberSnap[] }> {
  return db.operator(async (sql) => {
    const filter = only ? `WHERE account_id = ANY($1::uuid[])` : '';
    const args = only ? [only] : [];
    const q = (text: string) => sql.query<R>(text, args);
    const accounts = new Map<string, AccountSnap>();
    for (const a of await sql.query<R>(`SELECT * FROM accounts ${only ? 'WHERE id = ANY($1::uuid[])' : ''}`, args)) {
      accounts.set(a.id as string, {
        id: a.id as string, name: a.name as string, country: (a.country as string).trim(), sipDomain: a.sip_domain as string,
        extMinLength: Number(a.ext_min_length), extMaxLength: Number(a.ext_max_length), intlWhitelist: (a.intl_whitelist as string[] | null) ?? null,
        premiumAllowed: a.premium_allowed as boolean, sites: new Map(), users: new Map(), extensions: new Map(), portals: new Map(), callRules: new Map(), grants: new Map(),
      });
    }
    const acct = (r: R) => accounts.get(r.account_id as string);
    for (const s of await q(`SELECT s.id, s.account_id, s.name, n.e164 AS main FROM sites s LEFT JOIN numbers n ON n.site_id = s.id AND n.is_main ${filter.replace('account_id', 's.account_id')}`)) {
      acct(s)?.sites.set(s.id as string, { id: s.id as string, name: s.name as string, mainNumber: (s.main as string | null) ?? null });
    }
    // Users' extensions come with the users below; here only the other targets (portals, …).
    for (const x of await q(`SELECT account_id, extension, target_type, target_id FROM extensions WHERE target_type <> 'user' ${filter.replace('WHERE', 'AND')}`)) {
      acct(x)?.extensions.set(x.extension as string, { type: x.target_type as 'oa_portal', id: x.target_id as string });
    }
    const userRule = new Map((await q(`SELECT user_id, rule_id FROM call_rule_users ${filter}`)).map((r) => [r.user_id as string, r.rule_id as string]));
    // Large reads come as one JSON array per account: far fewer rows to decode (issue 4: build ≤ 2 s).
    for (const r of await q(`
      SELECT u.account_id, json_agg(json_build_array(u.id, u.site_id, u.first_name, u.last_name, u.oa_enabled, x.extension, n.e164))::text AS j
        FROM users u LEFT JOIN extensions x ON x.account_id = u.account_id AND x.target_type = 'user' AND x.target_id = u.id
        LEFT JOIN numbers n ON n.account_id = u.account_id AND n.user_id = u.id ${filter.replace('account_id', 'u.account_id')}
       GROUP BY u.account_id`)) {
      const a = acct(r);
      if (!a) continue;
      for (const [id, siteId, firstName, lastName, oa, extension, number] of JSON.parse(r.j as string) as [string, string, string, string, boolean, string | null, string | null][]) {
        a.users.set(id, { id, accountId: a.id, siteId, firstName, lastName, extension, number, officeAnywhereEnabled: oa, alternatePhones: [], callRuleId: userRule.get(id) ?? null });
        if (extension !== null) a.extensions.set(extension, { type: 'user', id });
      }
    }
    for (const p of await q(`SELECT account_id, user_id, e164, active FROM alternate_phones ${filter} ORDER BY created_at, id`)) {
      acct(p)?.users.get(p.user_id as string)?.alternatePhones.push({ e164: p.e164 as string, active: p.active as boolean });
    }
    for (const p of await q(`SELECT p.id, p.account_id, p.name, p.scope, p.site_id, n.e164, x.extension FROM oa_portals p JOIN numbers n ON n.id = p.number_id
                               LEFT JOIN extensions x ON x.account_id = p.account_id AND x.target_type = 'oa_portal' AND x.target_id = p.id ${filter.replace('account_id', 'p.account_id')}`)) {
      acct(p)?.portals.set(p.id as string, { id: p.id as string, numberE164: p.e164 as string, name: p.name as string, extension: (p.extension as string | null) ?? null, scope: p.scope as 'account', siteId: (p.site_id as string | null) ?? null });
    }
    const rules = new Map<string, CallRuleSnap>();
    for (const r of await q(`SELECT * FROM call_rules ${filter}`)) {
      const rule: CallRuleSnap = { id: r.id as string, name: r.name as string, dialPlan: r.dial_plan as CallRuleSnap['dialPlan'], countryWhitelist: (r.country_whitelist as string[]) ?? [], prefixes: [] };
      rules.set(rule.id, rule);
      acct(r)?.callRules.set(rule.id, rule);
    }
    for (const p of await q(`SELECT rule_id, prefix, destination_account_id FROM call_rule_prefixes ${filter} ORDER BY position`)) {
      rules.get(p.rule_id as string)?.prefixes.push({ prefix: p.prefix as string, destinationAccountId: p.destination_account_id as string });
    }
    await loadGrants(sql, accounts);
    type NumberTuple = [string, string, string, NumberSnap['status'], boolean, string | null, string | null, string | null,
      string | null, string | null, string | null, number, boolean, string | null, boolean, boolean, boolean, string | null, boolean,
      string | null, string | null, string | null, string | null];
    const numbers: NumberSnap[] = [];
    for (const r of await q(`
      SELECT n.account_id, json_agg(json_build_array(n.id, n.site_id, n.e164, n.status, n.is_main, n.user_id, n.display_line1, n.display_line2,
               f.forward_always, f.forward_busy, f.forward_no_answer, f.no_answer_ring_seconds, f.voicemail, f.voicemail_to_email, f.hide_caller_id,
               f.call_waiting, f.do_not_disturb, f.cli_number, f.auth_code_hash IS NOT NULL, d.id, d.phone_id, d.sip_username, p.id))::text AS j
        FROM numbers n JOIN number_features f ON f.number_id = n.id
        LEFT JOIN devices d ON d.number_id = n.id AND d.account_id = n.account_id
        LEFT JOIN oa_portals p ON p.number_id = n.id AND p.account_id = n.account_id ${filter.replace('account_id', 'n.account_id')}
       GROUP BY n.account_id`)) {
      for (const t of JSON.parse(r.j as string) as NumberTuple[]) {
        const [id, siteId, e164, status, isMain, userId, line1, line2, fa, fb, fn, ring, vm, vmEmail, hide, cw, dnd, cli, authCode, deviceId, phoneId, sipUsername, portalId] = t;
        numbers.push({
          id, accountId: r.account_id as string, siteId, e164, status, isMain, userId,
          displayName: line1 === null ? null : { line1, line2: line2 ?? '' },
          features: { forwardAlways: fa, forwardBusy: fb, forwardNoAnswer: fn, noAnswerRingSeconds: ring, voicemail: vm, voicemailToEmail: vmEmail, hideCallerId: hide, callWaiting: cw, doNotDisturb: dnd, cliNumber: cli, authCodeEnabled: authCode },
          handset: deviceId ? { deviceId, phoneId: phoneId!, sipUsername: sipUsername! } : null,
          portalId,
        });
      }
    }
    return { accounts, numbers };
  });
}

/** Grants between the given accounts and every other (union over active federations, both active). */
async function loadGrants(sql: Sql, accounts: Map<string, AccountSnap>): Promise<void> {
  const rows = await sql.query<R>(
    `SELECT me.account_id AS a, other.account_id AS b, bool_or(f.directory) AS directory, bool_or(f.extension_dialing) AS extension_dialing,
            bool_and(f.metered) AS metered, bool_or(f.caller_id_display = 'name_extension') AS show_extension
       FROM federation_members me
       JOIN federations f ON f.id = me.federation_id AND f.status = 'active'
       JOIN federation_members other ON other.federation_id = f.id AND other.account_id <> me.account_id AND other.status = 'active'
      WHERE me.status = 'active' AND me.account_id = ANY($1::uuid[])
      GROUP BY me.account_id, other.account_id`, [[...accounts.keys()]]);
  for (const r of rows) {
    accounts.get(r.a as string)?.grants.set(r.b as string, {
      directory: r.directory as boolean, extensionDialing: r.extension_dialing as boolean, metered: r.metered as boolean, showExtension: r.show_extension as boolean,
    });
  }
}

export async function loadRates(db: Database): Promise<RateSnap[]> {
  const rows = await db.operator((sql) => sql.query<R>(`SELECT prefix, description, per_minute, setup FROM rate_deck`));
  return rows
    .map((r) => ({ prefix: r.prefix as string, description: r.description as string, perMinute: Number(r.per_minute), setup: Number(r.setup) }))
    .sort((x, y) => y.prefix.length - x.prefix.length || x.prefix.localeCompare(y.prefix));
}

/** The whole snapshot. */
export async function buildSnapshot(db: Database): Promise<Snapshot> {
  const { accounts, numbers } = await loadAccounts(db, null);
  return { builtAt: new Date().toISOString(), accounts, numbers: new Map(numbers.map((n) => [n.e164, n])), rates: await loadRates(db) };
}
