/**
 * Tandem as the server under test of the SIP benchmark (bench/sip/run.ts starts it): a fresh embedded
 * database with one account whose number {@link BENCH_DID} forwards every call to a public number,
 * one carrier trunk at 127.0.0.1:5070 (the harness's SIPp answerer) that also trusts 127.0.0.1 (the
 * harness's SIPp caller), and {@link BENCH_DEVICES} devices whose credentials are written to the SIPp
 * injection file named on the command line (for REGISTER/s with digest auth). Then the SIP service on
 * UDP 127.0.0.1:5060. So each benchmark call is: INVITE from the "carrier" to the DID → routing
 * engine (inbound plan, forward always, permission check) → a new B leg through the trunk → answer →
 * ACK → BYE relayed, and a call record.
 *
 *   node --import tsx bench/sip/tandem.ts <users.csv>
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import client from 'prom-client';
import { LocalBus } from '../../src/bus/index.ts';
import { loadConfig } from '../../src/config/index.ts';
import { clientFor } from '../../src/cli/local-client.ts';
import { SipService } from '../../src/sip/service.ts';
import { migrate, PgliteDatabase } from '../../src/store/db.ts';
import type { Services } from '../../src/services/context.ts';

/** The DID the benchmark calls (the harness's `SERVICE`, without "+"). */
export const BENCH_DID = '+493055501000';
/** Where it forwards: a public number, reached through the trunk. */
export const FORWARD_TO = '+493055509999';
const BENCH_DEVICES = Number(process.env.BENCH_SIP_TANDEM_DEVICES ?? 2000);

/** What {@link provision} made: the services, the API client, and each device's SIPp injection line. */
export interface BenchSetup {
  services: Services;
  api: Awaited<ReturnType<typeof clientFor>>;
  domain: string;
  /** `user;password;domain` per device. */
  users: string[];
}

/** A fresh embedded database with the benchmark's account, DID, trunk and `devices` devices. */
export async function provision(devices: number): Promise<BenchSetup> {
  const db = await PgliteDatabase.open(mkdtempSync(path.join(os.tmpdir(), 'tandem-bench-db-')));
  await migrate(db);
  const config = loadConfig({}, { databaseUrl: null, operatorPassword: 'bench operator password', logLevel: 'silent', sipDigestAlgorithms: ['MD5'] });
  const services: Services = { db, bus: new LocalBus(), config };
  const api = await clientFor(services);
  const domain = 'bench.tandem.test';
  const created = await api.call<{ account: { id: string }; site: { id: string } }>('POST', '/v1/accounts', {
    body: {
      name: 'Bench GmbH', country: 'DE', sipDomain: domain,
      firstSite: { name: 'Bench site', timeZone: 'Europe/Berlin', mainNumber: '+493055500000' },
      admin: { firstName: 'Bench', lastName: 'Admin', email: 'admin@bench.tandem.test', password: 'bench admin password', extension: '100' },
    },
  });
  const account = created.account.id;
  const siteId = created.site.id;
  const nums = await api.call<{ items: { id: string }[] }>('POST', `/v1/accounts/${account}/numbers`, { body: { siteId, numbers: [BENCH_DID] } });
  const did = nums.items[0]!.id;
  await api.call('POST', `/v1/numbers/${did}/activate`, { account });
  await api.call('PATCH', `/v1/numbers/${did}/features`, { account, body: { forwardAlways: FORWARD_TO } });
  await api.call('POST', '/v1/trunks', { body: { name: 'Bench answerer', host: '127.0.0.1', port: 5070, transport: 'UDP', priority: 10, inboundAddresses: ['127.0.0.1'] } });
  const users: string[] = [];
  for (let i = 0; i < devices; i++) {
    const d = await api.call<{ credentials: { username: string; password: string; domain: string } }>('POST', '/v1/devices', {
      account, body: { siteId, phoneId: `BE${String(i).padStart(10, '0')}`, name: `Bench ${i}` },
    });
    users.push(`${d.credentials.username};${d.credentials.password};${d.credentials.domain}`);
  }
  return { services, api, domain, users };
}

async function main(): Promise<void> {
  const usersFile = process.argv[2];
  if (!usersFile) throw new Error('usage: bench/sip/tandem.ts <users.csv>');
  const { services, api, users } = await provision(BENCH_DEVICES);
  writeFileSync(usersFile, ['SEQUENTIAL', ...users].join('\n') + '\n');
  const sip = new SipService(services, {
    transports: { udp: { host: '127.0.0.1', port: 5060 } },
    registry: new client.Registry(), log: pino({ level: 'warn' }), keepAliveSeconds: 0,
  });
  await sip.start();
  process.stderr.write(`Tandem bench server: DID ${BENCH_DID} → ${FORWARD_TO} via 127.0.0.1:5070; ${BENCH_DEVICES} devices in ${usersFile}\n`);
  const stop = async () => {
    await sip.stop();
    await api.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
