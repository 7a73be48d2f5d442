/**
 * `tandem demo --scale`: the directory at scale (spec §8 "Directory", §2 user limit) — 10 accounts
 * × 10,000 users in one `linked` federation, plus two smaller federations overlapping it (accounts
 * 1–3 `federated`, accounts 8–10 a custom policy), all active. It is the data set of the directory
 * benchmark (bench/directory), which builds it with {@link buildScaleDemo}.
 *
 * The accounts, their sites, their admins, one plain user each (all with the demo password) and the
 * federations (proposal and every member's consent) go through the API like any admin's work. The
 * other 9,998 users per account, their extensions and the numbers are inserted set-based, in
 * batches, on the operator path: 100,000 users through the API would take many minutes (argon2 and
 * one transaction per user), which is not what a demo is for. Each account's bulk insert is one
 * transaction with one audit row (`demo.scale_seed`, what was inserted) and a `directory.reindex`
 * event, so the directory index picks the account up as soon as it commits.
 *
 * Extensions never collide across the accounts (plain extension dialing needs that): account k
 * (0-based) has the 4-digit block 1000+900k … and the 5-digit block 10000+9000k …, 9,900 in all;
 * the last users of a full account have no extension, like staff without a phone.
 */
import cliProgress from 'cli-progress';
import { newId } from '../domain/ids.ts';
import { generateDefaultPin } from '../domain/pin.ts';
import { fold } from '../directory/search.ts';
import { asOperator, systemCtx } from '../services/context.ts';
import { DEMO_PASSWORD } from './demo-data.ts';
import type { ApiAccount, ApiSite, ApiUser, LocalClient } from './local-client.ts';

/** The scale demo refuses to load twice into the same database. */
export class ScaleDemoAlreadyLoaded extends Error {}

export interface ScaleOptions {
  /** Accounts (2–10; default 10). */
  accounts?: number;
  /** Users per account, the admin and the plain user included (default 10,000). */
  usersPerAccount?: number;
  /** Numbers allocated and activated per account besides the main numbers (default 2,500; every 5th user gets one). */
  numbersPerAccount?: number;
  /** Progress: called after every step with what is done of the total. */
  onProgress?: (done: number, total: number, phase: string) => void;
}

export interface ScaleAccount {
  id: string;
  name: string;
  domain: string;
  adminEmail: string;
  /** A plain user who can sign in (password {@link DEMO_PASSWORD}). */
  userEmail: string;
  siteIds: string[];
}

export interface ScaleSummary {
  accounts: ScaleAccount[];
  federations: { id: string; name: string; preset: string; members: number }[];
  users: number;
  numbers: number;
  assigned: number;
  /** Seconds per phase. */
  timings: { accounts: number; users: number; federations: number; total: number };
}

const COMPANIES = [
  'Aurora Logistik', 'Birkenhof Versicherung', 'Celsius Energie', 'Delta Werkzeugbau', 'Elbtal Medien',
  'Falkenstein Bau', 'Greifen Pharma', 'Hafenblick Reederei', 'Isar Software', 'Jadebusen Textil',
];

