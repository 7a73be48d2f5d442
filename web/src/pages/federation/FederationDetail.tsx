/**
 * One federation (spec §8): its state, the members and their consent (who, when), this account's
 * consent screen (the exact acknowledgement the server gives, ticked before Consent is enabled),
 * decline and withdraw, the extension collision report, adding and removing accounts, leaving and
 * dissolving — each departure previewed with its impact before it is confirmed — the policy (edited
 * where the state allows), and the kept consent record.
 */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { api, call, once, type ApiError } from '../../api/client.ts';
import { useLoad, useSubmit, type Loaded } from '../../components/data.ts';
import { Actions, Badge, Checkbox, Dialog, Empty, FormError, LoadError, Loading, Page, Table, TextField, fieldError } from '../../components/ui.tsx';
import { useSession } from '../../session.tsx';
import {
  FederationStatus, ImpactView, MemberStatus, POLICY_LABELS, PRESET_LABELS, PolicyFields, PolicyList, awaitsConsent, isCurrent, isLive, policyDiff, when,
  type Federation, type Impact, type Member, type Policy,
} from './shared.tsx';
import './federation.css';

type RecordItem = { id: string; accountId: string; actorType: string; actorId: string | null; action: string; subjectAccountId: string | null; round: number; text: string; at: string };

export default function FederationDetail() {
  const { federationId = '' } = useParams();
  const s = useSession();
  const accountId = s.accountId!;
  const path = { federationId };
  const fed = useLoad(async () => call(api.GET('/v1/federations/{federationId}', { params: { path } })), [federationId, accountId]);
  const collisions = useLoad(async () => (await call(api.GET('/v1/federations/{federationId}/collisions', { params: { path } }))).items, [federationId, accountId]);
  const record = useLoad(async () => (await call(api.GET('/v1/federations/{federationId}/record', { params: { path } }))).items, [federationId, accountId]);

  const reloadAll = async () => {
    await Promise.all([fed.reload(), collisions.reload(), record.reload()]);
  };

  const f = fed.data;
  return (
    <Page
      title={f ? f.name : 'Federation'}
      actions={<button type="button" onClick={() => void reloadAll()}>Refresh</button>}
    >
      <p><Link to="/federations">← All federations</Link></p>
      {fed.error && <LoadError error={fed.error} retry={() => void fed.reload()} />}
      {!f && !fed.error && <Loading />}
      {f && <Detail f={f} accountId={accountId} collisions={collisions} record={record} reloadAll={reloadAll} />}
    </Page>
  );
}

type Collisions = Loaded<{ extension: string; accounts: { accountId: string; name: string; targets: { type: string; id: string; label: string }[] }[] }[]>;

