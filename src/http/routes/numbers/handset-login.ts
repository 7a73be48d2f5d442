import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { loginHandset } from '../../../services/handsets.ts';
import { HandsetLogin, PhoneId } from '../../schemas/devices.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'PUT',
  url: '/v1/numbers/:numberId/handset',
  policy: { roles: ['operator', 'account_admin', 'site_admin'] },
  schema: {
    summary: 'Log a number into a handset by its Phone ID (spec §6)',
    description: 'One number per handset and one handset per number, both of the same site. The number becomes pending until the handset fetches its configuration (GET /v1/provisioning/{phoneId}); a login not completed in time is rolled back.',
    tags: ['numbers', 'devices'],
    params: Type.Object({ numberId: Id }),
    body: Type.Object({ phoneId: PhoneId }, { additionalProperties: false, examples: [{ phoneId: '00:1A:2B:3C:4D:5E' }] }),
    response: { 200: HandsetLogin },
  },
  handler: async ({ params, body, ctx }) => loginHandset(ctx, params.numberId, body.phoneId),
});
