import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { deleteDevice } from '../../../services/devices.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'DELETE',
  url: '/v1/devices/:deviceId',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: { summary: 'Delete a handset (refused while a number is logged into it)', tags: ['devices'], params: Type.Object({ deviceId: Id }), response: { 204: Type.Null() } },
  handler: async ({ params, ctx }) => {
    await deleteDevice(ctx, params.deviceId);
    return undefined;
  },
});