function Detail({ f, accountId, collisions, record, reloadAll }: { f: Federation; accountId: string; collisions: Collisions; record: Loaded<RecordItem[]>; reloadAll: () => Promise<void> }) {
  const me = f.members.find((m) => m.accountId === accountId);
  const meCurrent = !!me && isCurrent(me);
  const live = isLive(f);
  const current = f.members.filter(isCurrent);
  const waiting = live ? current.filter((m) => !m.consentedThisRound).sort((a, b) => a.name.localeCompare(b.name)) : [];
  const names = useMemo(() => new Map(f.members.map((m) => [m.accountId, m.name])), [f.members]);

  const [dialog, setDialog] = useState<null | { kind: 'add' } | { kind: 'policy' } | { kind: 'withdraw' } | { kind: 'depart'; action: Impact['action']; member?: Member }>(null);
  const close = () => setDialog(null);
  const done = async () => {
    setDialog(null);
    await reloadAll();
  };

  const canAdd = live && meCurrent;
  const canLeave = live && meCurrent;
  const canDissolve = live && me?.status === 'active';
  const canRemove = (m: Member) => live && me?.status === 'active' && m.accountId !== accountId && isCurrent(m);
  const canWithdraw = (f.status === 'proposed' && f.proposedByAccountId === accountId) || (f.status === 'active' && me?.status === 'active' && f.members.some((m) => m.status === 'pending'));
  const canEditPolicy = live && meCurrent;

  return (
    <>
      <section className="card" aria-label="Summary">
        <p className="state-line">
          <FederationStatus status={f.status} />{' '}
          {f.status === 'proposed' && <span>Not active yet: it becomes active when every member account has consented ({current.length - waiting.length} of {current.length} have).</span>}
          {f.status === 'active' && waiting.length === 0 && <span>Active since {when(f.activatedAt)}: every member account consented.</span>}
          {f.status === 'active' && waiting.length > 0 && <span>Active. Round {f.round} adds accounts: they join when every account, old and new, has consented ({current.length - waiting.length} of {current.length} have).</span>}
          {!live && <span>Ended {when(f.endedAt)}. Nothing is shared through it any more.</span>}
        </p>
        <dl className="details">
          <dt>Policy</dt><dd>{PRESET_LABELS[f.preset]}</dd>
          <dt>Proposed by</dt><dd>{names.get(f.proposedByAccountId) ?? '—'}, {when(f.createdAt)}</dd>
          <dt>Consent round</dt><dd>{f.round}</dd>
          {f.activatedAt && <><dt>Activated</dt><dd>{when(f.activatedAt)}</dd></>}
        </dl>
        {(canAdd || canLeave || canDissolve || canWithdraw) && (
          <div className="toolbar federation-actions">
            {canAdd && <button type="button" onClick={() => setDialog({ kind: 'add' })}>Add member account</button>}
            {canWithdraw && <button type="button" onClick={() => setDialog({ kind: 'withdraw' })}>{f.status === 'proposed' ? 'Withdraw proposal' : 'Withdraw pending invitation'}</button>}
            {canLeave && <button type="button" className="danger" onClick={() => setDialog({ kind: 'depart', action: 'leave' })}>Leave federation</button>}
            {canDissolve && <button type="button" className="danger" onClick={() => setDialog({ kind: 'depart', action: 'dissolve' })}>Dissolve federation</button>}
          </div>
        )}
      </section>

      {me && awaitsConsent(f, accountId) && <ConsentPanel f={f} me={me} collisions={collisions} onDone={reloadAll} />}
      {me && live && meCurrent && me.consentedThisRound && waiting.length > 0 && (
        <p className="card" role="status">This account consented to round {f.round}. Waiting for: {waiting.map((m) => m.name).join(', ')}.</p>
      )}

      <section aria-labelledby="members-title">
        <h2 id="members-title">Member accounts</h2>
        <Table
          caption="Member accounts and their consent"
          rows={[...f.members].sort((a, b) => Number(isCurrent(b)) - Number(isCurrent(a)) || a.name.localeCompare(b.name))}
          rowKey={(m) => m.accountId}
          empty="No member accounts."
          columns={[
            { header: 'Account', cell: (m) => <><strong>{m.name}</strong>{m.accountId === accountId && <span className="muted"> (this account)</span>}<div className="muted small">{m.sipDomain}</div></> },
            { header: 'Membership', cell: (m) => <><MemberStatus status={m.status} federation={f.status} />{m.joinedAt && m.status === 'active' && <div className="muted small">since {when(m.joinedAt)}</div>}{m.endedAt && <div className="muted small">{when(m.endedAt)}</div>}</> },
            { header: `Consent (round ${f.round})`, cell: (m) => <ConsentCell f={f} m={m} record={record.data} ownAccountId={accountId} /> },
            {
              header: 'Actions', className: 'actions-cell',
              cell: (m) => canRemove(m) ? <button type="button" className="small danger" onClick={() => setDialog({ kind: 'depart', action: 'remove', member: m })}>Remove<span className="sr-only"> {m.name}</span></button> : null,
            },
          ]}
        />
      </section>

      <section aria-labelledby="policy-title">
        <div className="section-head">
          <h2 id="policy-title">Policy</h2>
          {canEditPolicy && <button type="button" onClick={() => setDialog({ kind: 'policy' })}>Edit policy</button>}
        </div>
        <div className="card"><PolicyList policy={f.policy} /></div>
      </section>

      <CollisionReport f={f} collisions={collisions} />

      <section aria-labelledby="record-title">
        <h2 id="record-title">Consent record</h2>
        <p className="hint">Every proposal, consent, refusal and departure, with who, when and the exact text. It is kept and cannot be deleted.</p>
        {record.error && <LoadError error={record.error} retry={() => void record.reload()} />}
        {record.data && (
          <Table
            caption="Consent record"
            rows={[...record.data].reverse()}
            rowKey={(r) => r.id}
            empty="Nothing recorded yet."
            columns={[
              { header: 'When', cell: (r) => when(r.at) },
              { header: 'Account', cell: (r) => names.get(r.accountId) ?? r.accountId },
              { header: 'By', cell: (r) => <Actor r={r} ownAccountId={accountId} names={names} /> },
              { header: 'Step', cell: (r) => <>{r.action} <span className="muted small">round {r.round}</span></> },
              { header: 'Text', cell: (r) => <span className="record-text">{r.text}</span> },
            ]}
          />
        )}
      </section>

      <Dialog title="Add a member account" open={dialog?.kind === 'add'} onClose={close}>
        {dialog?.kind === 'add' && <AddMember f={f} onCancel={close} onDone={done} />}
      </Dialog>
      <Dialog title="Edit the policy" open={dialog?.kind === 'policy'} onClose={close} wide>
        {dialog?.kind === 'policy' && <EditPolicy f={f} onCancel={close} onDone={done} />}
      </Dialog>
      <Dialog title={f.status === 'proposed' ? 'Withdraw the proposal' : 'Withdraw the pending invitation'} open={dialog?.kind === 'withdraw'} onClose={close}>
        {dialog?.kind === 'withdraw' && <Withdraw f={f} onCancel={close} onDone={done} />}
      </Dialog>
      <Dialog
        title={dialog?.kind === 'depart' ? departTitle(dialog.action, dialog.member) : ''}
        open={dialog?.kind === 'depart'}
        onClose={close}
        wide
      >
        {dialog?.kind === 'depart' && <Depart f={f} action={dialog.action} member={dialog.member ?? null} onCancel={close} onDone={done} />}
      </Dialog>
    </>
  );
}

