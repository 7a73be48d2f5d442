/**
 * What the federation screens share (spec §8): the policy form (every field of the policy table),
 * state badges, the impact preview of a departure, and helpers for the server's field names.
 */
import type { ReactNode } from 'react';
import type { ApiError, components } from '../../api/client.ts';
import { Badge, Checkbox, SelectField, fieldError } from '../../components/ui.tsx';

export type Federation = components['schemas']['Federation'];
export type Member = Federation['members'][number];
export type Policy = Federation['policy'];
export type Impact = components['schemas']['FederationImpact'];
export type PresetName = 'linked' | 'federated';

/** Every boolean field of the spec §8 policy table, in the table's order, with the table's wording. */
export const POLICY_SWITCHES: { key: Exclude<keyof Policy, 'callerIdDisplay'>; label: string }[] = [
  { key: 'directory', label: "Directory: find each other's users" },
  { key: 'extensionDialing', label: "Dial the other accounts' extensions (plain, or main number * extension)" },
  { key: 'metered', label: 'Calls between member accounts are metered' },
  { key: 'sharePresence', label: 'Share presence and status message' },
  { key: 'shareProfileImage', label: 'Share profile image' },
  { key: 'pager', label: 'Pager / extension texting to the other accounts' },
  { key: 'chat', label: 'Chat (1:1 and channels) and meetings' },
];

export const CALLER_ID_DISPLAY: Record<Policy['callerIdDisplay'], string> = {
  name_extension: 'Name + extension',
  name_number: 'Name + number',
};

export const PRESET_LABELS: Record<Federation['preset'], string> = {
  linked: 'Linked (one company, several accounts)',
  federated: 'Federated (partner companies)',
  custom: 'Custom',
};

/** The policy fields that differ between two policies. */
export function policyDiff(a: Policy, b: Policy): (keyof Policy)[] {
  return (Object.keys(a) as (keyof Policy)[]).filter((k) => a[k] !== b[k]);
}

export const POLICY_LABELS: Record<keyof Policy, string> = {
  ...Object.fromEntries(POLICY_SWITCHES.map((s) => [s.key, s.label])) as Record<Exclude<keyof Policy, 'callerIdDisplay'>, string>,
  callerIdDisplay: 'Caller ID, call log and notifications show',
};

/** The error of a field of a list item, as the server names it: `list[2].leaf`. */
export function errorAt(error: ApiError | null, list: string, i: number, leaf?: string): string | null {
  return fieldError(error, `${list}[${i}]${leaf ? `.${leaf}` : ''}`);
}

/** Every field of the policy, editable; the server's refusal is shown beside the field it names. */
export function PolicyFields({ value, onChange, error, disabled }: { value: Policy; onChange: (p: Policy) => void; error: ApiError | null; disabled?: boolean }) {
  return (
    <>
      {POLICY_SWITCHES.map((s) => (
        <Checkbox
          key={s.key}
          label={s.label}
          checked={value[s.key]}
          disabled={disabled}
          error={fieldError(error, s.key, `policy.${s.key}`)}
          onChange={(e) => onChange({ ...value, [s.key]: e.target.checked })}
        />
      ))}
      <SelectField
        label={POLICY_LABELS.callerIdDisplay}
        value={value.callerIdDisplay}
        disabled={disabled}
        error={fieldError(error, 'callerIdDisplay', 'policy.callerIdDisplay')}
        onChange={(e) => onChange({ ...value, callerIdDisplay: e.target.value as Policy['callerIdDisplay'] })}
      >
        {(Object.keys(CALLER_ID_DISPLAY) as Policy['callerIdDisplay'][]).map((k) => <option key={k} value={k}>{CALLER_ID_DISPLAY[k]}</option>)}
      </SelectField>
    </>
  );
}

/** The policy as a read-only list. */
export function PolicyList({ policy }: { policy: Policy }) {
  return (
    <dl className="details policy-list">
      {POLICY_SWITCHES.map((s) => (
        <Row key={s.key} term={s.label}>{policy[s.key] ? <Badge tone="ok">Yes</Badge> : <Badge tone="muted">No</Badge>}</Row>
      ))}
      <Row term={POLICY_LABELS.callerIdDisplay}>{CALLER_ID_DISPLAY[policy.callerIdDisplay]}</Row>
    </dl>
  );
}

