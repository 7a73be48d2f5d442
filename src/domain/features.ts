/**
 * Number features (spec §4) and the rules between them. Pure functions, no I/O: the service reads the
 * current state, applies a patch with {@link applyFeaturePatch} (which validates every value and then
 * the combination rules on the MERGED result), and writes the result; the database CHECK constraints
 * on `number_features` are the last wall behind these rules.
 *
 * API shape (documented choice): a forward is its destination or `null` when off (the database keeps
 * no destination for a forward that is off, so there is no separate `enabled` flag); CLI and the
 * authorization code are `{ enabled, … }` objects; the authorization code itself is write-only.
 */
import { AppError, invalid } from './errors.ts';
import { checkOutbound, parseNumber, type OutboundPolicy } from './phone.ts';
import { checkEmail } from './tenancy.ts';
// The emergency table is pure data kept beside the routing engine, which owns the emergency rules.
import { isEmergency } from './emergency.ts';
import type { NumberStatus } from './numbers.ts';

/** Ring time before forward-on-no-answer fires: three rings of 6 s by default (spec §4). */
export const DEFAULT_RING_SECONDS = 18;
export const MIN_RING_SECONDS = 6;
export const MAX_RING_SECONDS = 120;
export const AUTH_CODE_RE = /^\d{4,12}$/;

export type ForwardKind = 'forwardAlways' | 'forwardBusy' | 'forwardNoAnswer';
export const FORWARDS: readonly ForwardKind[] = ['forwardAlways', 'forwardBusy', 'forwardNoAnswer'];

/** The stored state of a number's features (the authorization code only as "is one set"). */
export interface FeatureState {
  forwardAlways: string | null;
  forwardBusy: string | null;
  forwardNoAnswer: string | null;
  noAnswerRingSeconds: number;
  voicemail: boolean;
  voicemailToEmail: string | null;
  hideCallerId: boolean;
  callWaiting: boolean;
  doNotDisturb: boolean;
  /** E.164 presented as caller ID; null when CLI is off. */
  cliNumber: string | null;
  authCodeEnabled: boolean;
}

/** A change as a client sends it; absent keys keep their value. */
export interface FeaturePatch {
  forwardAlways?: string | null;
  forwardBusy?: string | null;
  forwardNoAnswer?: string | null;
  noAnswerRingSeconds?: number;
  voicemail?: boolean;
  voicemailToEmail?: string | null;
  hideCallerId?: boolean;
  callWaiting?: boolean;
  doNotDisturb?: boolean;
  cli?: { enabled: boolean; number?: string | null };
  authorizationCode?: { enabled: boolean; code?: string };
}

/**
 * What a write is checked against: the account's country (parsing) and outbound permissions, and the
 * number's own E.164 (a number cannot forward to itself).
 */
export interface FeaturePolicy extends OutboundPolicy {
  /** The E.164 of the number whose features these are. */
  ownNumber: string;
}

export const DEFAULT_FEATURES: FeatureState = {
  forwardAlways: null,
  forwardBusy: null,
  forwardNoAnswer: null,
  noAnswerRingSeconds: DEFAULT_RING_SECONDS,
  voicemail: true,
  voicemailToEmail: null,
  hideCallerId: false,
  callWaiting: true,
  doNotDisturb: false,
  cliNumber: null,
  authCodeEnabled: false,
};

/** The result of a patch: the merged state, what the patch touched, and a new code to hash (if any). */
export interface PatchResult {
  state: FeatureState;
  touched: Set<keyof FeatureState>;
  /** A new authorization code to store (hashed by the caller); null when the code does not change. */
  newAuthCode: string | null;
}

/**
 * Applies a patch to the current state: parses forwarding destinations per the account's country,
 * refuses the number itself as a destination and checks the rest against its outbound permissions,
 * validates every value, then enforces the combination rules on the merged result
 * ({@link checkFeatureRules}).
 * @throws AppError naming the request field (e.g. `forwardBusy`, `cli.number`, `authorizationCode.code`)
 */
