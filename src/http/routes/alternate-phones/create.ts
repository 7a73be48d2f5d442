import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { createAlternatePhone } from '../../../services/office-anywhere.ts';
import { AltLabel, AlternatePhone } from '../../schemas/office-anywhere.ts';
import { Id, PhoneInput } from '../../schemas/common.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/users/:userId/alternate-phones',
  policy: { roles: ['operator', 'account_admin', 'site_admin', 'user'], selfOnly: true },
  schema: {
    summary: 'Add an alternate phone (mobile or landline outside the account) for Office Anywhere',
    tags: ['office-anywhere'],
    params: Type.Object({ userId: Id }),
    body: Type.Object({
      number: PhoneInput,
      label: Type.Optional(AltLabel),
      active: Type.Optional(Type.Boolean({ default: true })),
    }, { additionalProperties: false, examples: [{ number: '+4915123456789', label: 'Mobile', active: true }] }),
    response: { 201: AlternatePhone },
  },
  handler: async ({ params, body, ctx }) => createAlternatePhone(ctx, params.userId, body),
});
