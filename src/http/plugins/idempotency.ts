/**
 * `Idempotency-Key` on POST: the first request's answer is stored (per account + identity + key);
 * a replay with the same body gets the same status and body back, a different body with the same key
 * is refused, and a key still being processed answers 409. A 5xx answer releases the key.
 */
import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { redact } from '../../domain/secrets.ts';
import type { Services } from '../../services/context.ts';
import { sendProblem } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { scope: string; key: string } | null;
  }
}

const KEY_RE = /^[\x21-\x7e]{1,255}$/;

/**
 * What is kept for replays: the answer with secrets shown once (SIP passwords, API tokens) redacted,
 * so a stored answer never holds a secret and a replay never shows it a second time.
 */
function storedResponse(payload: unknown): string | null {
  if (typeof payload !== 'string' || payload.length === 0) return null;
  try {
    return JSON.stringify(redact(JSON.parse(payload)));
  } catch {
    return null;
  }
}

export function registerIdempotency(app: FastifyInstance, s: Services): void {
  app.decorateRequest('idempotency', null);
  app.addHook('preHandler', async (req, reply) => {
    const key = req.headers['idempotency-key'];
    if (req.method !== 'POST' || key === undefined || !req.actor) return;
    if (typeof key !== 'string' || !KEY_RE.test(key)) return sendProblem(req, reply, 'validation_failed', 'Idempotency-Key must be 1–255 visible ASCII characters', 'Idempotency-Key');
    const scope = `${req.actor.accountId ?? 'platform'}:${req.actor.id ?? 'system'}`;
    const hash = crypto.createHash('sha256').update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`).digest('hex');
    const claimed = await s.db.identity(async (sql) => {
      const ins = await sql.query(
        `INSERT INTO idempotency_keys (scope, key, account_id, request_hash, status_code) VALUES ($1, $2, $3, $4, 0) ON CONFLICT DO NOTHING RETURNING key`,
        [scope, key, req.actor!.accountId, hash]);
      if (ins.length > 0) return null;
      return (await sql.query<{ request_hash: string; status_code: number; response: unknown }>(
        `SELECT request_hash, status_code, response FROM idempotency_keys WHERE scope = $1 AND key = $2`, [scope, key]))[0] ?? null;
    });
    if (claimed === null) {
      req.idempotency = { scope, key };
      return;
    }
    if (claimed.request_hash !== hash) return sendProblem(req, reply, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request; use a new key', 'Idempotency-Key');
    if (claimed.status_code === 0) return sendProblem(req, reply, 'idempotency_in_progress', 'The first request with this Idempotency-Key has not finished yet', 'Idempotency-Key');
    reply.header('Idempotent-Replayed', 'true');
    const isProblem = claimed.status_code >= 400;
    return reply.code(claimed.status_code).type(isProblem ? 'application/problem+json' : 'application/json').serializer((p: unknown) => JSON.stringify(p)).send(claimed.response);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    const idem = req.idempotency;
    if (!idem) return payload;
    req.idempotency = null;
    await s.db.identity((sql) =>
      reply.statusCode >= 500
        ? sql.query(`DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2`, [idem.scope, idem.key])
        : sql.query(`UPDATE idempotency_keys SET status_code = $3, response = $4 WHERE scope = $1 AND key = $2`,
            [idem.scope, idem.key, reply.statusCode, storedResponse(payload)]),
    );
    return payload;
  });
}
