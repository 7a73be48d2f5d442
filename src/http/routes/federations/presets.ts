import { Type } from '@sinclair/typebox';
import { defineRoute } from '../../route.ts';
import { PRESETS, type Preset } from '../../../domain/federation.ts';
import { PolicySchema } from '../../schemas/federations.ts';

export default defineRoute({
  method: 'GET',
  url: '/v1/federations/presets',
  policy: { roles: ['operator', 'account_admin'] },
  schema: {
    summary: 'The policy presets (spec §8 table): every field of `linked` and `federated`, as a proposal starts from them',
    tags: ['federations'],
    response: { 200: Type.Object({ items: Type.Array(Type.Object({ preset: Type.Union([Type.Literal('linked'), Type.Literal('federated')]), policy: PolicySchema })) }) },
  },
  handler: async () => ({ items: (Object.keys(PRESETS) as Preset[]).map((preset) => ({ preset, policy: { ...PRESETS[preset] } })) }),
});