export function applyFeaturePatch(current: FeatureState, patch: FeaturePatch, policy: FeaturePolicy): PatchResult {
  const next: FeatureState = { ...current };
  const touched = new Set<keyof FeatureState>();
  let newAuthCode: string | null = null;

  for (const kind of FORWARDS) {
    const v = patch[kind];
    if (v === undefined) continue;
    touched.add(kind);
    if (v === null || v.trim() === '') {
      next[kind] = null;
      continue;
    }
    // Spec §9: emergency numbers are never forwarded to (named as such, rather than "not a valid number").
    if (isEmergency(policy.country, v.replace(/[\s\-.()/]/g, ''))) {
      throw new AppError('destination_not_allowed', `${v.trim()} is an emergency number; calls are never forwarded to emergency services`, kind);
    }
    // Spec §4: destinations are valid numbers and pass the same outbound permissions as a dialled call.
    const parsed = parseNumber(v, policy.country, kind);
    // Issue 4: a self-forward is refused at save time (it could only loop; the engine also ends any loop).
    if (parsed.e164 === policy.ownNumber) {
      throw new AppError('forward_to_self', `${parsed.e164} is this number itself; a number cannot forward calls to itself`, kind);
    }
    checkOutbound(parsed, policy, kind);
    next[kind] = parsed.e164;
  }
  if (patch.noAnswerRingSeconds !== undefined) {
    const s = patch.noAnswerRingSeconds;
    if (!Number.isInteger(s) || s < MIN_RING_SECONDS || s > MAX_RING_SECONDS) {
      throw invalid('noAnswerRingSeconds', `The ring time before forwarding on no answer is ${MIN_RING_SECONDS} to ${MAX_RING_SECONDS} seconds`);
    }
    touched.add('noAnswerRingSeconds');
    next.noAnswerRingSeconds = s;
  }
  for (const key of ['voicemail', 'hideCallerId', 'callWaiting', 'doNotDisturb'] as const) {
    const v = patch[key];
    if (v === undefined) continue;
    touched.add(key);
    next[key] = v;
  }
  if (patch.voicemailToEmail !== undefined) {
    touched.add('voicemailToEmail');
    const v = patch.voicemailToEmail === null ? '' : patch.voicemailToEmail.trim();
    if (v !== '') checkEmail(v, 'voicemailToEmail');
    next.voicemailToEmail = v === '' ? null : v;
  }
  if (patch.cli !== undefined) {
    touched.add('cliNumber');
    if (!patch.cli.enabled) next.cliNumber = null;
    else {
      const raw = patch.cli.number ?? current.cliNumber;
      if (raw === null || raw.trim() === '') throw invalid('cli.number', 'Give the number to present when CLI is on');
      // Whether it is an active number of the same account and site is checked by checkCliNumber.
      next.cliNumber = parseNumber(raw, policy.country, 'cli.number').e164;
    }
  }
  if (patch.authorizationCode !== undefined) {
    touched.add('authCodeEnabled');
    const { enabled, code } = patch.authorizationCode;
    if (!enabled) {
      if (code !== undefined) throw invalid('authorizationCode.code', 'Send no code when turning the authorization code off');
      next.authCodeEnabled = false;
    } else {
      if (code !== undefined) {
        if (!AUTH_CODE_RE.test(code)) throw invalid('authorizationCode.code', 'An authorization code has 4 to 12 digits');
        newAuthCode = code;
      } else if (!current.authCodeEnabled) {
        throw invalid('authorizationCode.code', 'Give the code when turning the authorization code on');
      }
      next.authCodeEnabled = true;
    }
  }
  checkFeatureRules(next, touched);
  return { state: next, touched, newAuthCode };
}

const REQUEST_FIELD: Record<keyof FeatureState, string> = {
  forwardAlways: 'forwardAlways',
  forwardBusy: 'forwardBusy',
  forwardNoAnswer: 'forwardNoAnswer',
  noAnswerRingSeconds: 'noAnswerRingSeconds',
  voicemail: 'voicemail',
  voicemailToEmail: 'voicemailToEmail',
  hideCallerId: 'hideCallerId',
  callWaiting: 'callWaiting',
  doNotDisturb: 'doNotDisturb',
  cliNumber: 'cli',
  authCodeEnabled: 'authorizationCode',
};

