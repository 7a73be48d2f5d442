/** Every number of a site (in one state, if given), by number (the order the API lists them in): for pickers (CLI, portal numbers). */
import { api, call } from '../../api/client.ts';
import { allPages } from '../../components/paging.tsx';
import type { NumberRow } from './NumberActions.tsx';

export function siteNumbers(siteId: string, status?: NumberRow['status']): Promise<NumberRow[]> {
  return allPages((cursor) => call(api.GET('/v1/sites/{siteId}/numbers', { params: { path: { siteId }, query: { limit: 500, ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) } } })));
}
