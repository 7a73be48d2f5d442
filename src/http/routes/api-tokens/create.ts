import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { createApiToken } from '../../../services/auth.ts';
import { ApiToken } from '../../schemas/api-tokens.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/api-tokens',
  policy: { roles: ['operator', 'account_admin', 'site_admin', 'user'] },
  schema: {
    summary: 'Create an API token acting as me (the token is shown this once)',
    tags: ['auth'],
    body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })) },
      { additionalProperties: false, examples: [{ name: 'provisioning script' }] }),
    response: { 201: Type.Composite([ApiToken, Type.Object({ token: Type.String() })]) },
  },
  handler: async ({ body, ctx }) => createApiToken(ctx, body.name, body.expiresInDays ?? null),
});