function departTitle(action: Impact['action'], member?: Member): string {
  if (action === 'remove') return `Remove ${member?.name ?? 'the account'}`;
  if (action === 'leave') return 'Leave the federation';
  return 'Dissolve the federation';
}

/** Who took a step: this account's users by name; another account's admins by their account. */
function Actor({ r, ownAccountId, names }: { r: RecordItem; ownAccountId: string; names: Map<string, string> }) {
  const user = useLoad(async () => {
    if (r.actorType !== 'user' || !r.actorId || r.accountId !== ownAccountId) return null;
    return call(api.GET('/v1/users/{userId}', { params: { path: { userId: r.actorId } } })).catch(() => null);
  }, [r.id]);
  if (r.actorType === 'operator') return <>Operator</>;
  if (r.actorType === 'system') return <>Tandem</>;
  if (user.data) return <>{user.data.firstName} {user.data.lastName}</>;
  return <>An admin of {names.get(r.accountId) ?? 'another account'}</>;
}

/** A member's consent to the current round: when and by whom, or that it is still awaited. */
function ConsentCell({ f, m, record, ownAccountId }: { f: Federation; m: Member; record: RecordItem[] | null; ownAccountId: string }) {
  if (!isCurrent(m)) return <span className="muted">—</span>;
  const names = new Map(f.members.map((x) => [x.accountId, x.name]));
  if (m.consentedThisRound) {
    const step = record?.filter((r) => r.action === 'consent' && r.accountId === m.accountId && r.round === f.round).at(-1);
    return (
      <>
        <Badge tone="ok">Consented</Badge>
        {step && <div className="muted small">{when(step.at)} · <Actor r={step} ownAccountId={ownAccountId} names={names} /></div>}
      </>
    );
  }
  if (!isLive(f)) return <span className="muted">—</span>;
  return (
    <>
      <Badge tone="warn">Awaiting consent</Badge>
      {m.consentedRound !== null && <div className="muted small">last consented to round {m.consentedRound}</div>}
    </>
  );
}

