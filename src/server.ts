/** Starting Tandem: configuration, database (migrated), first-start operator, HTTP server, SIP service. */
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { LocalBus } from './bus/index.ts';
import type { Config } from './config/index.ts';
import { directoryFor } from './directory/index.ts';
import { routingFor } from './routing/live.ts';
import { buildApp } from './http/app.ts';
import { ensureOperator } from './services/auth.ts';
import { rollbackStaleHandsetLogins } from './services/handsets.ts';
import type { Services } from './services/context.ts';
import { openDatabase } from './store/db.ts';
import { SipService, transportsFromConfig } from './sip/service.ts';
import client from 'prom-client';

export interface Running {
  services: Services;
  app: FastifyInstance;
  operator: { email: string; generatedPassword: string | null; created: boolean };
  /** Milliseconds the routing snapshot took to build at start. */
  routingBuildMs: number;
  /** The SIP service, when enabled. */
  sip: SipService | null;
  stop(): Promise<void>;
}

/** Opens the database and the services, without listening. */
export async function openServices(config: Config): Promise<Services> {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  return { db, bus: new LocalBus(), config };
}

export async function start(config: Config): Promise<Running> {
  const services = await openServices(config);
  const operator = await ensureOperator(services);
  const logger = pino({ level: config.logLevel, redact: ['req.headers.authorization', 'req.headers["proxy-authorization"]', 'req.headers.cookie'] });
  const registry = new client.Registry();
  const app = await buildApp(services, { logger, metricsRegistry: registry });
  await app.listen({ port: config.httpPort, host: config.httpHost });
  // Build the directory index and the routing snapshot now rather than on first use.
  await directoryFor(services).warm();
  const routing = routingFor(services);
  await routing.warm();
  app.log.info({ ms: Math.round(routing.buildMs) }, 'routing snapshot built');
  // Handset logins whose phone never fetched its configuration are rolled back (spec §6 pending).
  const sweeper = setInterval(() => {
    rollbackStaleHandsetLogins(services).catch((err: unknown) => app.log.error({ err }, 'handset login sweeper failed'));
  }, Math.min(60, config.provisionTimeoutSeconds) * 1000);
  sweeper.unref();
  // The SIP service beside the API (spec §10).
  let sip: SipService | null = null;
  if (config.sipEnabled) {
    sip = new SipService(services, { transports: transportsFromConfig(config), registry, log: logger.child({ component: 'sip' }) });
    try {
      await sip.start();
    } catch (err) {
      await app.close();
      await services.db.close();
      throw err;
    }
  }
  return {
    services,
    app,
    operator,
    routingBuildMs: routing.buildMs,
    sip,
    async stop() {
      clearInterval(sweeper);
      await sip?.stop();
      await app.close();
      await services.db.close();
    },
  };
}