/** First and last names the users are generated from (deterministically, every run the same). */
export const FIRST_NAMES = [
  'Anna', 'Ben', 'Clara', 'David', 'Elif', 'Felix', 'Greta', 'Hannes', 'Ida', 'Jonas', 'Kira', 'Lukas', 'Mia', 'Noah', 'Olga', 'Paul',
  'Rosa', 'Simon', 'Tara', 'Umut', 'Vera', 'Willi', 'Xenia', 'Yusuf', 'Zoë', 'Amelie', 'Bastian', 'Chiara', 'Dominik', 'Emma',
  'Finn', 'Gül', 'Henrik', 'Isabel', 'Jakob', 'Katarzyna', 'Leon', 'Marie', 'Nils', 'Oskar', 'Pia', 'Quentin', 'Rahel', 'Sören',
  'Theresa', 'Ulrich', 'Valentina', 'Wiebke', 'Yannick', 'Zeynep', 'Élise', 'Jörg', 'Lars', 'Maja', 'Nora', 'Olivia', 'Philipp',
  'Sophie', 'Tobias', 'Ayşe',
];
export const LAST_NAMES = [
  'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Klein',
  'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Braun', 'Zimmermann', 'Krüger', 'Hartmann', 'Lange', 'Werner', 'Krause', 'Lehmann',
  'Schmitt', 'Maier', 'Köhler', 'Huber', 'Kaiser', 'Fuchs', 'Peters', 'Lang', 'Scholz', 'Möller', 'Weiß', 'Jung', 'Hahn', 'Vogel',
  'Friedrich', 'Yılmaz', 'Kaya', 'Nowak', 'Kowalski', 'Rossi', 'García', 'Dubois', 'Jansen', 'de Vries', 'Andersson', 'Nielsen',
  'Popescu', 'Horváth', 'Novák', 'Papadopoulos', "O'Brien", 'Martin', 'Bernard', 'Silva', 'Santos', 'Ivanova', 'Petrović',
  'Bauer', 'Keller', 'Brandt', 'Graf', 'Roth', 'Beck', 'Lorenz', 'Baumann', 'Franke', 'Albrecht', 'Winter', 'Sommer', 'Berger',
  'Engel', 'Busch', 'Pohl', 'Seidel', 'Ludwig-Thoma',
];
const PRESENCE = ['available', 'away', 'busy', 'offline', 'offline', 'do_not_disturb', 'on_a_call', 'offline'];

const pad = (n: number, w: number): string => String(n).padStart(w, '0');
/** Account k's (0-based) SIP domain. */
export const scaleDomain = (k: number): string => `scale-${pad(k + 1, 2)}.tandem-demo.example`;
/** Account k's main number of site s, and its pooled number i (E.164, valid Berlin numbers, one block per account). */
const mainNumber = (k: number, s: number): string => `+49302${k}${pad(s, 5)}`;
const pooledNumber = (k: number, i: number): string => `+49302${k}${pad(100 + i, 5)}`;
/** Extension slot j of account k (see the header); null past the 9,900 slots. */
export function scaleExtension(k: number, j: number): string | null {
  if (j < 900) return String(1000 + 900 * k + j);
  if (j < 9900) return String(10000 + 9000 * k + (j - 900));
  return null;
}
/** The generated name of user i of account k. */
export function scaleName(k: number, i: number): { first: string; last: string } {
  const p = (i * 37 + k * 1009) % (FIRST_NAMES.length * LAST_NAMES.length);
  return { first: FIRST_NAMES[p % FIRST_NAMES.length]!, last: LAST_NAMES[Math.floor(p / FIRST_NAMES.length)]! };
}
const ascii = (s: string): string => fold(s).replace(/[^a-z0-9]+/g, '');

/** The scale demo's first account if it exists already, or null. */
async function existing(c: LocalClient): Promise<ApiAccount | null> {
  const found = await c.all<ApiAccount>(`/v1/accounts?q=${encodeURIComponent('(Scale)')}`);
  return found.find((a) => a.sipDomain === scaleDomain(0)) ?? null;
}

/**
 * Builds the scale data set through the client's services (see the header).
 * @throws ScaleDemoAlreadyLoaded when the scale demo's accounts exist already
 */
