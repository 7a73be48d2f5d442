import { defineRoute } from '../../route.ts';
import { searchDirectory } from '../../../services/directory.ts';
import { DirectoryEntry, DirectoryQuery } from '../../schemas/directory.ts';
import { PageOf } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/directory',
  policy: { roles: ['operator', 'account_admin', 'site_admin', 'user'] },
  schema: {
    summary: 'Search the directory as the user types: own account (default), the full federated directory, or chosen offices',
    description: 'Spec §8 "Directory". Federated entries share only what the federations between the two accounts grant (presence, profile image, extension); admins also see which federations grant each entry.',
    tags: ['directory'],
    querystring: DirectoryQuery,
    response: { 200: PageOf(DirectoryEntry) },
  },
  handler: async ({ query, ctx }) => searchDirectory(ctx, { q: query.q, scope: query.scope, offices: query.offices, limit: query.limit ?? 25, cursor: query.cursor }),
});
