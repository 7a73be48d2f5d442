import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { updateAlternatePhone } from '../../../services/office-anywhere.ts';
import { AltLabel, AlternatePhone } from '../../schemas/office-anywhere.ts';
import { Id, PhoneInput } from '../../schemas/common.ts';

export default defineRoute({
  method: 'PATCH',
  url: '/v1/users/:userId/alternate-phones/:alternatePhoneId',
  policy: { roles: ['operator', 'account_admin', 'site_admin', 'user'], selfOnly: true },
  schema: {
    summary: 'Change an alternate phone (number, label, active)',
    tags: ['office-anywhere'],
    params: Type.Object({ userId: Id, alternatePhoneId: Id }),
    body: Type.Object({
      number: Type.Optional(PhoneInput),
      label: Type.Optional(AltLabel),
      active: Type.Optional(Type.Boolean()),
    }, { additionalProperties: false, examples: [{ active: false }] }),
    response: { 200: AlternatePhone },
  },
  handler: async ({ params, body, ctx }) => updateAlternatePhone(ctx, params.userId, params.alternatePhoneId, body),
});
