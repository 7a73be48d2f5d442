/**
 * PINs (spec §5). Every number has a default PIN (shown to admins only) until its user replaces it
 * with a custom PIN, stored only as argon2id and never returned. Three consecutive wrong PINs lock it;
 * an admin reset restores the default PIN and unlocks it.
 *
 * A wrong PIN must count even though the answer is an error: each attempt runs in one transaction
 * that records the failure (and its audit row) and COMMITS, and the refusal is thrown only after the
 * commit. The row is locked for the attempt, so concurrent guesses are counted one by one.
 *
 * Documented choice: a correct default PIN verifies with `{ ok: true, changeRequired: true }` (not an
 * error): the caller — app, voice portal, handset sign-in — must then make the user choose a custom PIN.
 */
import crypto from 'node:crypto';
import { AppError } from '../domain/errors.ts';
import { checkCustomPin, MAX_PIN_FAILURES } from '../domain/pin.ts';
import { hashSecret, verifySecret } from '../domain/secrets.ts';
import { lockNumber, type NumberRow } from '../store/repos/numbers.ts';
import { accountOf, inAccount, systemCtx, type Ctx, type Services, type Tx } from './context.ts';
import { assertRowActionable, assignedExtension, pinStateOf, reachNumber, type PinStateView } from './numbers.ts';

export interface PinView extends PinStateView {
  /** The default PIN: for admins only, and only while no custom PIN is set. */
  defaultPin: string | null;
}

export interface VerifyResult {
  ok: true;
  /** The default PIN was used: the user must now choose a custom PIN (spec §5). */
  changeRequired: boolean;
}

const pinView = (row: NumberRow, showDefault: boolean): PinView => {
  const s = pinStateOf(row);
  return { ...s, defaultPin: showDefault && s.state === 'default' ? row.default_pin : null };
};

/** Compares two short secrets in constant time (lengths included). */
const sameSecret = (a: string, b: string): boolean =>
  crypto.timingSafeEqual(crypto.createHash('sha256').update(a).digest(), crypto.createHash('sha256').update(b).digest());

/** Whether `pin` is the number's current PIN: the default one while no custom PIN is set. */
async function pinMatches(row: NumberRow, pin: string): Promise<boolean> {
  return row.pin_hash === null ? sameSecret(pin, row.default_pin) : verifySecret(row.pin_hash, pin);
}

/** Refuses anyone but the user the number is assigned to (an admin who is that user included). */
function assertAssignedUser(ctx: Ctx, row: NumberRow): void {
  if (ctx.actor.type !== 'user' || ctx.actor.id === null || ctx.actor.id !== row.user_id) {
    throw new AppError('forbidden', 'Only the user the number is assigned to may set or check its PIN');
  }
}

type Attempt = { ok: true; row: NumberRow } | { ok: false; failures: number; locked: boolean };

/**
 * One counted attempt inside an open transaction on a locked row: a wrong PIN increments the failures
 * (the 3rd locks the PIN) and writes its audit row; a right one resets the failures.
 */
async function attempt(tx: Tx, accountId: string, row: NumberRow, pin: string): Promise<Attempt> {
  if (row.pin_locked) throw lockedError(row.e164);
  if (!(await pinMatches(row, pin))) {
    const failures = Number(row.pin_failures) + 1;
    const locked = failures >= MAX_PIN_FAILURES;
    await tx.sql.query(`UPDATE numbers SET pin_failures = $3, pin_locked = $4, updated_at = now() WHERE account_id = $1 AND id = $2`, [accountId, row.id, failures, locked]);
    await tx.audit({ action: locked ? 'number.pin.locked' : 'number.pin.failed', targetType: 'number', targetId: row.id, before: pinStateOf(row), after: { state: pinStateOf(row).state, locked, failures } });
    return { ok: false, failures, locked };
  }
  if (Number(row.pin_failures) > 0) {
    await tx.sql.query(`UPDATE numbers SET pin_failures = 0, updated_at = now() WHERE account_id = $1 AND id = $2`, [accountId, row.id]);
    await tx.audit({ action: 'number.pin.verified', targetType: 'number', targetId: row.id, before: pinStateOf(row), after: { ...pinStateOf(row), failures: 0 } });
  }
  return { ok: true, row };
}

const lockedError = (e164: string): AppError =>
  new AppError('pin_locked', `The PIN of ${e164} is locked after ${MAX_PIN_FAILURES} failed attempts; an admin must reset it`);

/** The refusal for a failed attempt, thrown after the failure was committed. */
function failedError(a: { failures: number; locked: boolean }, field: string): AppError {
  if (a.locked) return new AppError('pin_locked', `The PIN is wrong, and after ${MAX_PIN_FAILURES} failed attempts in a row it is now locked until an admin resets it`, field, { attemptsLeft: 0 });
  const left = MAX_PIN_FAILURES - a.failures;
  return new AppError('pin_wrong', `The PIN is wrong; ${left} attempt${left === 1 ? '' : 's'} left before it locks`, field, { attemptsLeft: left });
}

