/**
 * RFC 9457 problem+json for every refusal: a stable `code`, the failing `field`, and a sentence.
 * `instance` names the request, never the requested path (which could echo a foreign id).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERRORS, type ErrorCode } from '../../domain/errors.ts';

export function problem(req: FastifyRequest, code: ErrorCode, detail: string, field: string | null = null, extra: Record<string, unknown> = {}) {
  const e = ERRORS[code];
  return {
    ...extra, // first, so it can never replace a problem field
    type: `https://tandem.dev/problems/${code.replace(/_/g, '-')}`,
    title: e.title,
    status: e.status,
    detail,
    code,
    ...(field ? { field } : {}),
    instance: `urn:tandem:request:${req.id}`,
  };
}

export function sendProblem(req: FastifyRequest, reply: FastifyReply, code: ErrorCode, detail: string, field: string | null = null, extra: Record<string, unknown> = {}) {
  const body = problem(req, code, detail, field, extra);
  return reply.code(body.status).type('application/problem+json').send(body);
}

/**
 * The field a schema validation error is about, as the client wrote it (`body.extension`,
 * `query.limit`), with list items in brackets as the services name them (`organizationConnect[0].prefix`).
 */
function validationField(err: FastifyError): string | null {
  const v = err.validation?.[0];
  if (!v) return null;
  const base = (err.validationContext ?? 'body') as string;
  const missing = (v.params as { missingProperty?: string; additionalProperty?: string } | undefined);
  const path = v.instancePath.replace(/^\//, '').split('/').map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('').replace(/^\./, '');
  const leaf = missing?.missingProperty ?? missing?.additionalProperty ?? '';
  // Body fields are named as in the body (`extension`); others with their place (`query.limit`).
  return [base === 'body' ? '' : base, path, leaf].filter(Boolean).join('.') || base;
}

/**
 * `portalIndex`: the single-page portal is served, so a GET of any other page path (not the API, docs,
 * health or a file) answers its index.html and the portal's router shows the page.
 */
export function registerErrorHandling(app: FastifyInstance, portalIndex = false): void {
  app.setErrorHandler((err: FastifyError | AppError, req, reply) => {
    if (err instanceof AppError) return sendProblem(req, reply, err.code, err.message, err.field, err.extra);
    const fe = err as FastifyError;
    if (fe.validation) {
      const field = validationField(fe);
      return sendProblem(req, reply, 'validation_failed', `${field ?? 'The request'}: ${fe.validation[0]?.message ?? fe.message}`, field);
    }
    if (fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || fe.statusCode === 400) {
      return sendProblem(req, reply, 'validation_failed', fe.message, 'body');
    }
    if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendProblem(req, reply, 'validation_failed', 'Send the body as application/json', 'Content-Type');
    if (fe.statusCode === 413) return sendProblem(req, reply, 'validation_failed', 'The body is too large', 'body');
    // A unique constraint a service did not foresee: a conflict, without naming foreign data.
    if ((err as { code?: string }).code === '23505') return sendProblem(req, reply, 'conflict', 'This conflicts with existing data');
    req.log.error({ err }, 'unhandled error');
    return reply.code(500).type('application/problem+json').send({
      type: 'about:blank', title: 'Internal error', status: 500, detail: 'Something went wrong on our side; nothing was changed.', code: 'internal', instance: `urn:tandem:request:${req.id}`,
    });
  });
  app.setNotFoundHandler((req, reply) => {
    const url = req.url.split('?')[0]!;
    const pagePath = req.method === 'GET' && !/^\/(v1|docs|openapi\.json|livez|readyz|metrics)(\/|$)/.test(url) && !/\.[a-z0-9]+$/i.test(url);
    if (portalIndex && pagePath) return reply.type('text/html').sendFile('index.html');
    return sendProblem(req, reply, 'not_found', `No route ${req.method} ${url}`);
  });
}
