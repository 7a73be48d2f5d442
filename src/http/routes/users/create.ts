import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { createUser } from '../../../services/users.ts';
import { RoleSchema, User, UserInput } from '../../schemas/tenancy.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/users',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: 'Create a user',
    tags: ['users'],
    body: Type.Composite([UserInput, Type.Object({ siteId: Id, role: Type.Optional(RoleSchema) })], {
      additionalProperties: false,
      examples: [{ siteId: '0190c0de-0000-7000-8000-000000000000', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', extension: '2001' }],
    }),
    response: { 201: User },
  },
  handler: async ({ body, ctx }) => createUser(ctx, body),
});
