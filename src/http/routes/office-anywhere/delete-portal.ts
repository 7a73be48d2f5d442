import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { deletePortal } from '../../../services/office-anywhere.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'DELETE',
  url: '/v1/office-anywhere/portals/:portalId',
  policy: { roles: ['operator', 'account_admin'] },
  schema: { summary: 'Remove an Office Anywhere portal number (its extension becomes free)', tags: ['office-anywhere'], params: Type.Object({ portalId: Id }), response: { 204: Type.Null() } },
  handler: async ({ params, ctx }) => {
    await deletePortal(ctx, params.portalId);
    return undefined;
  },
});
