import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { listFederations } from '../../../services/federations.ts';
import { Federation } from '../../schemas/federations.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/federations',
  policy: { roles: ['operator', 'account_admin'] },
  schema: { summary: 'Federations this account is or was part of', tags: ['federations'], response: { 200: Type.Object({ items: Type.Array(Federation) }) } },
  handler: async ({ ctx }) => ({ items: await listFederations(ctx) }),
});
