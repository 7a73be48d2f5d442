/**
 * API calls an operator makes inside one chosen account from a platform screen (e.g. the sites of the
 * account whose inventory is shown), whatever account the session acts in: the same client as
 * api/client.ts, but `Tandem-Account` names the account given here.
 */
import createClient from 'openapi-fetch';
import { auth, type paths } from '../../api/client.ts';

const clients = new Map<string, ReturnType<typeof createClient<paths>>>();

export function apiIn(accountId: string): ReturnType<typeof createClient<paths>> {
  let c = clients.get(accountId);
  if (!c) {
    c = createClient<paths>({ baseUrl: '/' });
    c.use({
      onRequest({ request }) {
        if (auth.token) request.headers.set('Authorization', `Bearer ${auth.token}`);
        request.headers.set('Tandem-Account', accountId);
        return request;
      },
      onResponse({ response }) {
        if (response.status === 401 && auth.token) auth.onUnauthenticated();
        return response;
      },
    });
    clients.set(accountId, c);
  }
  return c;
}
