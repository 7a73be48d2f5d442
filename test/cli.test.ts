/**
 * The `tandem` CLI (spec §13 "CLI: … create and inspect accounts, seed demo data, import users and
 * numbers"), run for real as a subprocess on an embedded database in a temporary data directory (or,
 * when DATABASE_URL is set, on a fresh database of that PostgreSQL server):
 * the demo data set, its credentials file, the accounts commands, and the CSV imports with good and
 * bad rows — and that running an import again changes nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { digestHa1 } from '../src/domain/digest.ts';
import { openDatabase, type Database } from '../src/store/db.ts';
import { freshServerDatabase } from './support/db.ts';
import { CREDENTIALS_HEADER, DEMO_PASSWORD } from '../src/cli/demo-data.ts';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
let server: Awaited<ReturnType<typeof freshServerDatabase>> = null;

let dir: string;
const OPERATOR_PASSWORD = 'operator password 1';
const DE = 'Brandt & Vogel Maschinenbau GmbH';

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs `tandem <args>` as a subprocess on the temporary data directory. */
function tandem(...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, TANDEM_DATA_DIR: path.join(dir, 'data'), TANDEM_OPERATOR_PASSWORD: OPERATOR_PASSWORD, TANDEM_LOG_LEVEL: 'silent' };
  if (server) env.DATABASE_URL = server.url;
  else delete env.DATABASE_URL;
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Opens the CLI's database in this process (only while no CLI subprocess runs: PGlite is single-process). */
async function withDb<T>(fn: (db: Database) => Promise<T>): Promise<T> {
  const db = await openDatabase({ databaseUrl: server?.url ?? null, dataDir: path.join(dir, 'data') });
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

const q = <T extends Record<string, unknown>>(db: Database, text: string, params: unknown[] = []): Promise<T[]> => db.owner((sql) => sql.query<T>(text, params));

/** Everything an import may touch, as one comparable string, and the audit log's length. */
async function importState(db: Database): Promise<{ audit: number; rows: string }> {
  const audit = Number((await q<{ n: number }>(db, 'SELECT count(*)::int AS n FROM audit_log'))[0]!.n);
  const parts: string[] = [];
  for (const t of ['users', 'extensions', 'site_admin_sites', 'numbers', 'number_features']) {
    const rows = await q<{ j: unknown }>(db, `SELECT to_jsonb(x) AS j FROM ${t} x ORDER BY to_jsonb(x)::text`);
    parts.push(`${t}:${JSON.stringify(rows.map((r) => r.j))}`);
  }
  return { audit, rows: parts.join('\n') };
}

describe('tandem CLI', () => {
  before(async () => {
    server = await freshServerDatabase();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-cli-'));
    fs.writeFileSync(path.join(dir, 'users.csv'), [
      'site,first_name,last_name,email,extension,role',
      'Berlin,Karl,Fischer,karl.fischer@brandt-vogel.example,150,',
      'hamburg,Greta,Koch,greta.koch@brandt-vogel.example,250,site_admin',
      'Berlin,Bad,Mail,not-an-email,151,',
      'Berlin,Dup,Ext,dup.ext@brandt-vogel.example,100,',
      'Köln,Nowhere,Site,nowhere@brandt-vogel.example,152,',
      'München,Ida,Roth,ida.roth@brandt-vogel.example,,user',
      'Berlin,Anna,Brandt,anna.brandt@brandt-vogel.example,100,account_admin',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'numbers.csv'), [
      'site,number,status',
      'Berlin,+493040506120,',
      'Berlin,030 40506121,active',
      'Berlin,12345,',
      'Hamburg,+493040506101,',
      'Berlin,+33144556601,',
      'München,+498921094401,reserved',
    ].join('\n'));
  });
  after(async () => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    await server?.drop();
  });

  test('demo loads the data set, prints how to sign in and writes the credentials file', { timeout: 120_000 }, async () => {
    const r = await tandem('demo', '--credentials', path.join(dir, 'creds.csv'));
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /Demo data loaded: 3 accounts/);
    assert.doesNotMatch(r.stdout, /skipped/);
    assert.match(r.stdout, /operator@tandem\.local/);
    for (const admin of ['anna.brandt@brandt-vogel.example', 'oliver.hartley@hartley-finch.example', 'elise.dubois@lumiere-conseil.example']) {
      assert.match(r.stdout, new RegExp(`account admin, .*${admin.replace(/\./g, '\\.')}\\s+password ${DEMO_PASSWORD}`));
    }
  });

  test('demo refuses to load twice into the same database', { timeout: 120_000 }, async () => {
    const r = await tandem('demo');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /The demo data is already loaded in this database \(account "Brandt & Vogel Maschinenbau GmbH" exists\)/);
  });

  test('accounts list and show inspect accounts; create opens one and refuses a duplicate', { timeout: 120_000 }, async () => {
    const list = await tandem('accounts', 'list', '--json');
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual((JSON.parse(list.stdout) as { name: string }[]).map((a) => a.name), [DE, 'Hartley & Finch Ltd', 'Lumière Conseil SAS']);

    const show = await tandem('accounts', 'show', 'brandt & vogel maschinenbau gmbh', '--json');
    assert.equal(show.code, 0, show.stderr);
    const o = JSON.parse(show.stdout) as { account: { country: string }; sites: { name: string; mainNumber: string; numbers: Record<string, number> }[]; users: { total: number; byRole: Record<string, number> } };
    assert.equal(o.account.country, 'DE');
    assert.deepEqual(o.sites.map((s) => [s.name, s.mainNumber]), [['Berlin', '+493040506100'], ['Hamburg', '+494055512300'], ['München', '+498921094400']]);
    assert.deepEqual(o.users, { total: 21, byRole: { account_admin: 2, site_admin: 1, user: 18 } });
    assert.deepEqual(o.sites[0]!.numbers, { reserved: 3, active: 11, pending: 1 });

    const args = ['accounts', 'create', '--name', 'Nordlicht GmbH', '--country', 'DE', '--domain', 'nordlicht.example', '--site-name', 'Kiel',
      '--time-zone', 'Europe/Berlin', '--main-number', '0431 5550100', '--admin-email', 'ole@nordlicht.example', '--admin-first-name', 'Ole', '--admin-last-name', 'Hansen'];
    const created = await tandem(...args);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /Account "Nordlicht GmbH" created/);
    assert.match(created.stdout, /main number \+494315550100/);
    assert.match(created.stdout, /password\s+\S{16}\s+\(shown once\)/);
    const again = await tandem(...args);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /An account named "Nordlicht GmbH" exists \(field: name\)/);
  });

  test('import users and numbers: good rows in, bad rows reported with row and reason, exit code 1', { timeout: 120_000 }, async () => {
    const users = await tandem('import', 'users', path.join(dir, 'users.csv'), '--account', DE);
    assert.equal(users.code, 1, users.stderr);
    assert.match(users.stdout, /^Importing 7 user rows into "Brandt & Vogel Maschinenbau GmbH"$/m);
    assert.match(users.stdout, /^Importing users: 7\/7 rows$/m, 'plain progress lines when stdout is not a terminal');
    assert.match(users.stdout, /^ {2}row 4 \[email\]: "not-an-email" is not an e-mail address \(validation_failed\)$/m);
    assert.match(users.stdout, /^ {2}row 5 \[extension\]: Extension 100 is already used by a user in this account \(extension_taken\)$/m);
    assert.match(users.stdout, /^ {2}row 6 \[site\]: No site is named "Köln" in this account \(its sites: Berlin, Hamburg, München\) \(not_found\)$/m);
    assert.equal(users.stdout.match(/^ {2}row \d+/gm)?.length, 3);
    assert.match(users.stdout, /^3 imported, 1 unchanged, 3 failed$/m);

    const numbers = await tandem('import', 'numbers', path.join(dir, 'numbers.csv'), '-a', DE);
    assert.equal(numbers.code, 1, numbers.stderr);
    assert.match(numbers.stdout, /^ {2}row 4 \[number\]: "12345" is not a valid phone number for DE \(invalid_number\)$/m);
    assert.match(numbers.stdout, /^ {2}row 5 \[site\]: \+493040506101 is already allocated to the site "Berlin" of this account \(number_taken\)$/m);
    assert.match(numbers.stdout, /^ {2}row 6 \[number\]: \+33144556601 is already allocated \(number_taken\)$/m, 'a number of another account');
    assert.equal(numbers.stdout.match(/^ {2}row \d+/gm)?.length, 3);
    assert.match(numbers.stdout, /^2 imported, 1 unchanged, 3 failed$/m);
  });

  let before1: { audit: number; rows: string };
  test('the database holds the demo data set and the imported rows', { timeout: 120_000 }, async () => {
    before1 = await withDb(async (db) => {
      const accounts = await q<{ id: string; name: string; sip_domain: string }>(db, 'SELECT id, name, sip_domain FROM accounts ORDER BY name');
      assert.deepEqual(accounts.map((a) => a.name), [DE, 'Hartley & Finch Ltd', 'Lumière Conseil SAS', 'Nordlicht GmbH']);
      const demoIds = accounts.filter((a) => a.name !== 'Nordlicht GmbH').map((a) => a.id);

      // Users: 49 in the demo (+3 imported), every demo user with a password, admins and site admins.
      const roles = await q<{ role: string; n: number; with_password: number; oa: number }>(db,
        `SELECT role, count(*)::int AS n, count(password_hash)::int AS with_password, count(*) FILTER (WHERE oa_enabled)::int AS oa
           FROM users WHERE account_id = ANY($1::uuid[]) AND email NOT IN ('karl.fischer@brandt-vogel.example', 'greta.koch@brandt-vogel.example', 'ida.roth@brandt-vogel.example')
          GROUP BY role ORDER BY role`, [demoIds]);
      assert.deepEqual(roles.map((r) => [r.role, r.n, r.with_password]), [['account_admin', 4, 4], ['site_admin', 3, 3], ['user', 42, 42]]);
      assert.equal(roles.reduce((s, r) => s + r.oa, 0), 9, 'users enabled for Office Anywhere');
      const sites = await q<{ n: number }>(db, 'SELECT count(*)::int AS n FROM sites WHERE account_id = ANY($1::uuid[])', [demoIds]);
      assert.equal(sites[0]!.n, 7);

      // Numbers in every state (before the import: 17 reserved; the import adds 1 reserved, 1 active).
      const states = await q<{ status: string; is_main: boolean; n: number }>(db,
        `SELECT status, is_main, count(*)::int AS n FROM numbers WHERE account_id = ANY($1::uuid[]) GROUP BY status, is_main ORDER BY is_main, status`, [demoIds]);
      assert.deepEqual(states.map((s) => [s.status, s.is_main, s.n]), [['active', false, 51], ['pending', false, 4], ['reserved', false, 18], ['active', true, 7]]);
      const pending = await q<{ pending_action: string; phone_id: string | null }>(db,
        `SELECT n.pending_action, d.phone_id FROM numbers n LEFT JOIN devices d ON d.number_id = n.id WHERE n.status = 'pending'`);
      assert.ok(pending.every((p) => p.phone_id !== null), 'every pending number is logged into a handset that has not fetched its configuration');
      const assigned = await q<{ users: number; labels: number; labelled_only: number }>(db,
        `SELECT count(user_id)::int AS users, count(display_line1)::int AS labels, count(*) FILTER (WHERE display_line1 IS NOT NULL AND user_id IS NULL)::int AS labelled_only FROM numbers`);
      assert.deepEqual(assigned[0], { users: 42, labels: 9, labelled_only: 5 });
      const features = await q<{ vm_mail: number; fwd: number; dnd: number; cli: number; code: number }>(db,
        `SELECT count(voicemail_to_email)::int AS vm_mail, count(coalesce(forward_always, forward_busy, forward_no_answer))::int AS fwd,
                count(*) FILTER (WHERE do_not_disturb)::int AS dnd, count(cli_number)::int AS cli, count(auth_code_hash)::int AS code FROM number_features`);
      assert.deepEqual(features[0], { vm_mail: 3, fwd: 5, dnd: 2, cli: 1, code: 1 });

      // Office Anywhere: portals of both scopes, alternate phones active and inactive.
      const portals = await q<{ scope: string; n: number }>(db, 'SELECT scope, count(*)::int AS n FROM oa_portals GROUP BY scope ORDER BY scope');
      assert.deepEqual(portals.map((p) => [p.scope, p.n]), [['account', 2], ['site', 2]]);
      const alts = await q<{ active: boolean; n: number }>(db, 'SELECT active, count(*)::int AS n FROM alternate_phones GROUP BY active ORDER BY active');
      assert.deepEqual(alts.map((a) => [a.active, a.n]), [[false, 4], [true, 8]]);

      // The credentials file: the exact header, one row per handset, passwords matching the stored HA1.
      const text = fs.readFileSync(path.join(dir, 'creds.csv'), 'utf8');
      assert.equal(text.split('\n')[0], CREDENTIALS_HEADER.join(','));
      assert.equal(CREDENTIALS_HEADER.join(','), 'account,site,user,extension,number,domain,username,password');
      const rows = parse(text, { columns: true }) as Record<string, string>[];
      const devices = await q<{ sip_username: string; ha1_md5: string; ha1_sha256: string; sip_domain: string; e164: string | null }>(db,
        `SELECT d.sip_username, d.ha1_md5, d.ha1_sha256, a.sip_domain, n.e164 FROM devices d JOIN accounts a ON a.id = d.account_id LEFT JOIN numbers n ON n.id = d.number_id`);
      assert.equal(rows.length, 16);
      assert.equal(devices.length, 16);
      for (const row of rows) {
        const d = devices.find((x) => x.sip_username === row.username);
        assert.ok(d, `device ${row.username} exists`);
        assert.equal(row.domain, d.sip_domain);
        assert.equal(row.number || null, d.e164);
        assert.equal(digestHa1('MD5', row.username!, row.domain!, row.password!), d.ha1_md5);
        assert.equal(digestHa1('SHA-256', row.username!, row.domain!, row.password!), d.ha1_sha256);
      }
      assert.equal(rows.filter((r) => r.user === '').length, 3, 'spare handsets without a number');

      // The imported users and numbers.
      const imported = await q<{ email: string; site: string; extension: string | null; role: string; admin_of: string | null }>(db,
        `SELECT u.email, s.name AS site, x.extension, u.role, (SELECT s2.name FROM site_admin_sites sa JOIN sites s2 ON s2.id = sa.site_id WHERE sa.user_id = u.id) AS admin_of
           FROM users u JOIN sites s ON s.id = u.site_id LEFT JOIN extensions x ON x.target_type = 'user' AND x.target_id = u.id
          WHERE u.email IN ('karl.fischer@brandt-vogel.example', 'greta.koch@brandt-vogel.example', 'ida.roth@brandt-vogel.example', 'not-an-email', 'dup.ext@brandt-vogel.example', 'nowhere@brandt-vogel.example')
          ORDER BY u.email`);
      assert.deepEqual(imported.map((u) => [u.email, u.site, u.extension, u.role, u.admin_of]), [
        ['greta.koch@brandt-vogel.example', 'Hamburg', '250', 'site_admin', 'Hamburg'],
        ['ida.roth@brandt-vogel.example', 'München', null, 'user', null],
        ['karl.fischer@brandt-vogel.example', 'Berlin', '150', 'user', null],
      ]);
      const nums = await q<{ e164: string; status: string; site: string }>(db,
        `SELECT n.e164, n.status, s.name AS site FROM numbers n JOIN sites s ON s.id = n.site_id WHERE n.e164 IN ('+493040506120', '+493040506121', '+4912345', '+33144556601') ORDER BY n.e164`);
      assert.deepEqual(nums.map((n) => [n.e164, n.status, n.site]), [['+33144556601', 'active', 'Paris'], ['+493040506120', 'reserved', 'Berlin'], ['+493040506121', 'active', 'Berlin']]);
      return importState(db);
    });
  });

  test('running the same imports again changes nothing and writes no audit rows', { timeout: 120_000 }, async () => {
    const users = await tandem('import', 'users', path.join(dir, 'users.csv'), '--account', DE);
    assert.equal(users.code, 1, 'the bad rows still fail');
    assert.match(users.stdout, /^0 imported, 4 unchanged, 3 failed$/m);
    const numbers = await tandem('import', 'numbers', path.join(dir, 'numbers.csv'), '--account', DE);
    assert.equal(numbers.code, 1);
    assert.match(numbers.stdout, /^0 imported, 3 unchanged, 3 failed$/m);
    const now = await withDb(importState);
    assert.equal(now.audit, before1.audit);
    assert.equal(now.rows, before1.rows);
  });

  test('a wrong header is refused before anything is written', { timeout: 120_000 }, async () => {
    fs.writeFileSync(path.join(dir, 'bad.csv'), 'site,name,email\nBerlin,X,x@y.example\n');
    const r = await tandem('import', 'users', path.join(dir, 'bad.csv'), '--account', DE);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /The header line is wrong \(missing columns first_name, last_name; unknown column "name"\)/);
  });
});
