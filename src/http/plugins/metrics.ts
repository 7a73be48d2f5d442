/** Prometheus metrics at /metrics: process defaults plus request counts and latency per route. */
import type { FastifyInstance } from 'fastify';
import client from 'prom-client';

export function registerMetrics(app: FastifyInstance, registry: client.Registry = new client.Registry()): client.Registry {
  client.collectDefaultMetrics({ register: registry, prefix: 'tandem_' });
  const duration = new client.Histogram({
    name: 'tandem_http_request_duration_seconds',
    help: 'HTTP request latency by route, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', async (req, reply) => {
    duration.observe({ method: req.method, route: req.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  return registry;
}
