import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { updateDevice } from '../../../services/devices.ts';
import { Device, DeviceLabel } from '../../schemas/devices.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'PATCH',
  url: '/v1/devices/:deviceId',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: {
    summary: 'Rename a handset, set its model, or move it to another site (not while a number is logged in)',
    tags: ['devices'],
    params: Type.Object({ deviceId: Id }),
    body: Type.Object({
      name: Type.Optional(DeviceLabel),
      model: Type.Optional(DeviceLabel),
      siteId: Type.Optional(Id),
    }, { additionalProperties: false, examples: [{ name: 'Meeting room phone' }] }),
    response: { 200: Device },
  },
  handler: async ({ params, body, ctx }) => updateDevice(ctx, params.deviceId, body),
});
