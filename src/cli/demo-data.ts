/**
 * The demo data set (spec §13 "seed demo data"): three companies in three countries with several
 * sites each, about fifty users, numbers in every state (reserved, active, pending and the main
 * numbers), assignments, display names, number features, handsets, Office Anywhere portals and
 * alternate phones.
 *
 * Everything is written through the API (local-client.ts) as the operator acting in each account, so
 * the demo meets the same rules and leaves the same audit trail as an admin's work would. The content
 * is fixed (same names and numbers every run); ids, PINs and SIP passwords are generated as always.
 */
import fs from 'node:fs';
import { buildDigestAuthorization, parseDigestChallenge } from '../domain/digest.ts';
import type { Services } from '../services/context.ts';
import { csvLine } from '../lib/csv.ts';
import { ApiError, clientFor, type ApiAccount, type ApiNumber, type ApiSite, type ApiUser, type LocalClient } from './local-client.ts';

/** The password of every demo user (portal sign-in). Documented, for demos only. */
export const DEMO_PASSWORD = 'tandem-demo-2024';

/** The header of the credentials file written by `tandem demo --credentials FILE`. */
export const CREDENTIALS_HEADER = ['account', 'site', 'user', 'extension', 'number', 'domain', 'username', 'password'] as const;

/**
 * The demo carrier trunk (spec §10): a gateway on the loopback at 127.0.0.2, which is also the one
 * address trusted to send calls in — phones on 127.0.0.1 are never taken for the carrier.
 */
export const DEMO_TRUNK = { name: 'Demo carrier', host: '127.0.0.2', port: 5080, transport: 'UDP', priority: 10, inboundAddresses: ['127.0.0.2'] } as const;

/** The demo refuses to load twice into the same database. */
export class DemoAlreadyLoaded extends Error {}

// -------------------------------------------------------------------------------------------------
// The data set

/** Number features a demo number gets (the body of PATCH /v1/numbers/:id/features). */
type Features = Record<string, unknown>;

interface DemoHandset {
  phoneId: string;
  model: string;
  /** `pending`: the number is logged in but the phone has not fetched its configuration yet. */
  state: 'provisioned' | 'pending';
}

interface DemoUser {
  first: string;
  last: string;
  ext: string;
  role?: 'account_admin' | 'site_admin';
  /** Gets a number of the site assigned. */
  number?: boolean;
  display?: [string, string];
  features?: Features;
  handset?: DemoHandset;
  /** Enabled for Office Anywhere, with these alternate phones. */
  oa?: { number: string; label: string; active: boolean }[];
}

interface DemoSite {
  name: string;
  timeZone: string;
  address: string;
  main: string;
  /** The numbers allocated to the site besides its main number (E.164, all valid for the country). */
  pool: string[];
  users: DemoUser[];
  /** Numbers with a display name and no user (reception, meeting rooms). */
  labelled?: [string, string][];
  /** Office Anywhere portal numbers on this site. */
  portals?: { name: string; extension: string; scope: 'account' | 'site' }[];
  /** Handsets not yet given a number (spare phones). */
  spareHandsets?: { phoneId: string; model: string }[];
  /** How many allocated numbers stay reserved (not activated). */
  reserved: number;
}

interface DemoAccount {
  name: string;
  country: string;
  domain: string;
  extMinLength: number;
  extMaxLength: number;
  sites: DemoSite[];
}

/** `count` consecutive numbers after `base` (an E.164 whose last digits are counted up). */
function run(base: string, from: number, count: number, width: number): string[] {
  return Array.from({ length: count }, (_, i) => `${base}${String(from + i).padStart(width, '0')}`);
}

