import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { listOffices } from '../../../services/directory.ts';
import { Office } from '../../schemas/directory.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/directory/offices',
  policy: { roles: ['operator', 'account_admin', 'site_admin', 'user'] },
  schema: {
    summary: 'The offices (accounts) the caller can search: their own, then every account a federation shares its directory with',
    tags: ['directory'],
    response: { 200: Type.Object({ items: Type.Array(Office) }) },
  },
  handler: async ({ ctx }) => listOffices(ctx),
});
