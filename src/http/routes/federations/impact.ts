import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { previewImpact } from '../../../services/federations.ts';
import { FederationParams, Impact } from '../../schemas/federations.ts';
import { Id } from '../../schemas/common.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/federations/:federationId/impact',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: 'Preview what a leave, removal or dissolution would stop (the same computation the change uses)',
    tags: ['federations'],
    params: FederationParams,
    querystring: Type.Object(
      { action: Type.Union([Type.Literal('leave'), Type.Literal('remove'), Type.Literal('dissolve')]), accountId: Type.Optional(Id) },
      { examples: [{ action: 'leave' }] },
    ),
    response: { 200: Impact },
  },
  handler: async ({ params, query, ctx }) => previewImpact(ctx, params.federationId, query.action, query.accountId ?? null),
});