export const DEMO_ACCOUNTS: DemoAccount[] = [
  {
    name: 'Brandt & Vogel Maschinenbau GmbH',
    country: 'DE',
    domain: 'brandt-vogel.example',
    extMinLength: 3,
    extMaxLength: 4,
    sites: [
      {
        name: 'Berlin',
        timeZone: 'Europe/Berlin',
        address: 'Friedrichstraße 120, 10117 Berlin',
        main: '+493040506100',
        pool: run('+4930405061', 1, 14, 2),
        reserved: 3,
        labelled: [['Empfang', 'Berlin'], ['Konferenzraum', 'Spree']],
        portals: [{ name: 'Office Anywhere Deutschland', extension: '199', scope: 'account' }],
        spareHandsets: [{ phoneId: '80:5E:C0:1A:00:09', model: 'Yealink T54W' }],
        users: [
          { first: 'Anna', last: 'Brandt', ext: '100', role: 'account_admin', number: true, handset: { phoneId: '80:5E:C0:1A:00:01', model: 'Yealink T54W', state: 'provisioned' },
            features: { voicemailToEmail: 'anna.brandt@brandt-vogel.example' }, oa: [{ number: '+4915123456701', label: 'Mobil', active: true }, { number: '+493088123456', label: 'Zuhause', active: false }] },
          { first: 'Jonas', last: 'Vogel', ext: '101', role: 'account_admin', number: true, display: ['Geschäftsführung', 'J. Vogel'], handset: { phoneId: '80:5E:C0:1A:00:02', model: 'Yealink T58W', state: 'provisioned' } },
          { first: 'Lena', last: 'Schröder', ext: '102', number: true, features: { forwardNoAnswer: '+4915123456702', noAnswerRingSeconds: 24 }, oa: [{ number: '+4915123456702', label: 'Mobil', active: true }] },
          { first: 'Felix', last: 'Hoffmann', ext: '103', number: true, handset: { phoneId: '80:5E:C0:1A:00:03', model: 'Yealink T46U', state: 'pending' } },
          { first: 'Mia', last: 'Schulz', ext: '104', number: true, features: { callWaiting: false, forwardBusy: '+493040506100' } },
          { first: 'Paul', last: 'Becker', ext: '105', number: true, features: { doNotDisturb: true } },
          { first: 'Sophie', last: 'Wagner', ext: '106', number: true, handset: { phoneId: '80:5E:C0:1A:00:04', model: 'Yealink T46U', state: 'provisioned' } },
          { first: 'Lukas', last: 'Klein', ext: '107' },
          { first: 'Emma', last: 'Wolf', ext: '108', number: true, features: { hideCallerId: true } },
        ],
      },
      {
        name: 'Hamburg',
        timeZone: 'Europe/Berlin',
        address: 'Großer Burstah 31, 20457 Hamburg',
        main: '+494055512300',
        pool: run('+4940555123', 1, 9, 2),
        reserved: 2,
        labelled: [['Lager', 'Hamburg']],
        portals: [{ name: 'Office Anywhere Hamburg', extension: '299', scope: 'site' }],
        users: [
          { first: 'Tobias', last: 'Neumann', ext: '200', role: 'site_admin', number: true, handset: { phoneId: '00:04:13:2B:00:01', model: 'Snom D785', state: 'provisioned' } },
          { first: 'Hannah', last: 'Schwarz', ext: '201', number: true, oa: [{ number: '+4917012345601', label: 'Mobil', active: true }] },
          { first: 'Maximilian', last: 'Zimmermann', ext: '202', number: true, handset: { phoneId: '00:04:13:2B:00:02', model: 'Snom D735', state: 'pending' } },
          { first: 'Laura', last: 'Braun', ext: '203', number: true, features: { cli: { enabled: true, number: '+494055512300' } } },
          { first: 'Niklas', last: 'Krüger', ext: '204', number: true },
          { first: 'Clara', last: 'Hartmann', ext: '205' },
        ],
      },
      {
        name: 'München',
        timeZone: 'Europe/Berlin',
        address: 'Leopoldstraße 58, 80802 München',
        main: '+498921094400',
        pool: run('+4989210944', 1, 8, 2),
        reserved: 2,
        users: [
          { first: 'Julia', last: 'Lange', ext: '300', number: true, handset: { phoneId: '00:04:13:2C:00:01', model: 'Snom D785', state: 'provisioned' } },
          { first: 'David', last: 'Schmitt', ext: '301', number: true, features: { authorizationCode: { enabled: true, code: '583920' } } },
          { first: 'Marie', last: 'Werner', ext: '302', number: true },
          { first: 'Simon', last: 'Krause', ext: '303', number: true },
          { first: 'Lea', last: 'Meier', ext: '304' },
          { first: 'Elias', last: 'Lehmann', ext: '305', number: true, display: ['Vertrieb Süd', 'E. Lehmann'] },
        ],
      },
    ],
  },
  {
    name: 'Hartley & Finch Ltd',
    country: 'GB',
    domain: 'hartley-finch.example',
    extMinLength: 4,
    extMaxLength: 4,
    sites: [
      {
        name: 'London',
        timeZone: 'Europe/London',
        address: '14 Old Street, London EC1V 9BH',
        main: '+442079460000',
        pool: run('+4420794600', 1, 12, 2),
        reserved: 3,
        labelled: [['Reception', 'London']],
        portals: [{ name: 'Office Anywhere UK', extension: '2999', scope: 'account' }],
        spareHandsets: [{ phoneId: '00:04:F2:3D:00:09', model: 'Poly VVX 450' }],
        users: [
          { first: 'Oliver', last: 'Hartley', ext: '2000', role: 'account_admin', number: true, handset: { phoneId: '00:04:F2:3D:00:01', model: 'Poly VVX 450', state: 'provisioned' },
            oa: [{ number: '+447700123401', label: 'Mobile', active: true }, { number: '+442081234567', label: 'Home', active: false }] },
          { first: 'Charlotte', last: 'Finch', ext: '2001', role: 'site_admin', number: true, features: { voicemailToEmail: 'charlotte.finch@hartley-finch.example' } },
          { first: 'George', last: 'Patel', ext: '2002', number: true, handset: { phoneId: '00:04:F2:3D:00:02', model: 'Poly VVX 350', state: 'pending' } },
          { first: 'Amelia', last: 'Hughes', ext: '2003', number: true, oa: [{ number: '+447700123403', label: 'Mobile', active: true }] },
          { first: 'Harry', last: 'Thompson', ext: '2004', number: true, features: { forwardAlways: '+447700123404' } },
          { first: 'Isla', last: 'Roberts', ext: '2005', number: true, display: ['Accounts', 'I. Roberts'] },
          { first: 'Jack', last: 'Evans', ext: '2006' },
          { first: 'Poppy', last: 'Walker', ext: '2007', number: true },
        ],
      },
      {
        name: 'Manchester',
        timeZone: 'Europe/London',
        address: '3 Piccadilly Place, Manchester M1 3BN',
        main: '+441614960000',
        pool: run('+4416149600', 1, 8, 2),
        reserved: 2,
        users: [
          { first: 'Thomas', last: 'Wright', ext: '3000', number: true, handset: { phoneId: '00:04:F2:3E:00:01', model: 'Poly VVX 350', state: 'provisioned' } },
          { first: 'Emily', last: 'Green', ext: '3001', number: true, features: { callWaiting: false, forwardBusy: '+441614960000' } },
          { first: 'James', last: 'Hall', ext: '3002', number: true },
          { first: 'Sophia', last: 'Clarke', ext: '3003', number: true, oa: [{ number: '+447700123503', label: 'Mobile', active: false }] },
          { first: 'William', last: 'Lewis', ext: '3004' },
          { first: 'Grace', last: 'Young', ext: '3005', number: true },
          { first: 'Henry', last: 'King', ext: '3006', number: true, features: { hideCallerId: true } },
        ],
      },
    ],
  },
  {
    name: 'Lumière Conseil SAS',
    country: 'FR',
    domain: 'lumiere-conseil.example',
    extMinLength: 3,
    extMaxLength: 4,
    sites: [
      {
        name: 'Paris',
        timeZone: 'Europe/Paris',
        address: '28 avenue de l’Opéra, 75002 Paris',
        main: '+33144556600',
        pool: run('+331445566', 1, 12, 2),
        reserved: 3,
        labelled: [['Accueil', 'Paris']],
        spareHandsets: [{ phoneId: '00:15:65:4B:00:09', model: 'Yealink T54W' }],
        users: [
          { first: 'Élise', last: 'Dubois', ext: '500', role: 'account_admin', number: true, handset: { phoneId: '00:15:65:4B:00:01', model: 'Yealink T54W', state: 'provisioned' },
            features: { voicemailToEmail: 'elise.dubois@lumiere-conseil.example' }, oa: [{ number: '+33612345601', label: 'Portable', active: true }] },
          { first: 'Antoine', last: 'Lefèvre', ext: '501', number: true, handset: { phoneId: '00:15:65:4B:00:02', model: 'Yealink T46U', state: 'pending' } },
          { first: 'Manon', last: 'Laurent', ext: '502', number: true, display: ['Direction', 'M. Laurent'] },
          { first: 'Gabriel', last: 'Simon', ext: '503', number: true, features: { forwardNoAnswer: '+33612345603' } },
          { first: 'Léa', last: 'Michel', ext: '504', number: true, oa: [{ number: '+33612345604', label: 'Portable', active: true }, { number: '+33478123456', label: 'Domicile', active: false }] },
          { first: 'Arthur', last: 'Garnier', ext: '505', number: true },
          { first: 'Zoé', last: 'Rousseau', ext: '506' },
          { first: 'Jules', last: 'Bonnet', ext: '507', number: true, features: { doNotDisturb: true } },
        ],
      },
      {
        name: 'Lyon',
        timeZone: 'Europe/Paris',
        address: '12 rue de la République, 69002 Lyon',
        main: '+33472101000',
        pool: run('+334721010', 1, 8, 2),
        reserved: 2,
        portals: [{ name: 'Office Anywhere Lyon', extension: '499', scope: 'site' }],
        users: [
          { first: 'Camille', last: 'Moreau', ext: '400', role: 'site_admin', number: true, handset: { phoneId: '00:15:65:4A:00:01', model: 'Yealink T43U', state: 'provisioned' } },
          { first: 'Louis', last: 'Girard', ext: '401', number: true, oa: [{ number: '+33612345611', label: 'Portable', active: true }] },
          { first: 'Chloé', last: 'Fournier', ext: '402', number: true, features: { voicemail: false } },
          { first: 'Hugo', last: 'Mercier', ext: '403', number: true },
          { first: 'Inès', last: 'Lambert', ext: '404' },
        ],
      },
    ],
  },
];

