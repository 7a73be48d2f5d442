/**
 * Linking and federation (spec §8): policy fields, the `linked` and `federated` presets, membership
 * limits, the consent text and the lifecycle rules. Pure, no I/O.
 */
import { AppError, invalid } from './errors.ts';

export type CallerIdDisplay = 'name_extension' | 'name_number';

/** Every field of the spec §8 policy table. */
export interface FederationPolicy {
  /** Find each other's users in the directory. */
  directory: boolean;
  /** Dial the other account's extensions (plain, or main number `*` extension). */
  extensionDialing: boolean;
  /** Calls between member accounts are metered (both presets: no, free). */
  metered: boolean;
  /** What caller ID, call log and notifications show. */
  callerIdDisplay: CallerIdDisplay;
  sharePresence: boolean;
  shareProfileImage: boolean;
  /** Pager / extension texting to the other account. */
  pager: boolean;
  /** Chat (1:1 and channels) and meetings. */
  chat: boolean;
}

export type Preset = 'linked' | 'federated';

/** The two presets exactly as the spec §8 table gives them (configurable fields at their defaults). */
export const PRESETS: Record<Preset, FederationPolicy> = {
  linked: { directory: true, extensionDialing: true, metered: false, callerIdDisplay: 'name_extension', sharePresence: false, shareProfileImage: false, pager: false, chat: true },
  federated: { directory: true, extensionDialing: false, metered: false, callerIdDisplay: 'name_number', sharePresence: true, shareProfileImage: true, pager: false, chat: true },
};

export const MIN_MEMBERS = 2;
export const MAX_MEMBERS = 10;

/** What one account is granted on another: the union over every active federation both are active in. */
export interface Grant {
  accountId: string;
  accountName: string;
  directory: boolean;
  extensionDialing: boolean;
  metered: boolean;
  showExtension: boolean;
  sharePresence: boolean;
  shareProfileImage: boolean;
  pager: boolean;
  chat: boolean;
  federations: { id: string; name: string }[];
}

export type FederationStatus = 'proposed' | 'active' | 'dissolved' | 'withdrawn' | 'declined';
export type MemberStatus = 'pending' | 'active' | 'left' | 'removed' | 'declined' | 'withdrawn';

/** Members that still count: not departed. */
export const isCurrent = (s: MemberStatus): boolean => s === 'pending' || s === 'active';

export function resolvePolicy(preset: Preset | undefined, overrides: Partial<FederationPolicy> | undefined): { preset: Preset | 'custom'; policy: FederationPolicy } {
  const base = PRESETS[preset ?? 'linked'];
  const policy = { ...base, ...(overrides ?? {}) };
  const same = (Object.keys(base) as (keyof FederationPolicy)[]).every((k) => base[k] === policy[k]);
  return { preset: same ? (preset ?? 'linked') : 'custom', policy };
}

export function checkMemberCount(n: number, field = 'members'): void {
  if (n < MIN_MEMBERS) throw invalid(field, `A federation has at least ${MIN_MEMBERS} accounts`);
  if (n > MAX_MEMBERS) throw new AppError('federation_full', `A federation has at most ${MAX_MEMBERS} accounts; this would make ${n}`, field, { max: MAX_MEMBERS });
}

/** Policy fields that share more with the other accounts when true (widening needs consent). */
const WIDENING: (keyof FederationPolicy)[] = ['directory', 'extensionDialing', 'metered', 'sharePresence', 'shareProfileImage', 'pager', 'chat'];

/** The fields a change would widen (turning sharing on, or showing extensions): these need fresh consent. */
export function wideningFields(from: FederationPolicy, to: FederationPolicy): string[] {
  const out = WIDENING.filter((k) => k !== 'metered' && !from[k] && to[k]);
  if (from.callerIdDisplay !== to.callerIdDisplay && to.callerIdDisplay === 'name_extension') out.push('callerIdDisplay');
  return out;
}

/**
 * The exact acknowledgement an account admin submits to consent (spec §8: "explicitly acknowledging
 * that all of their users become visible to all users of every member").
 */
export function consentText(f: { name: string; round: number }, own: string, others: string[], policy: FederationPolicy): string {
  const shared = [
    policy.directory ? 'directory entries' : null,
    policy.extensionDialing ? 'extension dialing' : null,
    policy.sharePresence ? 'presence and status messages' : null,
    policy.shareProfileImage ? 'profile images' : null,
    policy.pager ? 'pager texting' : null,
    policy.chat ? 'chat and meetings' : null,
  ].filter(Boolean).join(', ');
  return `On behalf of ${own}, I consent to federation "${f.name}" (round ${f.round}) with ${others.sort().join(', ')}. `
    + `I acknowledge that all users of ${own} become visible to all users of every member account, and that these are shared: ${shared || 'nothing beyond membership'}.`;
}
