import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { openEventStream } from '../../event-stream.ts';
import { watchSiteNumbers } from '../../../services/number-watch.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/sites/:siteId/numbers/events',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: {
    summary: "Live changes of a site's number list, as server-sent events (text/event-stream)",
    description:
      'Each committed change that alters a row of the list is sent as an event named after the change ' +
      '(`number.updated`, `number.created`, `number.deleted`, `user.updated`) with data `{"type","id"}`; ' +
      'read the list again to see it. Comments (`: keep-alive`) keep the connection open. Same access as the list.',
    tags: ['numbers'],
    params: Type.Object({ siteId: Id }),
    response: { 200: Type.String({ description: 'text/event-stream' }) },
  },
  handler: async ({ params, ctx, reply }) => {
    // access is checked (404 for a site the caller does not administer) before the stream opens
    let stream: ReturnType<typeof openEventStream> | null = null;
    const stop = await watchSiteNumbers(ctx, params.siteId, (c) => stream?.send(c.type, c));
    stream = openEventStream(reply.request, reply);
    stream.onEnd(stop);
    return undefined;
  },
});