/**
 * The combination rules of spec §4, on a complete state. `touched` (what the write changed) only
 * chooses which field the error names, so the refusal points at what the client just tried to do.
 */
export function checkFeatureRules(f: FeatureState, touched: ReadonlySet<keyof FeatureState> = new Set()): void {
  // "forward busy and call waiting are mutually exclusive — a busy line either waits or redirects."
  if (f.forwardBusy !== null && f.callWaiting) {
    const field = touched.has('callWaiting') && !touched.has('forwardBusy') ? 'callWaiting' : 'forwardBusy';
    const detail = field === 'callWaiting'
      ? 'Call waiting cannot be turned on while calls are forwarded when busy; turn off forward on busy first'
      : 'Forward on busy cannot be set while call waiting is on; turn off call waiting first';
    throw new AppError('busy_forward_with_call_waiting', detail, field);
  }
  // "No forwarding while an authorization code is enabled."
  const forwarding = FORWARDS.filter((k) => f[k] !== null);
  if (f.authCodeEnabled && forwarding.length > 0) {
    const forwardTouched = forwarding.find((k) => touched.has(k));
    const field = forwardTouched ?? (touched.has('authCodeEnabled') ? 'authCodeEnabled' : forwarding[0]!);
    const detail = field === 'authCodeEnabled'
      ? `The authorization code cannot be turned on while call forwarding is set (${forwarding.join(', ')}); turn forwarding off first`
      : 'Call forwarding is disabled while an authorization code is on; turn the authorization code off first';
    throw new AppError('forwarding_with_auth_code', detail, REQUEST_FIELD[field]);
  }
  if (f.noAnswerRingSeconds < MIN_RING_SECONDS || f.noAnswerRingSeconds > MAX_RING_SECONDS) {
    throw invalid('noAnswerRingSeconds', `The ring time before forwarding on no answer is ${MIN_RING_SECONDS} to ${MAX_RING_SECONDS} seconds`);
  }
}

/** The number a CLI would present, as found in the number's own account (null: not in the account). */
export interface CliCandidate {
  siteId: string;
  status: NumberStatus;
}

/**
 * Spec §4: the CLI must be an active number of the same account at the same site. The caller looks
 * the number up in its own account only, so a foreign account's number arrives here as null.
 */
export function checkCliNumber(e164: string, candidate: CliCandidate | null, siteId: string): void {
  if (candidate === null) {
    throw new AppError('cli_number_not_allowed', `${e164} is not a number of this account; the CLI must be an active number of the same account and site`, 'cli.number');
  }
  if (candidate.siteId !== siteId) {
    throw new AppError('cli_number_not_allowed', `${e164} belongs to another site; the CLI must be an active number of the same site`, 'cli.number');
  }
  if (candidate.status !== 'active') {
    throw new AppError('cli_number_not_allowed', `${e164} is ${candidate.status}, not active; the CLI must be an active number`, 'cli.number');
  }
}

/** Features as the API shows them: the authorization code only as `enabled`, never the code. */
export type FeatureView = Omit<FeatureState, 'cliNumber' | 'authCodeEnabled'> & {
  cli: { enabled: boolean; number: string | null };
  authorizationCode: { enabled: boolean };
};

export const featureView = (f: FeatureState): FeatureView => ({
  forwardAlways: f.forwardAlways,
  forwardBusy: f.forwardBusy,
  forwardNoAnswer: f.forwardNoAnswer,
  noAnswerRingSeconds: f.noAnswerRingSeconds,
  voicemail: f.voicemail,
  voicemailToEmail: f.voicemailToEmail,
  hideCallerId: f.hideCallerId,
  callWaiting: f.callWaiting,
  doNotDisturb: f.doNotDisturb,
  cli: { enabled: f.cliNumber !== null, number: f.cliNumber },
  authorizationCode: { enabled: f.authCodeEnabled },
});