/**
 * The consent screen: the exact acknowledgement the server will accept for this round, a tick box the
 * admin must check before Consent is enabled, and Decline.
 */
function ConsentPanel({ f, me, collisions, onDone }: { f: Federation; me: Member; collisions: Collisions; onDone: () => Promise<void> }) {
  const path = { federationId: f.id };
  const text = useLoad(async () => call(api.GET('/v1/federations/{federationId}/consent-text', { params: { path } })), [f.id, f.round]);
  const [ack, setAck] = useState(false);
  const [declining, setDeclining] = useState(false);
  const submit = useSubmit();

  // A new text (another round) must be read and acknowledged afresh.
  useEffect(() => setAck(false), [text.data?.text]);

  const consent = () => {
    if (!text.data) return;
    void submit.run(async () => {
      try {
        await call(api.POST('/v1/federations/{federationId}/consent', { params: { path, header: once() }, body: { text: text.data!.text } }));
      } catch (e) {
        // The round changed under the admin (another account added a member or changed the policy): show the new text.
        if ((e as ApiError).code === 'consent_text_mismatch') await text.reload();
        throw e;
      }
      await onDone();
    });
  };

  const plainDialing = f.policy.extensionDialing && (collisions.data?.length ?? 0) > 0;
  return (
    <section className="card attention consent" aria-labelledby="consent-title">
      <h2 id="consent-title">Your consent</h2>
      <p>
        {f.status === 'proposed'
          ? `${me.name} is asked to join "${f.name}". It becomes active only when every member account has consented.`
          : `Round ${f.round} adds accounts to "${f.name}". They join when every account, old and new, has consented.`}
      </p>
      {text.error && <LoadError error={text.error} retry={() => void text.reload()} />}
      {!text.data && !text.error && <Loading />}
      {text.data && (
        <>
          <p className="hint">The acknowledgement, exactly as it is recorded with your name and the time:</p>
          <pre className="quote" aria-label="Acknowledgement text">{text.data.text}</pre>
          {plainDialing && (
            <p className="warning" role="note">
              Plain extension dialing is on and {collisions.data!.length} extension(s) are used in more than one member account (see the collision report below):
              the last consent is refused until they are resolved or plain extension dialing is turned off.
            </p>
          )}
          <Checkbox
            label={`I have read this acknowledgement and give it on behalf of ${me.name}`}
            checked={ack}
            onChange={(e) => setAck(e.target.checked)}
            error={fieldError(submit.error, 'text')}
          />
          <FormError error={submit.error} fields={['text']} />
          <Actions>
            <button type="button" onClick={() => setDeclining(true)}>Decline</button>
            <button type="button" className="primary" disabled={!ack || submit.busy} onClick={consent}>{submit.busy ? 'Consenting…' : 'Consent'}</button>
          </Actions>
        </>
      )}
      <Dialog title={f.status === 'proposed' ? 'Decline the proposal' : 'Decline the addition'} open={declining} onClose={() => setDeclining(false)}>
        {declining && <Decline f={f} onCancel={() => setDeclining(false)} onDone={async () => { setDeclining(false); await onDone(); }} />}
      </Dialog>
    </section>
  );
}

function Decline({ f, onCancel, onDone }: { f: Federation; onCancel: () => void; onDone: () => Promise<void> }) {
  const [reason, setReason] = useState('');
  const submit = useSubmit();
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submit.run(async () => {
      await call(api.POST('/v1/federations/{federationId}/decline', { params: { path: { federationId: f.id }, header: once() }, body: reason.trim() ? { reason: reason.trim() } : {} }));
      await onDone();
    });
  };
  return (
    <form onSubmit={onSubmit}>
      <p>
        {f.status === 'proposed'
          ? `Declining ends the proposal "${f.name}" for every account.`
          : `Declining cancels round ${f.round}: the invited accounts stay out; the federation stays as it was.`}
      </p>
      <TextField label="Reason (optional, recorded)" maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} error={fieldError(submit.error, 'reason')} />
      <FormError error={submit.error} fields={['reason']} />
      <Actions>
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="submit" className="danger" disabled={submit.busy}>Decline</button>
      </Actions>
    </form>
  );
}

