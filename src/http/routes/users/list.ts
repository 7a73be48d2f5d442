import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { listUsers } from '../../../services/users.ts';
import { User } from '../../schemas/tenancy.ts';
import { Id, ListQuery, PageOf } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/users',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: {
    summary: 'List users by name; q matches name, e-mail, extension or number (a site admin sees their sites)',
    tags: ['users'],
    querystring: Type.Object({ ...ListQuery, q: Type.Optional(Type.String({ maxLength: 100 })), siteId: Type.Optional(Id) }),
    response: { 200: PageOf(User) },
  },
  handler: async ({ query, ctx }) => listUsers(ctx, { q: query.q, siteId: query.siteId, limit: query.limit ?? 50, cursor: query.cursor }),
});
