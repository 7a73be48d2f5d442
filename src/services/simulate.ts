/**
 * The dial-plan simulator (issue 4 item 8): "what happens if Ana dials 4201?" — the engine's
 * decision or call plan with its explanation, on the live snapshot, without placing a call.
 */
import { AppError } from '../domain/errors.ts';
import { planInbound } from '../routing/inbound.ts';
import { routingFor } from '../routing/live.ts';
import { decideOutbound } from '../routing/outbound.ts';
import { resolveWho } from '../routing/simulate.ts';
import type { CallPlan, OutboundDecision } from '../routing/types.ts';
import { accountOf, adminsSite, isAdmin, type Ctx } from './context.ts';

/** The party `ref` names in the actor's account; a site admin reaches only the users and numbers of their sites. */
async function resolve(ctx: Ctx, ref: string, field: string, lenient = false) {
  const accountId = accountOf(ctx);
  const snap = await routingFor(ctx).snapshot();
  const who = resolveWho(snap, accountId, ref);
  if (!who.ok) {
    // An account admin may simulate any target the engine knows (e.g. a portal extension).
    if (lenient && isAdmin(ctx.actor)) return { snap, accountId, who: null };
    throw new AppError('not_found', who.reason, field);
  }
  const user = who.userId ? snap.accounts.get(accountId)?.users.get(who.userId) : undefined;
  const siteId = user?.siteId ?? (who.number ? snap.numbers.get(who.number)?.siteId : undefined);
  if (siteId && !adminsSite(ctx.actor, siteId)) throw new AppError('not_found', `"${ref}" is not a user, extension or number this admin manages`, field);
  return { snap, accountId, who };
}

export async function simulateOutbound(ctx: Ctx, from: string, dial: string, at: Date): Promise<{ caller: { userId: string | null; number: string | null; label: string }; decision: OutboundDecision }> {
  const { snap, accountId, who } = await resolve(ctx, from, 'from');
  const w = who!;
  const decision = decideOutbound(snap, { accountId, userId: w.userId, fromNumber: w.userId ? null : w.number, dialled: dial, at });
  return { caller: { userId: w.userId, number: w.number, label: w.label }, decision };
}

/** The call plan for a call to `to` (a user, extension or number of the account) from `from` (one of the account's users or numbers, or a public E.164). */
export async function simulateInbound(ctx: Ctx, to: string, from: string | null, at: Date): Promise<{ plan: CallPlan }> {
  const { snap, accountId, who } = await resolve(ctx, to, 'to', true);
  let caller: { accountId: string; userId: string | null } | { e164: string | null } = { e164: null };
  if (from) {
    const c = resolveWho(snap, accountId, from);
    caller = c.ok && c.userId ? { accountId, userId: c.userId } : { e164: /^\+[0-9]{7,15}$/.test(from) ? from : null };
  }
  return { plan: planInbound(snap, { target: who?.number ?? to.trim(), accountId, caller, at }) };
}
