import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { createAccount } from '../../../services/accounts.ts';
import { Account, Country, SiteInput, Site, User, UserInput } from '../../schemas/tenancy.ts';
import { Nullable } from '../../schemas/common.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/accounts',
  policy: { roles: ['operator'] },
  schema: {
    summary: 'Open an account with its first site (and main number) and first account admin',
    tags: ['accounts'],
    body: Type.Object({
      name: Type.String({ minLength: 1, maxLength: 100 }),
      country: Country,
      sipDomain: Type.String({ minLength: 3, maxLength: 253 }),
      extMinLength: Type.Optional(Type.Integer({ minimum: 2, maximum: 6 })),
      extMaxLength: Type.Optional(Type.Integer({ minimum: 2, maximum: 6 })),
      intlWhitelist: Type.Optional(Nullable(Type.Array(Country, { maxItems: 250 }))),
      premiumAllowed: Type.Optional(Type.Boolean()),
      firstSite: SiteInput,
      admin: UserInput,
    }, {
      additionalProperties: false,
      examples: [{ name: 'Matrix Test GmbH', country: 'DE', sipDomain: 'matrix-test.example.net', firstSite: { name: 'Head office', timeZone: 'Europe/Berlin', mainNumber: '+4930555000' }, admin: { firstName: 'Mia', lastName: 'Matrix', email: 'mia@matrix-test.example.net', extension: '100', password: 'long enough password' } }],
    }),
    response: { 201: Type.Object({ account: Account, site: Site, admin: User }) },
  },
  handler: async ({ body, ctx }) => createAccount(ctx, body),
});
