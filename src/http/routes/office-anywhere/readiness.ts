import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { officeAnywhereReadinessFor } from '../../../services/office-anywhere.ts';
import { Readiness } from '../../schemas/office-anywhere.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/users/:userId/office-anywhere',
  policy: { roles: ['operator', 'account_admin', 'site_admin', 'user'], selfOnly: true },
  schema: {
    summary: "A user's Office Anywhere prerequisites: portal number, enabled, an active alternate phone (spec §7)",
    tags: ['office-anywhere', 'users'],
    params: Type.Object({ userId: Id }),
    response: { 200: Readiness },
  },
  handler: async ({ params, ctx }) => officeAnywhereReadinessFor(ctx, params.userId),
});
