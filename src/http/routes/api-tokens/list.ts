import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { listApiTokens } from '../../../services/auth.ts';
import { ApiToken } from '../../schemas/api-tokens.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/api-tokens',
  policy: { roles: ['operator', 'account_admin', 'site_admin', 'user'] },
  schema: { summary: 'List my API tokens (never the secrets)', tags: ['auth'], response: { 200: Type.Object({ items: Type.Array(ApiToken) }) } },
  handler: async ({ ctx }) => ({ items: await listApiTokens(ctx) }),
});
