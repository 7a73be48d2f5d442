import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { listAlternatePhones } from '../../../services/office-anywhere.ts';
import { AlternatePhone } from '../../schemas/office-anywhere.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/users/:userId/alternate-phones',
  policy: { roles: ['operator', 'account_admin', 'site_admin', 'user'], selfOnly: true },
  schema: {
    summary: "A user's Office Anywhere alternate phones, oldest first (admins of their site, or the user themself)",
    tags: ['office-anywhere'],
    params: Type.Object({ userId: Id }),
    response: { 200: Type.Object({ items: Type.Array(AlternatePhone) }) },
  },
  handler: async ({ params, ctx }) => ({ items: await listAlternatePhones(ctx, params.userId) }),
});
