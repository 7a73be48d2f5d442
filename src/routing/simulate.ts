/**
 * The dial-plan simulator's resolution of "who": an admin names a party the way they think of it —
 * an extension, a number (E.164 or national form), or a user's id — and gets the caller or target
 * the engine takes. Pure, like the engine.
 */
import { toE164 } from './dial.ts';
import type { Snapshot } from './snapshot.ts';

export type Who =
  | { ok: true; userId: string | null; number: string | null; label: string }
  | { ok: false; reason: string };

/** Resolves `ref` inside account `accountId` of the snapshot. */
export function resolveWho(snap: Snapshot, accountId: string, ref: string): Who {
  const acct = snap.accounts.get(accountId);
  if (!acct) return { ok: false, reason: 'The account is not in the routing snapshot' };
  const r = ref.trim();
  const byId = acct.users.get(r);
  if (byId) return { ok: true, userId: byId.id, number: byId.number, label: `${byId.firstName} ${byId.lastName}` };
  const ext = acct.extensions.get(r);
  if (ext?.type === 'user') {
    const u = acct.users.get(ext.id)!;
    return { ok: true, userId: u.id, number: u.number, label: `${u.firstName} ${u.lastName} (extension ${r})` };
  }
  const e164 = /^\+?[0-9]{5,15}$/.test(r) ? toE164(r, acct.country) : null;
  const n = e164 ? snap.numbers.get(e164) : undefined;
  if (n && n.accountId === accountId) {
    const u = n.userId ? acct.users.get(n.userId) : undefined;
    return { ok: true, userId: u?.id ?? null, number: n.e164, label: u ? `${u.firstName} ${u.lastName} (${n.e164})` : n.e164 };
  }
  return { ok: false, reason: `"${ref}" is not a user id, an extension of a user, or a number of ${acct.name}` };
}
