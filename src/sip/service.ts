/**
 * The SIP service (spec §10, issue 5): transports → transactions → this transaction user, which
 * checks each new request (RFC 3261 §8.2) and hands it to the registrar, the B2BUA or answers it
 * itself (OPTIONS, §11.2). Started by `tandem serve` beside the API.
 *
 * Edge rules: packets from a banned address are dropped; INVITE, MESSAGE, SUBSCRIBE, REFER and
 * PUBLISH from anything but a trusted trunk are authenticated (issue 5 "Edge security"); methods
 * Tandem does not carry yet answer 501 (after authentication, so they reveal nothing).
 */
import type { Logger } from 'pino';
import type client from 'prom-client';
import type { Config } from '../config/index.ts';
import { routingFor } from '../routing/live.ts';
import type { Services } from '../services/context.ts';
import { digestNonceSecret } from '../services/devices.ts';
import { loadTrunksForSip } from '../services/trunks.ts';
import { SipAuthenticator } from './auth/authenticator.ts';
import { AuthGuard } from './auth/guard.ts';
import { B2bua } from './b2bua/b2bua.ts';
import { CallRecorder } from './b2bua/records.ts';
import { TrunkSet } from './b2bua/trunks.ts';
import type { Endpoint, SipRequest } from './message/types.ts';
import { requestValidation } from './message/validate.ts';
import { SipMetrics } from './metrics.ts';
import { SipDirectory } from './registrar/directory.ts';
import { LocationService } from './registrar/location.ts';
import { Registrar } from './registrar/registrar.ts';
import { systemClock, type Clock } from './transaction/clock.ts';
import { TransactionLayer } from './transaction/layer.ts';
import type { ServerTransaction } from './transaction/server.ts';
import type { TransactionUser } from './transaction/types.ts';
import { TransportLayer, type TransportLayerOptions } from './transport/layer.ts';

/** What Tandem answers in Allow (RFC 3261 §20.5). */
export const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, UPDATE, INFO';
/** Methods that must authenticate unless they come from a trusted trunk (issue 5). */
const AUTHENTICATED = new Set(['INVITE', 'MESSAGE', 'SUBSCRIBE', 'REFER', 'PUBLISH']);
const SERVER = 'Tandem';
/** What the checks of RFC 3261 §8.2 accept: no option tags required of us; these bodies. */
const VALIDATION = { supported: [], acceptedTypes: ['application/sdp', 'multipart/mixed', 'application/dtmf-relay', 'text/plain'] } as const;
/** Methods counted under their own name in tandem_sip_requests_total; the rest as "other". */
const COUNTED_METHODS = new Set([...AUTHENTICATED, 'REGISTER', 'OPTIONS', 'BYE', 'CANCEL', 'UPDATE', 'INFO']);

export interface SipServiceOptions {
  transports: TransportLayerOptions;
  registry: client.Registry;
  log: Logger;
  clock?: Clock;
  /** Seconds between NAT keep-alives to UDP contacts (0 = none). */
  keepAliveSeconds?: number;
  guard?: AuthGuard;
  registrar?: { minExpires?: number; maxExpires?: number; defaultExpires?: number };
}

export class SipService implements TransactionUser {
  readonly transport: TransportLayer;
  readonly tl: TransactionLayer;
  readonly directory: SipDirectory;
  readonly location: LocationService;
  readonly guard: AuthGuard;
  readonly records: CallRecorder;
  private registrar!: Registrar;
  private auth!: SipAuthenticator;
  private b2bua!: B2bua;
  private metrics!: SipMetrics;
  private trunkSet = new TrunkSet([]);
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: (() => void) | null = null;
  private readonly log: Logger;

  constructor(private readonly services: Services, private readonly opts: SipServiceOptions) {
    this.log = opts.log;
    this.guard = opts.guard ?? new AuthGuard();
    this.transport = new TransportLayer({ ...opts.transports, logger: opts.log, accept: (address: string) => !this.guard.isBanned(address) });
    this.tl = new TransactionLayer({ transport: this.transport, tu: this, clock: opts.clock ?? systemClock, logger: opts.log });
    this.directory = new SipDirectory(services.db);
    this.location = new LocationService(services.db);
    this.records = new CallRecorder(services, opts.log);
  }

  async start(): Promise<void> {
    const s = this.services;
    const routing = routingFor(s);
    await routing.warm();
    await this.directory.start(s.bus);
    const restored = await this.location.load();
    this.trunkSet = new TrunkSet(await loadTrunksForSip(s.db));
    this.unsubscribe = s.bus.subscribe(async (e) => {
      if (e.type.startsWith('trunk.')) this.trunkSet = new TrunkSet(await loadTrunksForSip(s.db));
    });
    this.auth = new SipAuthenticator(this.directory, await digestNonceSecret(s), this.guard, s.config.sipDigestAlgorithms);
    this.registrar = new Registrar(this.auth, this.location, this.opts.registrar);
    this.metrics = new SipMetrics(this.opts.registry, {
      registrations: () => this.location.count(),
      activeCalls: () => this.b2bua.activeCalls,
      transactions: () => this.tl.size.clients + this.tl.size.servers,
    });
    this.b2bua = new B2bua({
      tl: this.tl,
      sentBy: (p) => this.transport.sentBy(p),
      snapshot: () => routing.current(),
      directory: this.directory,
      location: this.location,
      auth: this.auth,
      trunks: () => this.trunkSet,
      records: this.records,
      clock: this.opts.clock ?? systemClock,
      log: this.log,
      metrics: this.metrics,
    });
    await this.transport.start();
    this.log.info({ restored, listening: this.listening() }, 'SIP service started');
    const every = (seconds: number, fn: () => unknown) => {
      const t = setInterval(() => void Promise.resolve(fn()).catch((err: unknown) => this.log.error({ err }, 'SIP housekeeping failed')), seconds * 1000);
      t.unref();
      this.timers.push(t);
    };
    every(60, () => this.location.sweep());
    every(60, () => this.guard.sweep());
    const ka = this.opts.keepAliveSeconds ?? 25;
    if (ka > 0) every(ka, () => this.keepAlive());
  }

