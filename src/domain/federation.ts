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

export type DepartureAction = 'leave' | 'remove' | 'dissolve';

/** What a departure or dissolution stops (spec §8 "impact preview"); the same value drives the change. */
export interface Impact {
  action: DepartureAction;
  /** The departing account (leave, remove); null for dissolve. */
  accountId: string | null;
  /** Per account: how many of its users lose sight of the users of which accounts. */
  visibility: { accountId: string; name: string; users: number; loseSightOf: string[] }[];
  /** Pairs of accounts that can no longer dial each other's extensions. */
  extensionReach: { accountId: string; name: string; loseReachOf: string[] }[];
  /** Organization Connect rules that will stop working, per account (counts; names for the caller's own). */
  organizationConnect: { accountId: string; rules: number; ruleNames: string[] }[];
}

/**
 * The impact of a departure, from the federation's policy, its active members, and what other
 * federations still grant between each pair (`remaining`). Pure: the preview and the change share it.
 */
export function computeImpact(input: {
  action: DepartureAction;
  departing: string | null;
  policy: FederationPolicy;
  members: { accountId: string; name: string }[];
  remaining: { a: string; b: string; directory: boolean; extensionDialing: boolean }[];
  userCounts: Map<string, number>;
}): Omit<Impact, 'organizationConnect'> {
  const names = new Map(input.members.map((m) => [m.accountId, m.name]));
  const affected = input.remaining.filter((p) => input.departing === null || p.a === input.departing || p.b === input.departing);
  const sight = new Map<string, Set<string>>();
  const reach = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, x: string, y: string) => (m.get(x) ?? m.set(x, new Set()).get(x)!).add(y);
  for (const p of affected) {
    if (input.policy.directory && !p.directory) {
      add(sight, p.a, p.b);
      add(sight, p.b, p.a);
    }
    if (input.policy.extensionDialing && !p.extensionDialing) {
      add(reach, p.a, p.b);
      add(reach, p.b, p.a);
    }
  }
  const label = (ids: Set<string>) => [...ids].map((id) => names.get(id) ?? id).sort();
  const order = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  return {
    action: input.action,
    accountId: input.departing,
    visibility: [...sight].map(([id, others]) => ({ accountId: id, name: names.get(id) ?? id, users: input.userCounts.get(id) ?? 0, loseSightOf: label(others) })).sort(order),
    extensionReach: [...reach].map(([id, others]) => ({ accountId: id, name: names.get(id) ?? id, loseReachOf: label(others) })).sort(order),
  };
}