/** The PIN state; admins of the number's site also see the default PIN while it is in use. */
export async function getPin(ctx: Ctx, numberId: string): Promise<PinView> {
  return inAccount(ctx, async (tx) => {
    const { row, access } = await reachNumber(tx, ctx, numberId, ['admin', 'self'], { lock: false });
    return pinView(row, access === 'admin');
  });
}

/**
 * The assigned user replaces their PIN, proving the current one (the default PIN while no custom PIN
 * is set). Proving counts as an attempt. The new PIN must not be weak (spec §5).
 */
export async function setPin(ctx: Ctx, numberId: string, currentPin: string, newPin: string): Promise<PinView> {
  const accountId = accountOf(ctx);
  const result = await inAccount(ctx, async (tx): Promise<Attempt> => {
    const { row } = await reachNumber(tx, ctx, numberId, ['admin', 'self'], { lock: true });
    assertAssignedUser(ctx, row);
    assertRowActionable(row);
    if (row.pin_locked) throw lockedError(row.e164);
    // Checked before the current PIN, so a weak choice costs no attempt and reveals nothing.
    checkCustomPin(newPin, { extension: await assignedExtension(tx, accountId, row), e164: row.e164, defaultPin: row.default_pin }, 'newPin');
    const a = await attempt(tx, accountId, row, currentPin);
    if (!a.ok) return a;
    const hash = await hashSecret(newPin);
    await tx.sql.query(`UPDATE numbers SET pin_hash = $3, pin_failures = 0, pin_locked = false, updated_at = now() WHERE account_id = $1 AND id = $2`, [accountId, row.id, hash]);
    await tx.audit({ action: 'number.pin.set', targetType: 'number', targetId: row.id, before: pinStateOf(row), after: { state: 'custom', locked: false, failures: 0 } });
    tx.emit('number.updated', row.id);
    return { ok: true, row: { ...row, pin_hash: hash, pin_failures: 0, pin_locked: false } };
  });
  if (!result.ok) throw failedError(result, 'currentPin');
  return pinView(result.row, false);
}

/** Checks a PIN for the assigned user (HTTP); see {@link verifyPin} for the voice portal and handsets. */
export async function verifyPinFor(ctx: Ctx, numberId: string, pin: string): Promise<VerifyResult> {
  return verifyIn(ctx, pin, async (tx) => {
    const { row } = await reachNumber(tx, ctx, numberId, ['admin', 'self'], { lock: true });
    assertAssignedUser(ctx, row);
    return row;
  });
}

/**
 * Checks a number's PIN outside any request (voice portal, voicemail box, handset sign-in over SIP).
 * A wrong PIN is counted and committed, then refused with `pin_wrong` (extra `attemptsLeft`); the 3rd
 * wrong PIN in a row locks it (`pin_locked`); while locked even the right PIN is refused.
 * @returns `{ ok: true, changeRequired }` — changeRequired while the default PIN is in use
 */
export async function verifyPin(s: Services, accountId: string, numberId: string, pin: string): Promise<VerifyResult> {
  return verifyIn(systemCtx(s, accountId), pin, async (tx) => {
    const row = await lockNumber(tx.sql, accountId, numberId);
    if (!row) throw new AppError('not_found', 'Number was not found');
    return row;
  });
}

/** One counted attempt on the number `load` finds (and locks, and checks access to). */
async function verifyIn(ctx: Ctx, pin: string, load: (tx: Tx) => Promise<NumberRow>): Promise<VerifyResult> {
  const accountId = accountOf(ctx);
  const result = await inAccount(ctx, async (tx) => {
    const row = await load(tx);
    assertRowActionable(row);
    return attempt(tx, accountId, row, pin);
  });
  if (!result.ok) throw failedError(result, 'pin');
  return { ok: true, changeRequired: result.row.pin_hash === null };
}

/** An admin restores the default PIN: custom PIN removed, unlocked, failures cleared (spec §5). */
export async function resetPin(ctx: Ctx, numberId: string): Promise<PinView> {
  const accountId = accountOf(ctx);
  return inAccount(ctx, async (tx) => {
    const { row } = await reachNumber(tx, ctx, numberId, ['admin'], { lock: true });
    assertRowActionable(row);
    await tx.sql.query(`UPDATE numbers SET pin_hash = NULL, pin_locked = false, pin_failures = 0, updated_at = now() WHERE account_id = $1 AND id = $2`, [accountId, row.id]);
    await tx.audit({ action: 'number.pin.reset', targetType: 'number', targetId: row.id, before: pinStateOf(row), after: { state: 'default', locked: false, failures: 0 } });
    tx.emit('number.updated', row.id);
    return pinView({ ...row, pin_hash: null, pin_locked: false, pin_failures: 0 }, true);
  });
}
