import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { getPortalFor } from '../../../services/office-anywhere.ts';
import { Portal } from '../../schemas/office-anywhere.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/office-anywhere/portals/:portalId',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: { summary: 'Get an Office Anywhere portal number', tags: ['office-anywhere'], params: Type.Object({ portalId: Id }), response: { 200: Portal } },
  handler: async ({ params, ctx }) => getPortalFor(ctx, params.portalId),
});
