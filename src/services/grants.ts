/** The grants of the acting account (spec §8), for the directory, Organization Connect and routing. */
import type { Grant } from '../domain/federation.ts';
import { grantsOf } from '../store/repos/federations.ts';
import { accountOf, inAccount, type Ctx } from './context.ts';

export async function myGrants(ctx: Ctx): Promise<Map<string, Grant>> {
  return inAccount(ctx, (tx) => grantsOf(tx.sql, accountOf(ctx)));
}
