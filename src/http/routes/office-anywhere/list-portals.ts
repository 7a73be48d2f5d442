import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { listPortals } from '../../../services/office-anywhere.ts';
import { Portal } from '../../schemas/office-anywhere.ts';
import { ListQuery, PageOf } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/office-anywhere/portals',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: {
    summary: 'List Office Anywhere portal numbers by name; q matches name, number or extension (a site admin sees those serving their sites)',
    tags: ['office-anywhere'],
    querystring: Type.Object({ ...ListQuery, q: Type.Optional(Type.String({ maxLength: 100 })) }),
    response: { 200: PageOf(Portal) },
  },
  handler: async ({ query, ctx }) => listPortals(ctx, { q: query.q, limit: query.limit ?? 50, cursor: query.cursor }),
});
