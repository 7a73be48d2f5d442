import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { updateAccount } from '../../../services/accounts.ts';
import { Account, Country } from '../../schemas/tenancy.ts';
import { Id, Nullable } from '../../schemas/common.ts';

export default defineRoute({
  method: 'PATCH',
  url: '/v1/accounts/:accountId',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: "Change an account's settings (its own admin or the operator)",
    tags: ['accounts'],
    params: Type.Object({ accountId: Id }),
    body: Type.Object({
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      country: Type.Optional(Country),
      extMinLength: Type.Optional(Type.Integer({ minimum: 2, maximum: 6 })),
      extMaxLength: Type.Optional(Type.Integer({ minimum: 2, maximum: 6 })),
      intlWhitelist: Type.Optional(Nullable(Type.Array(Country, { maxItems: 250 }))),
      premiumAllowed: Type.Optional(Type.Boolean()),
    }, { additionalProperties: false, examples: [{ extMinLength: 3, extMaxLength: 4 }] }),
    response: { 200: Account },
  },
  handler: async ({ params, body, ctx }) => updateAccount(ctx, params.accountId, body),
});
