/**
 * Number features (spec §4): read and changed by admins of the number's site and by the user the
 * number is assigned to. Every write merges the patch into the current state and passes the merged
 * result through the domain rules (src/domain/features.ts); the CHECK constraints of
 * `number_features` stand behind them. The authorization code is stored as argon2id and never returned.
 */
import { notFound } from '../domain/errors.ts';
import { applyFeaturePatch, checkCliNumber, featureView, type FeaturePatch, type FeatureView } from '../domain/features.ts';
import { hashSecret } from '../domain/secrets.ts';
import { getAccount } from '../store/repos/accounts.ts';
import { featureColumnsOf, featureStateOf, findNumberByE164, getFeatureRow, updateFeatureRow } from '../store/repos/numbers.ts';
import { accountOf, inAccount, type Ctx } from './context.ts';
import { assertRowActionable, reachNumber } from './numbers.ts';

export type { FeaturePatch, FeatureView };

/** The audit shape: the view with the authorization code reduced to a flag the redactor keeps. */
const auditShape = (v: FeatureView): Record<string, unknown> => {
  const { authorizationCode, ...rest } = v;
  return { ...rest, authorizationCodeEnabled: authorizationCode.enabled };
};

/** A number's features (admins of its site, its user). */
export async function getFeatures(ctx: Ctx, numberId: string): Promise<FeatureView> {
  const accountId = accountOf(ctx);
  return inAccount(ctx, async (tx) => {
    await reachNumber(tx, ctx, numberId, ['admin', 'self'], { lock: false });
    const row = await getFeatureRow(tx.sql, accountId, numberId);
    if (!row) throw notFound('Number');
    return featureView(featureStateOf(row));
  });
}

/**
 * Changes a number's features: only on an active, non-main number; the merged result must pass the
 * rules of spec §4 (forward busy vs call waiting, no forwarding with an authorization code, allowed
 * destinations and never the number itself, CLI an active number of the same account and site).
 */
export async function updateFeatures(ctx: Ctx, numberId: string, patch: FeaturePatch): Promise<FeatureView> {
  const accountId = accountOf(ctx);
  return inAccount(ctx, async (tx) => {
    const { row: number } = await reachNumber(tx, ctx, numberId, ['admin', 'self'], { lock: true });
    assertRowActionable(number);
    const account = await getAccount(tx.sql, accountId);
    const stored = await getFeatureRow(tx.sql, accountId, numberId);
    if (!account || !stored) throw notFound('Number');
    const current = featureStateOf(stored);
    const { state, touched, newAuthCode } = applyFeaturePatch(current, patch, {
      country: account.country, intlWhitelist: account.intlWhitelist, premiumAllowed: account.premiumAllowed, ownNumber: number.e164,
    });
    if (touched.has('cliNumber') && state.cliNumber !== null) {
      // Looked up in this account only: another account's number is simply not found.
      checkCliNumber(state.cliNumber, await findNumberByE164(tx.sql, accountId, state.cliNumber), number.site_id);
    }
    const authCodeHash = newAuthCode !== null ? await hashSecret(newAuthCode) : state.authCodeEnabled ? undefined : null;
    await updateFeatureRow(tx.sql, accountId, numberId, featureColumnsOf(state), authCodeHash);
    const before = featureView(current);
    const after = featureView(state);
    await tx.audit({ action: 'number.features.update', targetType: 'number', targetId: numberId, before: auditShape(before), after: auditShape(after) });
    tx.emit('number.updated', numberId);
    return after;
  });
}
