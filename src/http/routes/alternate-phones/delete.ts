import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { deleteAlternatePhone } from '../../../services/office-anywhere.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'DELETE',
  url: '/v1/users/:userId/alternate-phones/:alternatePhoneId',
  policy: { roles: ['operator', 'account_admin', 'site_admin', 'user'], selfOnly: true },
  schema: { summary: 'Remove an alternate phone', tags: ['office-anywhere'], params: Type.Object({ userId: Id, alternatePhoneId: Id }), response: { 204: Type.Null() } },
  handler: async ({ params, ctx }) => {
    await deleteAlternatePhone(ctx, params.userId, params.alternatePhoneId);
    return undefined;
  },
});
