import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { createPortal } from '../../../services/office-anywhere.ts';
import { Portal, PortalScope } from '../../schemas/office-anywhere.ts';
import { Extension } from '../../schemas/tenancy.ts';
import { Id, Nullable } from '../../schemas/common.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/office-anywhere/portals',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: 'Dedicate a number to Office Anywhere as a portal number (spec §7)',
    description: 'The number must be an active, non-main number of the account, not assigned to a user and not already a portal. The name defaults to the number; the optional extension must be unused.',
    tags: ['office-anywhere'],
    body: Type.Object({
      numberId: Id,
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      extension: Type.Optional(Nullable(Extension)),
      scope: PortalScope,
      siteId: Type.Optional(Nullable(Id)),
    }, { additionalProperties: false, examples: [{ numberId: '0190c0de-0000-7000-8000-000000000001', name: 'Mobility portal', extension: '700', scope: 'account' }] }),
    response: { 201: Portal },
  },
  handler: async ({ body, ctx }) => createPortal(ctx, body),
});
