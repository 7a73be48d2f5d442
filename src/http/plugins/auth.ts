/**
 * Authentication and the route policy: every request resolves to exactly one identity in at most one
 * account before any handler runs. A route without a policy is refused (deny by default).
 * An operator acts inside an account by naming it in the `Tandem-Account` header.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isUuid } from '../../domain/ids.ts';
import { resolveToken } from '../../services/auth.ts';
import type { Actor, Services } from '../../services/context.ts';
import type { Policy } from '../route.ts';
import { sendProblem } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: (Actor & { tokenId: string }) | null;
  }
  interface FastifyContextConfig {
    policy?: Policy;
  }
}

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m ? m[1]! : null;
}

export function registerAuth(app: FastifyInstance, services: Services): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (req, reply) => {
    const policy = req.routeOptions.config?.policy;
    if (!req.routeOptions.url) return; // no route matched: the not-found handler answers
    if (!policy) return sendProblem(req, reply, 'forbidden', 'This route has no access policy');
    if ('public' in policy) return;
    const token = bearer(req);
    const actor = token ? await resolveToken(services, token) : null;
    if (!actor) {
      reply.header('WWW-Authenticate', 'Bearer');
      return sendProblem(req, reply, 'unauthenticated', token ? 'The token is unknown or has expired' : 'Send a token in the Authorization header: Bearer <token>', 'Authorization');
    }
    const account = req.headers['tandem-account'];
    if (account !== undefined) {
      if (actor.role !== 'operator') return sendProblem(req, reply, 'forbidden', 'Only operators may name an account with Tandem-Account', 'Tandem-Account');
      if (typeof account !== 'string' || !isUuid(account)) return sendProblem(req, reply, 'validation_failed', 'Tandem-Account must be an account id', 'Tandem-Account');
      const exists = await services.db.operator((sql) => sql.query('SELECT 1 FROM accounts WHERE id = $1', [account]));
      if (exists.length === 0) return sendProblem(req, reply, 'not_found', 'Account was not found', 'Tandem-Account');
      actor.accountId = account;
    }
    if (!policy.roles.includes(actor.role)) return sendProblem(req, reply, 'forbidden', 'This identity may not do that');
    req.actor = actor;
  });
}