  /** Bound addresses per transport. */
  listening(): Partial<Record<Endpoint['transport'], { address: string; port: number }>> {
    const out: Partial<Record<Endpoint['transport'], { address: string; port: number }>> = {};
    for (const p of ['UDP', 'TCP', 'TLS', 'WS', 'WSS'] as const) {
      const a = this.transport.address(p);
      if (a) out[p] = a;
    }
    return out;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.unsubscribe?.();
    this.directory.stop();
    this.b2bua?.shutdown();
    await this.records.flush();
    this.tl.stop();
    await this.transport.stop();
  }

  // ------------------------------------------------------------------------------------------------
  // TransactionUser

  onRequest(tx: ServerTransaction): void {
    const req = tx.request;
    this.metrics.requests.inc({ method: COUNTED_METHODS.has(req.method) ? req.method : 'other' });
    const bad = requestValidation(req, VALIDATION);
    if (bad) {
      tx.reply(bad.status, bad.reason, { headers: bad.headers });
      return;
    }
    const inDialog = req.to.params.has('tag');
    switch (req.method) {
      case 'REGISTER':
        void this.register(tx);
        return;
      case 'OPTIONS':
        if (!inDialog) {
          // RFC 3261 §11.2: what we support, for keep-alive pings and monitoring.
          tx.reply(200, 'OK', { headers: [['Allow', ALLOW], ['Accept', 'application/sdp'], ['Supported', ''], ['Server', SERVER]] });
          return;
        }
        break;
      case 'CANCEL':
        this.b2bua.cancel(tx);
        return;
      case 'INVITE':
        if (!inDialog) {
          this.b2bua.invite(tx as Parameters<B2bua['invite']>[0], this.trunkSet.trusted(tx.source.address));
          return;
        }
        break;
    }
    if (inDialog) {
      this.b2bua.inDialog(tx);
      return;
    }
    if (AUTHENTICATED.has(req.method) && !this.trunkSet.trusted(tx.source.address) && !this.authenticated(tx)) return;
    tx.reply(['BYE', 'UPDATE', 'INFO', 'PRACK'].includes(req.method) ? 481 : 501, undefined, { headers: [['Allow', ALLOW]] });
  }

  onAck(ack: SipRequest): void {
    this.b2bua.ack(ack);
  }

  onServerTimeout(tx: ServerTransaction): void {
    this.b2bua.serverTimeout(tx);
  }

  /** Authenticates a request outside the registrar and the B2BUA; false when it was answered (or dropped). */
  private authenticated(tx: ServerTransaction): boolean {
    const a = this.auth.authenticate(tx.request, tx.source.address);
    if (a.ok) return true;
    if (a.drop) tx.terminate();
    else tx.reply(a.status, a.reason, { headers: a.headers });
    return false;
  }

  private async register(tx: ServerTransaction): Promise<void> {
    try {
      const r = await this.registrar.register(tx.request, tx.source);
      if (r.drop) {
        tx.terminate();
        return;
      }
      if (r.status >= 300) this.metrics.registerFailures.inc({ status: String(r.status) });
      tx.reply(r.status, r.reason, { headers: r.headers });
    } catch (err) {
      this.log.error({ err, callId: tx.request.callId }, 'REGISTER failed');
      tx.reply(500, 'Server Internal Error', { headers: [['Retry-After', '5']] });
    }
  }

  /** RFC 5626 §4.4.1-style NAT keep-alive towards UDP contacts: a CRLFCRLF keeps the pinhole open. */
  private async keepAlive(): Promise<void> {
    const ping = Buffer.from('\r\n\r\n');
    const seen = new Set<string>();
    for (const b of this.location.all()) {
      if (b.source.transport !== 'UDP') continue;
      const k = `${b.source.address}:${b.source.port}`;
      if (seen.has(k)) continue;
      seen.add(k);
      await this.transport.send(ping, b.source).catch(() => undefined);
    }
  }
}

/** The transports of `tandem serve` from the configuration. */
export function transportsFromConfig(config: Config): TransportLayerOptions {
  const l = (port: number) => ({ host: config.sipHost, port, ...(config.sipAdvertisedHost ? { advertisedHost: config.sipAdvertisedHost } : {}) });
  const out: TransportLayerOptions = { udp: l(config.sipPort), tcp: l(config.sipPort) };
  if (config.sipWsPort !== null) out.ws = l(config.sipWsPort);
  if (config.sipTlsCert && config.sipTlsKey) {
    const creds = { cert: config.sipTlsCert, key: config.sipTlsKey };
    if (config.sipTlsPort !== null) out.tls = { ...l(config.sipTlsPort), ...creds };
    if (config.sipWssPort !== null) out.wss = { ...l(config.sipWssPort), ...creds };
  }
  return out;
}
