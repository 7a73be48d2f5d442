import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { createDevice } from '../../../services/devices.ts';
import { DeviceLabel, DeviceWithCredentials, PhoneId } from '../../schemas/devices.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/devices',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: {
    summary: 'Register a handset by its Phone ID; the answer shows its SIP credentials once',
    description: 'The SIP password appears only in this answer (and on rotation); the server keeps only digest HA1s (MD5, SHA-256). Site admins register handsets at their sites.',
    tags: ['devices'],
    body: Type.Object({
      siteId: Id,
      phoneId: PhoneId,
      model: Type.Optional(DeviceLabel),
      name: Type.Optional(DeviceLabel),
    }, { additionalProperties: false, examples: [{ siteId: '0190c0de-0000-7000-8000-000000000000', phoneId: '00:1A:2B:3C:4D:5E', model: 'Yealink T54W', name: 'Reception desk' }] }),
    response: { 201: DeviceWithCredentials },
  },
  handler: async ({ body, ctx }) => createDevice(ctx, body),
});