function Withdraw({ f, onCancel, onDone }: { f: Federation; onCancel: () => void; onDone: () => Promise<void> }) {
  const submit = useSubmit();
  const pending = f.members.filter((m) => m.status === 'pending');
  return (
    <div>
      <p>
        {f.status === 'proposed'
          ? `The proposal "${f.name}" ends for every account; nothing was shared.`
          : `The invitation of ${pending.map((m) => m.name).join(', ')} is withdrawn; the federation stays as it is.`}
      </p>
      <FormError error={submit.error} />
      <Actions>
        <button type="button" onClick={onCancel}>Cancel</button>
        <button
          type="button"
          className="danger"
          disabled={submit.busy}
          onClick={() => void submit.run(async () => {
            await call(api.POST('/v1/federations/{federationId}/withdraw', { params: { path: { federationId: f.id }, header: once() } }));
            await onDone();
          })}
        >
          Withdraw
        </button>
      </Actions>
    </div>
  );
}

/** Adding an account: a new round every account, old and new, consents to (spec §8). */
function AddMember({ f, onCancel, onDone }: { f: Federation; onCancel: () => void; onDone: () => Promise<void> }) {
  const [domain, setDomain] = useState('');
  const submit = useSubmit();
  const shared = [
    f.policy.directory && 'their users appear in the directory of every member (and every member\'s users in theirs)',
    f.policy.extensionDialing && 'extensions are dialled across the accounts',
    f.policy.sharePresence && 'presence and status messages are shared',
    f.policy.shareProfileImage && 'profile images are shared',
    f.policy.pager && 'pager texting reaches them',
    f.policy.chat && 'chat and meetings are open between the accounts',
  ].filter(Boolean) as string[];
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void submit.run(async () => {
      await call(api.POST('/v1/federations/{federationId}/members', { params: { path: { federationId: f.id }, header: once() }, body: { sipDomain: domain.trim() } }));
      await onDone();
    });
  };
  return (
    <form onSubmit={onSubmit}>
      <TextField label="SIP domain of the account to add" required value={domain} onChange={(e) => setDomain(e.target.value)} error={fieldError(submit.error, 'sipDomain')} hint="Its admin finds it on their account." />
      <section className="impact" aria-label="Impact preview">
        <h3>What adding it means</h3>
        <ul>
          <li>Round {f.round + 1} starts: every account — {f.members.filter(isCurrent).map((m) => m.name).join(', ')} and the new one — must consent again.</li>
          <li>Until then nothing changes for the new account{f.status === 'active' ? '; the current members stay federated as they are' : ''}.</li>
          <li>Once everyone has consented, all users of the new account become visible to all users of every member{shared.length > 0 ? `, and ${shared.join('; ')}` : ''}.</li>
        </ul>
      </section>
      <FormError error={submit.error} fields={['sipDomain']} />
      <Actions>
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="submit" className="primary" disabled={submit.busy}>Invite the account</button>
      </Actions>
    </form>
  );
}