export async function buildScaleDemo(c: LocalClient, opts: ScaleOptions = {}): Promise<ScaleSummary> {
  const nAccounts = opts.accounts ?? 10;
  const perAccount = opts.usersPerAccount ?? 10_000;
  const nNumbers = opts.numbersPerAccount ?? 2_500;
  if (nAccounts < 2 || nAccounts > 10) throw new Error('The scale demo has 2 to 10 accounts (one federation holds at most 10)');
  if (perAccount < 2) throw new Error('The scale demo has at least 2 users per account');
  if (nNumbers > 99_000) throw new Error('The scale demo has at most 99,000 numbers per account');
  const limit = c.services.config.maxUsersPerAccount;
  if (perAccount > limit) throw new Error(`${perAccount} users per account exceed this deployment's user limit of ${limit} (TANDEM_MAX_USERS_PER_ACCOUNT)`);
  const found = await existing(c);
  if (found) throw new ScaleDemoAlreadyLoaded(`The scale demo is already loaded in this database (account "${found.name}" exists); use a fresh data directory or database to load it again`);

  const t0 = performance.now();
  const bulkPerAccount = perAccount - 2;
  const fedSteps = 3 + nAccounts + 3 + 3; // proposals + consents (approximate, for the bar)
  const total = nAccounts * (2 + bulkPerAccount) + fedSteps;
  let done = 0;
  const step = (n: number, phase: string): void => {
    done += n;
    opts.onProgress?.(Math.min(done, total), total, phase);
  };

  // 1. Accounts, sites, admins and one plain user each, through the API.
  const accounts: ScaleAccount[] = [];
  for (let k = 0; k < nAccounts; k++) {
    const name = `${COMPANIES[k]} (Scale)`;
    const domain = scaleDomain(k);
    const admin = scaleName(k, 0);
    const adminEmail = `admin@${domain}`;
    const created = await c.call<{ account: ApiAccount; site: ApiSite; admin: ApiUser }>('POST', '/v1/accounts', {
      body: {
        name, country: 'DE', sipDomain: domain, extMinLength: 4, extMaxLength: 5,
        firstSite: { name: 'Zentrale', timeZone: 'Europe/Berlin', mainNumber: mainNumber(k, 0) },
        admin: { firstName: admin.first, lastName: admin.last, email: adminEmail, extension: scaleExtension(k, 0), password: DEMO_PASSWORD },
      },
    });
    const opt = { account: created.account.id };
    const branch = await c.call<ApiSite>('POST', '/v1/sites', { ...opt, body: { name: 'Niederlassung', timeZone: 'Europe/Berlin', mainNumber: mainNumber(k, 1) } });
    const plain = scaleName(k, 1);
    const userEmail = `user@${domain}`;
    await c.call<ApiUser>('POST', '/v1/users', {
      ...opt, body: { siteId: created.site.id, firstName: plain.first, lastName: plain.last, email: userEmail, extension: scaleExtension(k, 1), password: DEMO_PASSWORD },
    });
    accounts.push({ id: created.account.id, name: created.account.name, domain, adminEmail, userEmail, siteIds: [created.site.id, branch.id] });
    step(2, `account ${k + 1}/${nAccounts}`);
  }
  const tAccounts = performance.now();

  // 2. The other users, their extensions and the numbers, set-based (see the header).
  let numbers = 0;
  let assigned = 0;
  const BATCH = 2000;
  for (const [k, a] of accounts.entries()) {
    const ctx = systemCtx(c.services, a.id, `demo-scale-${newId()}`);
    const r = await asOperator(ctx, a.id, async (tx) => {
      const userIds: string[] = [];
      for (let b = 0; b < bulkPerAccount; b += BATCH) {
        const n = Math.min(BATCH, bulkPerAccount - b);
        const idx = Array.from({ length: n }, (_, j) => b + j + 2); // user index within the account (0 admin, 1 plain user)
        const ids = idx.map(() => newId());
        userIds.push(...ids);
        const names = idx.map((i) => scaleName(k, i));
        await tx.sql.query(
          `INSERT INTO users (id, account_id, site_id, first_name, last_name, email, role, presence)
           SELECT u.id, $1, u.site, u.f, u.l, u.e, 'user', u.p
             FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[]) AS u(id, site, f, l, e, p)`,
          [a.id, ids, idx.map((i) => a.siteIds[i % 3 === 0 ? 1 : 0]), names.map((x) => x.first), names.map((x) => x.last),
           idx.map((i, j) => `${ascii(names[j]!.first)}.${ascii(names[j]!.last)}.${i}@${a.domain}`), idx.map((i) => PRESENCE[i % PRESENCE.length]!)]);
        const ext = idx.map((i, j) => [ids[j]!, scaleExtension(k, i)] as const).filter((x): x is readonly [string, string] => x[1] !== null);
        if (ext.length > 0) {
          await tx.sql.query(
            `INSERT INTO extensions (account_id, extension, target_type, target_id) SELECT $1, x.ext, 'user', x.id FROM unnest($2::uuid[], $3::text[]) AS x(id, ext)`,
            [a.id, ext.map((x) => x[0]), ext.map((x) => x[1])]);
        }
        step(n, `users of ${a.name}`);
      }
      // Numbers: all active at the first site; number i goes to every 5th bulk user while they last.
      const nIds = Array.from({ length: nNumbers }, () => newId());
      let given = 0;
      for (let b = 0; b < nNumbers; b += BATCH) {
        const ids = nIds.slice(b, b + BATCH);
        const holders = ids.map((_, j) => userIds[(b + j) * 5] ?? null);
        given += holders.filter(Boolean).length;
        await tx.sql.query(
          `INSERT INTO numbers (id, account_id, site_id, e164, status, is_main, user_id, default_pin)
           SELECT n.id, $1, $2, n.e, 'active', false, n.u, n.p FROM unnest($3::uuid[], $4::text[], $5::uuid[], $6::text[]) AS n(id, e, u, p)`,
          [a.id, a.siteIds[0], ids, ids.map((_, j) => pooledNumber(k, b + j)), holders, ids.map(() => generateDefaultPin())]);
        await tx.sql.query(`INSERT INTO number_features (number_id, account_id) SELECT id, $1 FROM unnest($2::uuid[]) AS x(id)`, [a.id, ids]);
      }
      const seeded = { users: bulkPerAccount, extensions: Math.max(0, Math.min(9900, perAccount) - 2), numbers: nNumbers, assignedNumbers: given };
      await tx.audit({ action: 'demo.scale_seed', targetType: 'account', targetId: a.id, after: seeded });
      tx.emit('directory.reindex', a.id);
      return seeded;
    });
    numbers += r.numbers;
    assigned += r.assignedNumbers;
  }
  await c.services.db.owner((sql) => sql.query('ANALYZE'));
  const tUsers = performance.now();

  // 3. The federations, proposed and consented to through the API (as the operator acting in each account).
  const federations: ScaleSummary['federations'] = [];
  const federate = async (name: string, members: ScaleAccount[], body: Record<string, unknown>): Promise<void> => {
    const [first, ...rest] = members;
    const f = await c.call<{ id: string; preset: string }>('POST', '/v1/federations', { account: first!.id, body: { name, memberSipDomains: rest.map((m) => m.domain), ...body } });
    step(1, `federation ${name}`);
    for (const m of members) {
      const { text } = await c.call<{ text: string }>('GET', `/v1/federations/${f.id}/consent-text`, { account: m.id });
      await c.call('POST', `/v1/federations/${f.id}/consent`, { account: m.id, body: { text } });
      step(1, `federation ${name}`);
    }
    federations.push({ id: f.id, name, preset: f.preset, members: members.length });
  };
  await federate('Scale Group (linked)', accounts, { preset: 'linked' });
  if (nAccounts >= 3) {
    await federate('Scale Partners North (federated)', accounts.slice(0, 3), { preset: 'federated' });
    await federate('Scale Partners South (custom)', accounts.slice(-3), { preset: 'linked', policy: { sharePresence: true, shareProfileImage: true, pager: true } });
  }
  const tEnd = performance.now();
  opts.onProgress?.(total, total, 'done');
  return {
    accounts, federations, users: nAccounts * perAccount, numbers, assigned,
    timings: { accounts: (tAccounts - t0) / 1000, users: (tUsers - tAccounts) / 1000, federations: (tEnd - tUsers) / 1000, total: (tEnd - t0) / 1000 },
  };
}

/** Progress on a terminal as a bar, otherwise as a line about every tenth of the way. */
export function scaleProgress(stream: NodeJS.WriteStream = process.stdout): { onProgress: (done: number, total: number, phase: string) => void; stop: () => void } {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar({ format: 'Scale demo [{bar}] {percentage}%  {value}/{total}  ETA {eta_formatted}  {phase}', stream, hideCursor: true, clearOnComplete: false }, cliProgress.Presets.shades_classic);
    let started = false;
    return {
      onProgress(done, total, phase) {
        if (!started) {
          bar.start(total, 0, { phase });
          started = true;
        }
        bar.update(done, { phase });
      },
      stop: () => (started ? bar.stop() : undefined),
    };
  }
  let next = 0;
  return {
    onProgress(done, total, phase) {
      const pct = Math.floor((done / total) * 100);
      if (pct >= next || done === total) {
        stream.write(`Scale demo: ${pct}% (${done}/${total}) ${phase}\n`);
        next = pct - (pct % 10) + 10;
      }
    },
    stop() {},
  };
}
