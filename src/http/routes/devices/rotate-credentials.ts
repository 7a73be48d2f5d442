import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { rotateDeviceCredentials } from '../../../services/devices.ts';
import { DeviceWithCredentials } from '../../schemas/devices.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/devices/:deviceId/credentials',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: {
    summary: 'Give a handset a new SIP password (the old one stops working); shown in this answer only',
    tags: ['devices'],
    params: Type.Object({ deviceId: Id }),
    response: { 200: DeviceWithCredentials },
  },
  handler: async ({ params, ctx }) => rotateDeviceCredentials(ctx, params.deviceId),
});