/** Leave, remove or dissolve: the impact preview first (GET …/impact), then the confirmation. */
function Depart({ f, action, member, onCancel, onDone }: { f: Federation; action: Impact['action']; member: Member | null; onCancel: () => void; onDone: () => Promise<void> }) {
  const path = { federationId: f.id };
  const impact = useLoad(async () => call(api.GET('/v1/federations/{federationId}/impact', {
    params: { path, query: { action, ...(member ? { accountId: member.accountId } : {}) } },
  })), [f.id, action, member?.accountId]);
  const submit = useSubmit();
  const confirm = () => void submit.run(async () => {
    if (action === 'leave') await call(api.POST('/v1/federations/{federationId}/leave', { params: { path, header: once() } }));
    else if (action === 'dissolve') await call(api.POST('/v1/federations/{federationId}/dissolve', { params: { path, header: once() } }));
    else await call(api.DELETE('/v1/federations/{federationId}/members/{accountId}', { params: { path: { ...path, accountId: member!.accountId } } }));
    await onDone();
  });
  const what = action === 'leave'
    ? `This account leaves "${f.name}" at once.`
    : action === 'remove'
      ? `${member?.name} is taken out of "${f.name}" at once.`
      : `"${f.name}" ends at once for every member account.`;
  return (
    <div>
      <p>{what} Nothing shared through this federation is left behind: 1:1 chats across the broken link disappear from both sides, and in shared channels the departed users lose access at once and their old messages show as Unknown user.</p>
      {impact.error && <LoadError error={impact.error} retry={() => void impact.reload()} />}
      {!impact.data && !impact.error && <Loading />}
      {impact.data && <ImpactView impact={impact.data} />}
      <FormError error={submit.error} />
      <Actions>
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="button" className="danger" disabled={!impact.data || submit.busy} onClick={confirm}>
          {action === 'leave' ? 'Leave' : action === 'remove' ? `Remove ${member?.name ?? ''}` : 'Dissolve'}
        </button>
      </Actions>
    </div>
  );
}

/** The policy, every field editable: before activation any change (consent starts again); once active only sharing less. */
function EditPolicy({ f, onCancel, onDone }: { f: Federation; onCancel: () => void; onDone: () => Promise<void> }) {
  const [policy, setPolicy] = useState<Policy>(f.policy);
  const submit = useSubmit();
  const changed = policyDiff(f.policy, policy);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const patch = Object.fromEntries(changed.map((k) => [k, policy[k]])) as Partial<Policy>;
    void submit.run(async () => {
      await call(api.PATCH('/v1/federations/{federationId}/policy', { params: { path: { federationId: f.id } }, body: patch }));
      await onDone();
    });
  };
  return (
    <form onSubmit={onSubmit}>
      <p className="hint">
        {f.status === 'proposed'
          ? 'Before activation any field may change; every account must then consent again to the new policy.'
          : 'In an active federation the policy may only share less at once; sharing more needs every account\'s fresh consent (propose a new federation with that policy).'}
      </p>
      <PolicyFields value={policy} onChange={setPolicy} error={submit.error} />
      {changed.length > 0 && <p className="hint" role="status">Changing: {changed.map((k) => POLICY_LABELS[k].toLowerCase()).join('; ')}.</p>}
      <FormError error={submit.error} fields={Object.keys(policy)} />
      <Actions>
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="submit" className="primary" disabled={changed.length === 0 || submit.busy}>Save policy</button>
      </Actions>
    </form>
  );
}

/** Every extension used in more than one member account (spec §8), and what it points at in each. */
function CollisionReport({ f, collisions }: { f: Federation; collisions: Collisions }) {
  return (
    <section aria-labelledby="collisions-title">
      <h2 id="collisions-title">Extension collisions</h2>
      <p className="hint">
        {f.policy.extensionDialing
          ? 'With plain extension dialing, an extension used in more than one member account is ambiguous: a federation is not activated while any remain. Callers can always reach a specific member with <main number>*<extension> or an Organization Connect prefix.'
          : 'Plain extension dialing is off in this federation, so these do not block it; they matter if it is turned on.'}
      </p>
      {collisions.error && <LoadError error={collisions.error} retry={() => void collisions.reload()} />}
      {!collisions.data && !collisions.error && <Loading />}
      {collisions.data && (collisions.data.length === 0 ? <Empty>No extension is used in more than one member account.</Empty> : (
        <Table
          caption="Extension collisions"
          rows={collisions.data}
          rowKey={(c) => c.extension}
          empty=""
          columns={[
            { header: 'Extension', cell: (c) => <strong>{c.extension}</strong> },
            {
              header: 'Used in',
              cell: (c) => (
                <ul className="plain">
                  {c.accounts.map((a) => <li key={a.accountId}><strong>{a.name}</strong>: {a.targets.map((t) => `${t.label} (${t.type.replace(/_/g, ' ')})`).join(', ')}</li>)}
                </ul>
              ),
            },
          ]}
        />
      ))}
    </section>
  );
}
