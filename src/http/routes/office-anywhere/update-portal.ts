import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { updatePortal } from '../../../services/office-anywhere.ts';
import { Portal, PortalScope } from '../../schemas/office-anywhere.ts';
import { Extension } from '../../schemas/tenancy.ts';
import { Id, Nullable } from '../../schemas/common.ts';

export default defineRoute({
  method: 'PATCH',
  url: '/v1/office-anywhere/portals/:portalId',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: "Change a portal number's name, extension or scope (its number cannot be edited)",
    description: 'name null resets the name to the number; extension null removes it. A body with numberId or number is refused with portal_number_immutable: delete the portal (or unassign the number) instead.',
    tags: ['office-anywhere'],
    params: Type.Object({ portalId: Id }),
    body: Type.Object({
      name: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
      extension: Type.Optional(Nullable(Extension)),
      scope: Type.Optional(PortalScope),
      siteId: Type.Optional(Nullable(Id)),
      numberId: Type.Optional(Type.Unknown({ description: 'not editable: refused with portal_number_immutable' })),
      number: Type.Optional(Type.Unknown({ description: 'not editable: refused with portal_number_immutable' })),
    }, { additionalProperties: false, examples: [{ name: 'Mobility portal Berlin' }] }),
    response: { 200: Portal },
  },
  handler: async ({ params, body, ctx }) => updatePortal(ctx, params.portalId, body),
});
