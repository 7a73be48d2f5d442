import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { updateSite } from '../../../services/sites.ts';
import { Site } from '../../schemas/tenancy.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'PATCH',
  url: '/v1/sites/:siteId',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: "Change a site's name, time zone or address (the main number is read-only)",
    tags: ['sites'],
    params: Type.Object({ siteId: Id }),
    body: Type.Object({
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
      address: Type.Optional(Type.String({ maxLength: 300 })),
    }, { additionalProperties: false, examples: [{ address: 'Neue Str. 2, Berlin' }] }),
    response: { 200: Site },
  },
  handler: async ({ params, body, ctx }) => updateSite(ctx, params.siteId, body),
});
