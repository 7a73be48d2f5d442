/**
 * The Fastify application: plugins (errors, auth, idempotency, metrics), OpenAPI 3.1 from the route
 * schemas at /openapi.json with the docs page at /docs, health at /livez and /readyz, and every route
 * file under ./routes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { Type } from '@sinclair/typebox';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { Services } from '../services/context.ts';
import { newId } from '../domain/ids.ts';
import { registerErrorHandling } from './plugins/errors.ts';
import { registerAuth } from './plugins/auth.ts';
import { registerIdempotency } from './plugins/idempotency.ts';
import { registerMetrics } from './plugins/metrics.ts';
import { endEventStreams } from './event-stream.ts';
import type client from 'prom-client';
import { Problem } from './schemas/common.ts';
import './schemas/formats.ts';
import type { RouteDef } from './route.ts';

const ROUTES_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'routes');
/** The admin portal's build (scripts/build-web.mjs), served at / when present. */
export const PORTAL_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');
/** Whether the portal is built (web/dist/index.html); the server serves it at / when it is. */
export const portalBuilt = (): boolean => fs.existsSync(path.join(PORTAL_DIR, 'index.html'));

/** Every route definition, found by walking routes/<resource>/<operation>.ts. */
export async function loadRoutes(): Promise<RouteDef[]> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name)) files.push(p);
    }
  };
  walk(ROUTES_DIR);
  files.sort();
  const defs: RouteDef[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(f).href)) as { default?: RouteDef };
    if (!mod.default) throw new Error(`${path.relative(ROUTES_DIR, f)} does not export a route definition`);
    defs.push(mod.default);
  }
  return defs;
}

export interface BuildOptions {
  /** A pino logger; none logs nothing (tests). */
  logger?: FastifyBaseLogger;
  /** The Prometheus registry /metrics serves (shared with the SIP service); a new one by default. */
  metricsRegistry?: client.Registry;
}

export async function buildApp(services: Services, opts: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    ...(opts.logger ? { loggerInstance: opts.logger } : { logger: false }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : newId();
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    bodyLimit: 1024 * 1024,
  });
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('X-Request-Id', req.id);
    return payload;
  });
  const portal = portalBuilt();
  registerErrorHandling(app, portal);
  const metrics = registerMetrics(app, opts.metricsRegistry);
  app.addSchema(Problem);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tandem API',
        version: '1',
        description:
          'Multi-tenant cloud phone system. Authenticate with `Authorization: Bearer <token>` (a session from POST /v1/auth/login, or an API token). ' +
          'Operators act inside an account by sending `Tandem-Account: <account id>`. Errors are RFC 9457 problem+json with a stable `code` and the failing `field`. ' +
          'Lists page with `limit` and `cursor` (the answer gives `nextCursor`). POST accepts `Idempotency-Key`.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
  });
  // The docs page's and the portal's files are public (the API is under /v1/).
  app.addHook('onRoute', (r) => {
    if (r.url.startsWith('/docs') || (portal && !r.url.startsWith('/v1/') && !r.config?.policy)) r.config = { ...(r.config ?? {}), policy: { public: true } };
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });
  registerAuth(app, services);
  registerIdempotency(app, services);
  app.addHook('preClose', (done) => {
    endEventStreams(app);
    done();
  });

  const problemRef = Type.Ref('Problem');
  for (const def of await loadRoutes()) {
    const successStatus = def.status ?? Number(Object.keys(def.schema.response).find((k) => k.startsWith('2')) ?? 200);
    const hasIdempotency = def.method === 'POST' && !('public' in def.policy);
    app.route({
      method: def.method,
      url: def.url,
      config: { policy: def.policy },
      schema: {
        ...def.schema,
        ...('public' in def.policy ? { security: [] } : {}),
        ...(hasIdempotency
          ? { headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ description: 'replays of the same request return the first answer' })), 'tandem-account': Type.Optional(Type.String()) }) }
          : !('public' in def.policy) ? { headers: Type.Object({ 'tandem-account': Type.Optional(Type.String({ description: 'operators: the account to act in' })) }) } : {}),
        response: { ...def.schema.response, '4xx': problemRef, '5xx': problemRef },
      },
      handler: async (req, reply) => {
        const ctx = { ...services, actor: req.actor ?? { type: 'system' as const, id: null, role: 'user' as const, accountId: null, siteIds: [] }, requestId: req.id };
        const out = await def.handler({ params: req.params as never, query: req.query as never, body: req.body as never, headers: req.headers, ctx, reply });
        if (reply.sent) return reply;
        reply.code(successStatus);
        return successStatus === 204 ? reply.send() : out;
      },
    });
  }

  const health = { config: { policy: { public: true as const } }, schema: { hide: true } };
  app.get('/livez', health, async () => ({ status: 'ok' }));
  app.get('/readyz', health, async (_req, reply) => {
    try {
      await services.db.ping();
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'database unreachable' });
    }
  });
  app.get('/metrics', health, async (_req, reply) => reply.type(metrics.contentType).send(await metrics.metrics()));
  app.get('/openapi.json', health, async () => app.swagger());
  if (portal) {
    // The portal's files at /; other page paths answer its index.html (see registerErrorHandling).
    await app.register(fastifyStatic, { root: PORTAL_DIR, prefix: '/', wildcard: false, index: ['index.html'] });
  } else {
    app.get('/', health, async (_req, reply) => reply.redirect('/docs'));
  }
  return app;
}
