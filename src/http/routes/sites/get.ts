import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { getSiteFor } from '../../../services/sites.ts';
import { Site } from '../../schemas/tenancy.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/sites/:siteId',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: { summary: 'Get a site', tags: ['sites'], params: Type.Object({ siteId: Id }), response: { 200: Site } },
  handler: async ({ params, ctx }) => getSiteFor(ctx, params.siteId),
});
