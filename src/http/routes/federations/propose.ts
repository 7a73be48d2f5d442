import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { propose } from '../../../services/federations.ts';
import { Federation, PolicyPatch } from '../../schemas/federations.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/federations',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: 'Propose a federation (name, policy preset and overrides, the other member accounts by SIP domain)',
    description: 'Every member account, the proposing one included, must consent with GET …/consent-text and POST …/consent before it becomes active.',
    tags: ['federations'],
    body: Type.Object({
      name: Type.String({ minLength: 1, maxLength: 100 }),
      preset: Type.Optional(Type.Union([Type.Literal('linked'), Type.Literal('federated')], { description: 'default linked' })),
      policy: Type.Optional(PolicyPatch),
      memberSipDomains: Type.Array(Type.String({ minLength: 3, maxLength: 253 }), { minItems: 1, maxItems: 50, description: 'the other member accounts (a federation has 2 to 10)' }),
    }, { additionalProperties: false, examples: [{ name: 'Group companies', preset: 'linked', memberSipDomains: ['partner.example.net'] }] }),
    response: { 201: Federation },
  },
  handler: async ({ body, ctx }) => propose(ctx, body),
});