function Row({ term, children }: { term: string; children: ReactNode }) {
  return <><dt>{term}</dt><dd>{children}</dd></>;
}

const STATUS: Record<Federation['status'], { label: string; tone: 'ok' | 'warn' | 'muted' | 'bad' }> = {
  proposed: { label: 'Proposed', tone: 'warn' },
  active: { label: 'Active', tone: 'ok' },
  dissolved: { label: 'Dissolved', tone: 'muted' },
  withdrawn: { label: 'Withdrawn', tone: 'muted' },
  declined: { label: 'Declined', tone: 'bad' },
};

export function FederationStatus({ status }: { status: Federation['status'] }) {
  return <Badge tone={STATUS[status].tone}>{STATUS[status].label}</Badge>;
}

const MEMBER: Record<Member['status'], { label: string; tone: 'ok' | 'warn' | 'muted' | 'bad' }> = {
  pending: { label: 'Invited', tone: 'warn' },
  active: { label: 'Member', tone: 'ok' },
  left: { label: 'Left', tone: 'muted' },
  removed: { label: 'Removed', tone: 'muted' },
  declined: { label: 'Declined', tone: 'bad' },
  withdrawn: { label: 'Invitation withdrawn', tone: 'muted' },
};

/** A member's status; before activation every account is a proposed member (pending), after it a pending one is invited. */
export function MemberStatus({ status, federation }: { status: Member['status']; federation: Federation['status'] }) {
  if (status === 'pending' && federation === 'proposed') return <Badge tone="warn">Proposed member</Badge>;
  return <Badge tone={MEMBER[status].tone}>{MEMBER[status].label}</Badge>;
}

/** Members that still count (spec §8 lifecycle): invited or active, not departed. */
export const isCurrent = (m: Member): boolean => m.status === 'pending' || m.status === 'active';
export const isLive = (f: Federation): boolean => f.status === 'proposed' || f.status === 'active';

/** Whether `accountId` has a consent to give in the current round. */
export function awaitsConsent(f: Federation, accountId: string): boolean {
  const me = f.members.find((m) => m.accountId === accountId);
  return !!me && isLive(f) && isCurrent(me) && !me.consentedThisRound;
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '—';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

const ACTION_WORDS: Record<Impact['action'], string> = { leave: 'leaving', remove: 'the removal', dissolve: 'dissolving the federation' };

/** The impact preview (GET …/impact): what stops at once when the departure is confirmed. */
export function ImpactView({ impact }: { impact: Impact }) {
  const nothing = impact.visibility.length === 0 && impact.extensionReach.length === 0 && impact.organizationConnect.length === 0;
  return (
    <section className="impact" aria-label="Impact preview">
      <h3>What stops at once</h3>
      {nothing ? (
        <p>Nothing shared stops: no account loses sight or extension reach of another through {ACTION_WORDS[impact.action]} (another federation still links them, or nothing was shared yet).</p>
      ) : (
        <ul>
          {impact.visibility.map((v) => (
            <li key={`v${v.accountId}`}>
              <strong>{v.name}</strong>: {v.users} {v.users === 1 ? 'user loses' : 'users lose'} sight of the users of {v.loseSightOf.join(', ')} (directory, chats across the link, shared channels).
            </li>
          ))}
          {impact.extensionReach.map((r) => (
            <li key={`r${r.accountId}`}><strong>{r.name}</strong> can no longer dial the extensions of {r.loseReachOf.join(', ')}.</li>
          ))}
          {impact.organizationConnect.map((o) => (
            <li key={`o${o.accountId}`}>
              {o.rules} {o.rules === 1 ? 'outbound call rule of this account stops' : 'outbound call rules of this account stop'} reaching {o.rules === 1 ? 'its' : 'their'} destination by prefix: {o.ruleNames.map((n) => `“${n}”`).join(', ')}.
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
