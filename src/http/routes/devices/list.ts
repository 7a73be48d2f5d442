import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { listDevices } from '../../../services/devices.ts';
import { Device } from '../../schemas/devices.ts';
import { Id, ListQuery, PageOf } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/devices',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: {
    summary: 'List handsets by Phone ID; q matches Phone ID, name, model, SIP user name or number (a site admin sees their sites)',
    tags: ['devices'],
    querystring: Type.Object({ ...ListQuery, q: Type.Optional(Type.String({ maxLength: 100 })), siteId: Type.Optional(Id) }),
    response: { 200: PageOf(Device) },
  },
  handler: async ({ query, ctx }) => listDevices(ctx, { q: query.q, siteId: query.siteId, limit: query.limit ?? 50, cursor: query.cursor }),
});
