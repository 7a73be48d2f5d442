import { defineRoute } from '../../route.ts';
import { createSite } from '../../../services/sites.ts';
import { Site, SiteInput } from '../../schemas/tenancy.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/sites',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: 'Create a site with its main number',
    tags: ['sites'],
    body: { ...SiteInput, examples: [{ name: 'Branch office', timeZone: 'Europe/Berlin', address: 'Hauptstr. 1, Berlin', mainNumber: '+4930555999' }] },
    response: { 201: Site },
  },
  handler: async ({ body, ctx }) => createSite(ctx, body),
});