/** A person's e-mail in a demo account: first.last@domain, ASCII only. */
export function demoEmail(first: string, last: string, domain: string): string {
  const ascii = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ß/g, 'ss').replace(/[^A-Za-z0-9]/g, '').toLowerCase();
  return `${ascii(first)}.${ascii(last)}@${domain}`;
}

// -------------------------------------------------------------------------------------------------
// Loading

export interface DemoSummary {
  accounts: { name: string; id: string; admins: string[]; siteAdmins: string[] }[];
  sites: number;
  users: number;
  numbers: Record<ApiNumber['status'], number> & { main: number };
  handsets: number;
  portals: number;
  alternatePhones: number;
  federations: number;
  trunks: number;
  credentials: string[][];
  /** Steps the demo could not do (a route missing or refusing); empty when everything went in. */
  skipped: string[];
}

/** The first demo account already in the database, or null. */
export async function existingDemoAccount(c: LocalClient): Promise<ApiAccount | null> {
  for (const a of DEMO_ACCOUNTS) {
    const found = await c.all<ApiAccount>(`/v1/accounts?q=${encodeURIComponent(a.name)}`);
    const hit = found.find((x) => x.name.toLowerCase() === a.name.toLowerCase() || x.sipDomain === a.domain);
    if (hit) return hit;
  }
  return null;
}

