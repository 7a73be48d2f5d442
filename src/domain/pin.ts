/** PIN rules of spec §5. Pure functions, no I/O. */
import crypto from 'node:crypto';
import { AppError, invalid } from './errors.ts';

export const PIN_MIN = 4;
export const PIN_MAX = 10;
export const DEFAULT_PIN_LENGTH = 6;
/** The 3rd consecutive failure locks the PIN. */
export const MAX_PIN_FAILURES = 3;

/** A default PIN for a new number: random digits that pass the weak-PIN rules themselves. */
export function generateDefaultPin(): string {
  for (;;) {
    let pin = '';
    for (let i = 0; i < DEFAULT_PIN_LENGTH; i++) pin += String(crypto.randomInt(10));
    if (weakPinReason(pin, { extension: null, e164: '' }) === null) return pin;
  }
}

const isSequential = (pin: string, step: 1 | -1): boolean => {
  for (let i = 1; i < pin.length; i++) {
    if (Number(pin[i]) - Number(pin[i - 1]) !== step) return false;
  }
  return true;
};

/** Why a custom PIN is too weak, or null when it is acceptable. */
export function weakPinReason(pin: string, ctx: { extension: string | null; e164: string; defaultPin?: string }): string | null {
  if (!/^\d+$/.test(pin)) return 'A PIN contains digits only';
  if (pin.length < PIN_MIN || pin.length > PIN_MAX) return `A PIN has ${PIN_MIN} to ${PIN_MAX} digits`;
  if (/^(\d)\1+$/.test(pin)) return 'A PIN cannot repeat one digit';
  if (isSequential(pin, 1) || isSequential(pin, -1)) return 'A PIN cannot be a run of consecutive digits';
  if (ctx.extension !== null && pin === ctx.extension) return 'A PIN cannot be the extension';
  const digits = ctx.e164.replace(/\D/g, '');
  if (digits.length > 0 && digits.endsWith(pin)) return "A PIN cannot be the end of the phone number";
  if (ctx.defaultPin !== undefined && pin === ctx.defaultPin) return 'The custom PIN must differ from the default PIN';
  return null;
}

export function checkCustomPin(pin: string, ctx: { extension: string | null; e164: string; defaultPin?: string }, field = 'newPin'): void {
  const why = weakPinReason(pin, ctx);
  if (why === null) return;
  if (!/^\d+$/.test(pin) || pin.length < PIN_MIN || pin.length > PIN_MAX) throw invalid(field, why);
  throw new AppError('pin_weak', why, field);
}
