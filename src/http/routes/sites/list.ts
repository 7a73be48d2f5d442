import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { listSites } from '../../../services/sites.ts';
import { Site } from '../../schemas/tenancy.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/sites',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: { summary: 'List sites alphabetically (a site admin sees their sites)', tags: ['sites'], response: { 200: Type.Object({ items: Type.Array(Site) }) } },
  handler: async ({ ctx }) => ({ items: await listSites(ctx) }),
});