/** Loads the demo data set through the API client; returns what it created. */
export async function loadDemoWith(c: LocalClient): Promise<DemoSummary> {
  const existing = await existingDemoAccount(c);
  if (existing) throw new DemoAlreadyLoaded(`The demo data is already loaded in this database (account "${existing.name}" exists); use a fresh data directory or database to load it again`);
  const summary: DemoSummary = {
    accounts: [], sites: 0, users: 0, numbers: { reserved: 0, active: 0, pending: 0, main: 0 }, handsets: 0, portals: 0, alternatePhones: 0, federations: 0, trunks: 0, credentials: [], skipped: [],
  };
  /** Runs one optional step; a refusal is recorded instead of stopping the demo. */
  const step = async <T>(what: string, fn: () => Promise<T>): Promise<T | null> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof ApiError) {
        summary.skipped.push(`${what}: ${e.message} [${e.status} ${e.code}]`);
        return null;
      }
      throw e;
    }
  };

  for (const a of DEMO_ACCOUNTS) {
    const [firstSite, ...otherSites] = a.sites as [DemoSite, ...DemoSite[]];
    const adminSpec = firstSite.users.find((u) => u.role === 'account_admin')!;
    const created = await c.call<{ account: ApiAccount; site: ApiSite; admin: ApiUser }>('POST', '/v1/accounts', {
      body: {
        name: a.name, country: a.country, sipDomain: a.domain, extMinLength: a.extMinLength, extMaxLength: a.extMaxLength,
        firstSite: { name: firstSite.name, timeZone: firstSite.timeZone, address: firstSite.address, mainNumber: firstSite.main },
        admin: { firstName: adminSpec.first, lastName: adminSpec.last, email: demoEmail(adminSpec.first, adminSpec.last, a.domain), extension: adminSpec.ext, password: DEMO_PASSWORD, officeAnywhereEnabled: !!adminSpec.oa },
      },
    });
    const account = created.account;
    const opts = { account: account.id };
    const entry = { name: account.name, id: account.id, admins: [] as string[], siteAdmins: [] as string[] };
    summary.accounts.push(entry);

    const sites = new Map<DemoSite, ApiSite>([[firstSite, created.site]]);
    for (const s of otherSites) {
      sites.set(s, await c.call<ApiSite>('POST', '/v1/sites', { ...opts, body: { name: s.name, timeZone: s.timeZone, address: s.address, mainNumber: s.main } }));
    }
    summary.sites += sites.size;
    summary.numbers.main += sites.size;

    for (const [spec, site] of sites) {
      // Users (the account admin exists already).
      const users = new Map<DemoUser, ApiUser>();
      for (const u of spec.users) {
        const email = demoEmail(u.first, u.last, a.domain);
        const user = u === adminSpec
          ? created.admin
          : await c.call<ApiUser>('POST', '/v1/users', {
              ...opts,
              body: { siteId: site.id, firstName: u.first, lastName: u.last, email, extension: u.ext, role: u.role ?? 'user', password: DEMO_PASSWORD, officeAnywhereEnabled: !!u.oa },
            });
        if (u.role === 'site_admin') await c.call('PATCH', `/v1/users/${user.id}`, { ...opts, body: { adminSiteIds: [site.id] } });
        users.set(u, user);
        summary.users++;
        if (u.role === 'account_admin') entry.admins.push(email);
        if (u.role === 'site_admin') entry.siteAdmins.push(`${email} (${site.name})`);
      }

      // Numbers: allocated reserved by the operator; all but the last `reserved` ones activated.
      const allocated = (await c.call<{ items: ApiNumber[] }>('POST', `/v1/accounts/${account.id}/numbers`, { body: { siteId: site.id, numbers: spec.pool } })).items;
      const byE164 = new Map(allocated.map((n) => [n.e164, n]));
      const ordered = spec.pool.map((e) => byE164.get(e)!);
      const toActivate = ordered.slice(0, ordered.length - spec.reserved);
      summary.numbers.reserved += spec.reserved;
      for (const n of toActivate) await c.call('POST', `/v1/numbers/${n.id}/activate`, opts);
      const free = [...toActivate];
      const take = (): ApiNumber => {
        const n = free.shift();
        if (!n) throw new Error(`The demo site ${site.name} has too few numbers in its pool`);
        return n;
      };
      let pending = 0;

      for (const u of spec.users) {
        const user = users.get(u)!;
        for (const alt of u.oa ?? []) {
          if (await step(`alternate phone of ${user.email}`, () => c.call('POST', `/v1/users/${user.id}/alternate-phones`, { ...opts, body: { number: alt.number, label: alt.label, active: alt.active } }))) summary.alternatePhones++;
        }
        if (!u.number) continue;
        const n = take();
        await c.call('PUT', `/v1/numbers/${n.id}/assignment`, { ...opts, body: { userId: user.id } });
        if (u.display) await step(`display name of ${n.e164}`, () => c.call('PUT', `/v1/numbers/${n.id}/display-name`, { ...opts, body: { line1: u.display![0], line2: u.display![1] } }));
        if (u.features) await step(`features of ${n.e164}`, () => c.call('PATCH', `/v1/numbers/${n.id}/features`, { ...opts, body: u.features }));
        if (u.handset) {
          const h = u.handset;
          const dev = await step(`handset ${h.phoneId}`, () => createHandset(c, site, h, opts));
          if (!dev) continue;
          summary.handsets++;
          summary.credentials.push([account.name, site.name, `${user.firstName} ${user.lastName}`, user.extension ?? '', n.e164, dev.credentials.domain, dev.credentials.username, dev.credentials.password]);
          const login = await step(`log ${n.e164} into ${h.phoneId}`, () => c.call('PUT', `/v1/numbers/${n.id}/handset`, { ...opts, body: { phoneId: h.phoneId } }));
          if (!login) continue;
          if (h.state === 'provisioned' && (await step(`${h.phoneId} fetching its configuration`, () => fetchConfiguration(c, h.phoneId, dev.credentials)))) continue;
          pending++;
        }
      }
      for (const [line1, line2] of spec.labelled ?? []) {
        const n = take();
        await step(`display name of ${n.e164}`, () => c.call('PUT', `/v1/numbers/${n.id}/display-name`, { ...opts, body: { line1, line2 } }));
      }
      for (const p of spec.portals ?? []) {
        const n = take();
        const body = { numberId: n.id, name: p.name, extension: p.extension, scope: p.scope, ...(p.scope === 'site' ? { siteId: site.id } : {}) };
        if (await step(`Office Anywhere portal ${p.name}`, () => c.call('POST', '/v1/office-anywhere/portals', { ...opts, body }))) summary.portals++;
      }
      for (const h of spec.spareHandsets ?? []) {
        const dev = await step(`handset ${h.phoneId}`, () => createHandset(c, site, { ...h, state: 'pending' }, opts));
        if (!dev) continue;
        summary.handsets++;
        summary.credentials.push([account.name, site.name, '', '', '', dev.credentials.domain, dev.credentials.username, dev.credentials.password]);
      }
      summary.numbers.pending += pending;
      summary.numbers.active += toActivate.length - pending;
    }
  }
  // Spec §8: the German and the British company are partners (`federated` preset: directory, presence
  // and profile images, full numbers only); each account consents with the exact text the API gives.
  const [de, uk] = summary.accounts;
  if (de && uk) {
    const f = await step('federation of the partner companies', () => c.call<{ id: string }>('POST', '/v1/federations', {
      account: de.id, body: { name: 'Brandt & Vogel – Hartley & Finch partnership', preset: 'federated', memberSipDomains: [DEMO_ACCOUNTS[1]!.domain] },
    }));
    for (const acct of f ? [de, uk] : []) {
      await step(`consent of ${acct.name}`, async () => {
        const { text } = await c.call<{ text: string }>('GET', `/v1/federations/${f!.id}/consent-text`, { account: acct.id });
        return c.call('POST', `/v1/federations/${f!.id}/consent`, { account: acct.id, body: { text } });
      });
    }
    if (f) summary.federations++;
  }
  // Spec §10: one carrier trunk for calls to and from the public network (operator-wide, no account).
  if (await step(`carrier trunk ${DEMO_TRUNK.name}`, () => c.call('POST', '/v1/trunks', { body: { ...DEMO_TRUNK, inboundAddresses: [...DEMO_TRUNK.inboundAddresses] } }))) summary.trunks++;
  return summary;
}

