/**
 * Tandem's SIP service for integration tests: the medium-test harness (real database, API through
 * app.inject) plus a SipService listening on 127.0.0.1 ephemeral ports, and helpers that create
 * phones (user + number + device + handset login) through the API, returning the SIP credentials
 * the API showed once.
 */
import pino from 'pino';
import client from 'prom-client';
import { loadConfig, type Config } from '../../../src/config/index.ts';
import { AuthGuard, type GuardOptions } from '../../../src/sip/auth/guard.ts';
import { SipService, transportsFromConfig } from '../../../src/sip/service.ts';
import type { TransportLayerOptions } from '../../../src/sip/transport/layer.ts';
import { activeNumbers, harness, makeUser, uniq, type Harness, type TenantFixture } from '../../support/harness.ts';

export interface SipTestServer {
  h: Harness;
  sip: SipService;
  registry: client.Registry;
  host: string;
  udpPort: number;
  tcpPort: number;
  /** Ports of the other transports, when configured (`env`). */
  tlsPort: number | null;
  wsPort: number | null;
  wssPort: number | null;
  close(): Promise<void>;
}

export interface SipServerOptions {
  guard?: Partial<GuardOptions>;
  algorithms?: ('MD5' | 'SHA-256')[];
  /** Seconds between the server's NAT keep-alives to UDP contacts; default 0 (none). */
  keepAliveSeconds?: number;
  /**
   * TANDEM_SIP_* variables: the transports are then configured the way `tandem serve` does it
   * (config/index.ts reads them, service.ts `transportsFromConfig` turns them into listeners), e.g.
   * TLS and WSS from TANDEM_SIP_TLS_CERT/KEY. Without it: UDP and TCP on 127.0.0.1 free ports.
   */
  env?: Record<string, string>;
}

/** The SIP settings `tandem serve` would read from `env` (every other setting stays the harness's). */
function sipConfigFrom(env: Record<string, string>): Partial<Config> {
  const c = loadConfig(env);
  return {
    sipHost: c.sipHost, sipPort: c.sipPort, sipAdvertisedHost: c.sipAdvertisedHost, sipWsPort: c.sipWsPort, sipTlsPort: c.sipTlsPort,
    sipWssPort: c.sipWssPort, sipTlsCert: c.sipTlsCert, sipTlsKey: c.sipTlsKey,
  };
}

/**
 * SIPp answers only MD5 challenges and reads only the first one, so the test server offers MD5 first
 * (the SHA-256 path is tested in src/sip/auth/authenticator.test.ts).
 */
export async function startSipServer(opts: SipServerOptions = {}): Promise<SipTestServer> {
  const h = await harness({ sipDigestAlgorithms: opts.algorithms ?? ['MD5', 'SHA-256'], ...(opts.env ? sipConfigFrom(opts.env) : {}) });
  const registry = new client.Registry();
  const log = pino({ level: process.env.TANDEM_SIP_TEST_LOG ?? 'silent' });
  const transports: TransportLayerOptions = opts.env ? transportsFromConfig(h.services.config) : { udp: { host: '127.0.0.1', port: 0 }, tcp: { host: '127.0.0.1', port: 0 } };
  const sip = new SipService(h.services, {
    transports, registry, log, keepAliveSeconds: opts.keepAliveSeconds ?? 0, ...(opts.guard ? { guard: new AuthGuard(opts.guard) } : {}),
  });
  try {
    await sip.start();
  } catch (e) {
    await h.close();
    throw e;
  }
  const l = sip.listening();
  return {
    h, sip, registry, host: '127.0.0.1', udpPort: l.UDP!.port, tcpPort: l.TCP!.port,
    tlsPort: l.TLS?.port ?? null, wsPort: l.WS?.port ?? null, wssPort: l.WSS?.port ?? null,
    async close() {
      await sip.stop();
      await h.close();
    },
  };
}

export interface Phone {
  accountId: string;
  userId: string;
  extension: string;
  e164: string;
  numberId: string;
  deviceId: string;
  phoneId: string;
  username: string;
  password: string;
  domain: string;
}

const phoneId = (): string => `0004F2${String(100000 + uniq()).slice(-6)}`;

/**
 * A user with an extension and a number, logged in to a new handset whose credentials are returned.
 * `features` are set on the number before the handset login (the login leaves the number `pending`
 * until the phone fetches its configuration, and only active numbers can be changed).
 */
export async function makePhone(h: Harness, t: TenantFixture, over: { extension?: string; firstName?: string; lastName?: string; features?: Record<string, unknown> } = {}): Promise<Phone> {
  const user = await makeUser(h, t, { ...(over.extension ? { extension: over.extension } : {}), ...(over.firstName ? { firstName: over.firstName } : {}), ...(over.lastName ? { lastName: over.lastName } : {}) });
  const [n] = await activeNumbers(h, t, 1);
  const assign = await h.call('PUT', `/v1/numbers/${n!.id}/assignment`, { token: t.adminToken, body: { userId: user.id } });
  if (assign.status !== 200) throw new Error(`assign failed: ${assign.text}`);
  if (over.features) await setFeatures(h, t, n!.id, over.features);
  const pid = phoneId();
  const dev = await h.call('POST', '/v1/devices', { token: t.adminToken, body: { siteId: t.siteId, phoneId: pid, name: `Desk of ${user.extension}` } });
  if (dev.status !== 201) throw new Error(`device failed: ${dev.text}`);
  const login = await h.call('PUT', `/v1/numbers/${n!.id}/handset`, { token: t.adminToken, body: { phoneId: pid } });
  if (login.status !== 200) throw new Error(`handset login failed: ${login.text}`);
  const c = dev.body.credentials as { domain: string; username: string; password: string };
  return {
    accountId: t.accountId, userId: user.id, extension: user.extension!, e164: n!.e164, numberId: n!.id,
    deviceId: dev.body.device.id as string, phoneId: pid, username: c.username, password: c.password, domain: c.domain,
  };
}

/** Sets number features through the API (spec §4). */
export async function setFeatures(h: Harness, t: TenantFixture, numberId: string, features: Record<string, unknown>): Promise<void> {
  const r = await h.call('PATCH', `/v1/numbers/${numberId}/features`, { token: t.adminToken, body: features });
  if (r.status !== 200) throw new Error(`features failed: ${r.text}`);
}
