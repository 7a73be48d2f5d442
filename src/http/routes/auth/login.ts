import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { login } from '../../../services/auth.ts';
import { Id } from '../../schemas/common.ts';
import { RoleSchema } from '../../schemas/tenancy.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/auth/login',
  policy: { public: true },
  schema: {
    summary: 'Sign in with e-mail and password; returns a session token',
    tags: ['auth'],
    body: Type.Object({ email: Type.String({ minLength: 3, maxLength: 254 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
      { additionalProperties: false, examples: [{ email: 'admin@example.com', password: 'correct horse battery' }] }),
    response: {
      200: Type.Object({
        token: Type.String(),
        expiresAt: Type.String({ format: 'date-time' }),
        identity: Type.Object({ type: Type.Union([Type.Literal('operator'), Type.Literal('user')]), id: Id, role: Type.Union([RoleSchema, Type.Literal('operator')]), accountId: Type.Union([Id, Type.Null()]), email: Type.String() }),
      }),
    },
  },
  handler: async ({ body, ctx }) => login(ctx, body.email, body.password),
});
