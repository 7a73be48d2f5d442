import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { deleteSite } from '../../../services/sites.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'DELETE',
  url: '/v1/sites/:siteId',
  policy: { roles: ['operator', 'account_admin'] },
  schema: { summary: 'Delete an empty site (its main number is released)', tags: ['sites'], params: Type.Object({ siteId: Id }), response: { 204: Type.Null() } },
  handler: async ({ params, ctx }) => {
    await deleteSite(ctx, params.siteId);
    return undefined;
  },
});
