import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { provisionHandset } from '../../../services/handsets.ts';
import { AppError } from '../../../domain/errors.ts';
import { HandsetConfig } from '../../schemas/devices.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/provisioning/:phoneId',
  // The phone authenticates itself with HTTP Digest (RFC 7616) and its SIP credentials, not a token.
  policy: { public: true },
  schema: {
    summary: 'A handset fetches its configuration (HTTP Digest with its SIP credentials)',
    description: 'Answers 401 with `WWW-Authenticate: Digest` challenges (SHA-256 and MD5, qop=auth) until the request carries a valid digest response; HTTP Basic is refused. A pending handset login of the number completes (the number becomes active).',
    tags: ['devices'],
    params: Type.Object({ phoneId: Type.String({ minLength: 1, maxLength: 64 }) }),
    response: { 200: HandsetConfig },
  },
  handler: async ({ params, headers, reply, ctx }) => {
    const auth = headers.authorization;
    const result = await provisionHandset(ctx, params.phoneId, {
      method: reply.request.method, uri: reply.request.url, authorization: typeof auth === 'string' ? auth : undefined, requestId: ctx.requestId,
    });
    if (result.ok) {
      reply.header('Cache-Control', 'no-store');
      return result.config;
    }
    // The challenges travel with the 401 problem the error handler renders.
    reply.header('WWW-Authenticate', result.challenges);
    throw new AppError('unauthenticated', result.detail, 'Authorization');
  },
});