interface CreatedDevice {
  device: { id: string; phoneId: string };
  credentials: { domain: string; username: string; password: string };
}

async function createHandset(c: LocalClient, site: ApiSite, h: DemoHandset, opts: { account: string }): Promise<CreatedDevice> {
  return c.call<CreatedDevice>('POST', '/v1/devices', { ...opts, body: { siteId: site.id, phoneId: h.phoneId, model: h.model, name: `${h.model} (${site.name})` } });
}

/**
 * Plays the phone: fetches its configuration the way a handset does (GET /v1/provisioning/:phoneId,
 * answering the server's HTTP Digest challenge with its SIP credentials, RFC 7616), which completes a
 * pending handset login (spec §6: pending → active).
 */
async function fetchConfiguration(c: LocalClient, phoneId: string, creds: CreatedDevice['credentials']): Promise<boolean> {
  const url = `/v1/provisioning/${encodeURIComponent(phoneId)}`;
  const first = await c.app.inject({ method: 'GET', url });
  const header = first.headers['www-authenticate'];
  const challenges = (Array.isArray(header) ? header : [header]).map((h) => parseDigestChallenge(h === undefined ? undefined : String(h)));
  const challenge = challenges.find((ch) => ch?.algorithm.toUpperCase() === 'SHA-256') ?? challenges.find((ch) => ch !== null) ?? null;
  if (first.statusCode !== 401 || !challenge) {
    throw new ApiError('GET', url, first.statusCode, { status: first.statusCode, code: 'unexpected', detail: 'The provisioning server sent no Digest challenge' });
  }
  const authorization = buildDigestAuthorization(challenge, { method: 'GET', uri: url, username: creds.username, password: creds.password });
  const second = await c.app.inject({ method: 'GET', url, headers: { authorization } });
  if (second.statusCode !== 200) {
    const p = JSON.parse(second.body || '{}') as { code?: string; detail?: string };
    throw new ApiError('GET', url, second.statusCode, { status: second.statusCode, code: p.code ?? 'unexpected', detail: p.detail ?? 'The handset could not fetch its configuration' });
  }
  return true;
}

