import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { updateUser } from '../../../services/users.ts';
import { Extension, RoleSchema, User } from '../../schemas/tenancy.ts';
import { Id, Nullable } from '../../schemas/common.ts';

export default defineRoute({
  method: 'PATCH',
  url: '/v1/users/:userId',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: "Change a user (site, name, e-mail, extension, role, sites of a site admin, Office Anywhere)",
    tags: ['users'],
    params: Type.Object({ userId: Id }),
    body: Type.Object({
      siteId: Type.Optional(Id),
      firstName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      lastName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      email: Type.Optional(Type.String({ minLength: 3, maxLength: 254 })),
      extension: Type.Optional(Nullable(Extension)),
      role: Type.Optional(RoleSchema),
      password: Type.Optional(Type.String({ minLength: 10, maxLength: 200 })),
      officeAnywhereEnabled: Type.Optional(Type.Boolean()),
      profileImageUrl: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
      adminSiteIds: Type.Optional(Type.Array(Id, { maxItems: 1000 })),
    }, { additionalProperties: false, examples: [{ officeAnywhereEnabled: true }] }),
    response: { 200: User },
  },
  handler: async ({ params, body, ctx }) => updateUser(ctx, params.userId, body),
});
