import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { getDeviceFor } from '../../../services/devices.ts';
import { Device } from '../../schemas/devices.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/devices/:deviceId',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: { summary: 'Get a handset (never its SIP password)', tags: ['devices'], params: Type.Object({ deviceId: Id }), response: { 200: Device } },
  handler: async ({ params, ctx }) => getDeviceFor(ctx, params.deviceId),
});