/** The credentials file: the exact header, then one row per demo handset. */
export function credentialsCsv(rows: string[][]): string {
  return [csvLine(CREDENTIALS_HEADER), ...rows.map(csvLine)].join('\n') + '\n';
}

/** The one-line summary `tandem serve` prints on first start. */
export function summaryLine(s: DemoSummary): string {
  const n = s.numbers;
  const admin = s.accounts[0]?.admins[0];
  return `${s.accounts.length} accounts (${s.accounts.map((a) => a.name).join(', ')}), ${s.sites} sites, ${s.users} users, `
    + `${n.main + n.reserved + n.active + n.pending} numbers (${n.main} main, ${n.active} active, ${n.pending} pending, ${n.reserved} reserved), `
    + `${s.handsets} handsets, ${s.portals} Office Anywhere portals, ${s.federations} federation, ${s.trunks} carrier trunk; sign in as ${admin ?? 'an account admin'} with the demo password "${DEMO_PASSWORD}"`
    + (s.skipped.length ? ` (${s.skipped.length} steps skipped)` : '');
}

/**
 * Loads the demo data set into already-open services (used by `tandem serve` on first start and by
 * `tandem demo`). Writes the handsets' SIP credentials to `credentialsFile` when given.
 * @returns a one-line summary
 * @throws DemoAlreadyLoaded when a demo account exists already
 */
export async function loadDemo(services: Services, opts: { credentialsFile?: string }): Promise<string> {
  const c = await clientFor(services);
  try {
    const s = await loadDemoWith(c);
    if (opts.credentialsFile) fs.writeFileSync(opts.credentialsFile, credentialsCsv(s.credentials), { mode: 0o600 });
    return summaryLine(s);
  } finally {
    await c.close();
  }
}
