import { defineRoute } from '../../route.ts';
import { createTrunk } from '../../../services/trunks.ts';
import { Trunk, TrunkInput } from '../../schemas/trunks.ts';

export default defineRoute({
  method: 'POST',
  url: '/v1/trunks',
  policy: { roles: ['operator'] },
  schema: {
    summary: 'Add a carrier trunk: an outbound gateway and the addresses trusted to send calls in',
    description: 'Calls from a trusted inbound address to a DID are routed like any inbound call. The password answers the carrier\'s digest '
      + 'challenge; it is stored and never returned (answers show hasPassword). A name in use (without regard to case) is refused with 409 trunk_name_taken.',
    tags: ['trunks'],
    body: TrunkInput,
    response: { 201: Trunk },
  },
  handler: async ({ body, ctx }) => createTrunk(ctx, body),
});
