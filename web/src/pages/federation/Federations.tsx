/**
 * Federations (spec §8): the federations this account is or was part of, the invitations waiting for
 * this account's consent (highlighted), and proposing a federation — name, a policy preset that fills
 * every field of the policy table with every field still editable, and the other member accounts by
 * their SIP domain (the API names accounts by SIP domain: an admin cannot list other accounts).
 */
import { useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, call, once } from '../../api/client.ts';
import { useLoad, useSubmit } from '../../components/data.ts';
import { Actions, Badge, Checkbox, Dialog, FormError, LoadError, Loading, Page, Table, TextField, fieldError } from '../../components/ui.tsx';
import { useSession } from '../../session.tsx';
import {
  FederationStatus, PRESET_LABELS, PolicyFields, awaitsConsent, errorAt, isCurrent, isLive, policyDiff, POLICY_LABELS, when,
  type Federation, type Policy, type PresetName,
} from './shared.tsx';
import './federation.css';

/** This account's consent state in a federation, as a badge. */
function MyConsent({ f, accountId }: { f: Federation; accountId: string }) {
  const me = f.members.find((m) => m.accountId === accountId);
  if (!me) return null;
  if (awaitsConsent(f, accountId)) return <Badge tone="warn">Awaiting your consent (round {f.round})</Badge>;
  if (isLive(f) && isCurrent(me)) return <Badge tone="ok">Consented (round {f.round})</Badge>;
  const ended: Record<string, string> = { left: 'This account left', removed: 'This account was removed', declined: 'Declined', withdrawn: 'Invitation withdrawn' };
  return <Badge tone="muted">{ended[me.status] ?? 'Ended'}</Badge>;
}

function MembersCell({ f }: { f: Federation }) {
  const current = f.members.filter(isCurrent);
  const waiting = isLive(f) ? current.filter((m) => !m.consentedThisRound).length : 0;
  return (
    <>
      <span>{current.length} {current.length === 1 ? 'account' : 'accounts'}</span>
      {waiting > 0 && <span className="muted"> · {waiting} yet to consent</span>}
      <div className="muted small">{current.map((m) => m.name).join(', ')}</div>
    </>
  );
}

export default function Federations() {
  const s = useSession();
  const accountId = s.accountId!;
  const list = useLoad(async () => (await call(api.GET('/v1/federations'))).items, [accountId]);
  const [showEnded, setShowEnded] = useState(false);
  const [proposing, setProposing] = useState(false);

  const feds = list.data ?? [];
  const invitations = feds.filter((f) => awaitsConsent(f, accountId));
  const ongoing = (f: Federation) => {
    const me = f.members.find((m) => m.accountId === accountId);
    return isLive(f) && !!me && isCurrent(me);
  };
  const shown = feds.filter((f) => showEnded || ongoing(f));
  const endedCount = feds.filter((f) => !ongoing(f)).length;
  const sorted = [...shown].sort((a, b) => a.name.localeCompare(b.name));

  return (
    <Page
      title="Federations"
      actions={<>
        <button type="button" onClick={() => void list.reload()}>Refresh</button>
        <button type="button" className="primary" onClick={() => setProposing(true)}>Propose a federation</button>
      </>}
    >
      {list.error && <LoadError error={list.error} retry={() => void list.reload()} />}
      {!list.data && !list.error && <Loading />}
      {list.data && (
        <>
          {invitations.length > 0 && (
            <section className="card attention" aria-labelledby="awaiting-title">
              <h2 id="awaiting-title">Awaiting your consent</h2>
              <p>These federations wait for this account's admin to consent. Nothing is shared until every member account has consented.</p>
              <ul className="invitations">
                {invitations.map((f) => {
                  const by = f.members.find((m) => m.accountId === f.proposedByAccountId);
                  return (
                    <li key={f.id}>
                      <strong>{f.name}</strong> <FederationStatus status={f.status} />{' '}
                      <span className="muted">
                        {f.status === 'proposed' ? `proposed by ${by?.name ?? 'another account'}` : `round ${f.round}: accounts are being added`}
                        {' · '}{f.members.filter(isCurrent).map((m) => m.name).join(', ')}
                      </span>{' '}
                      <Link to={`/federations/${f.id}`} className="button small">Review and consent<span className="sr-only"> to {f.name}</span></Link>
                    </li>
                  );
                })}
              </ul>
            </section>
          )}
          <div className="toolbar">
            <Checkbox label={`Show ended federations (${endedCount})`} checked={showEnded} onChange={(e) => setShowEnded(e.target.checked)} />
          </div>
          <Table
            caption="Federations of this account"
            rows={sorted}
            rowKey={(f) => f.id}
            empty={feds.length === 0 ? 'This account is in no federation yet. Propose one to link with other accounts.' : 'No current federation; tick "Show ended federations" to see the others.'}
            columns={[
              { header: 'Name', cell: (f) => <Link to={`/federations/${f.id}`}>{f.name}</Link> },
              { header: 'State', cell: (f) => <FederationStatus status={f.status} /> },
              { header: 'Policy', cell: (f) => PRESET_LABELS[f.preset] },
              { header: 'Members', cell: (f) => <MembersCell f={f} /> },
              { header: 'Your consent', cell: (f) => <MyConsent f={f} accountId={accountId} /> },
              { header: 'Since', cell: (f) => when(f.activatedAt ?? f.createdAt) },
            ]}
          />
        </>
      )}
      <Propose open={proposing} onClose={() => setProposing(false)} federations={feds} accountId={accountId} />
    </Page>
  );
}

/** The presets from the server (GET /v1/federations/presets): the spec §8 table, never copied here. */
function usePresets() {
  return useLoad(async () => (await call(api.GET('/v1/federations/presets'))).items, []);
}

function Propose({ open, onClose, federations, accountId }: { open: boolean; onClose: () => void; federations: Federation[]; accountId: string }) {
  return (
    <Dialog title="Propose a federation" open={open} onClose={onClose} wide>
      <ProposeForm onClose={onClose} federations={federations} accountId={accountId} />
    </Dialog>
  );
}

function ProposeForm({ onClose, federations, accountId }: { onClose: () => void; federations: Federation[]; accountId: string }) {
  const navigate = useNavigate();
  const presets = usePresets();
  const own = useLoad(async () => call(api.GET('/v1/accounts/{accountId}', { params: { path: { accountId } } })), [accountId]);
  const [name, setName] = useState('');
  const [preset, setPreset] = useState<PresetName>('linked');
  const [policy, setPolicy] = useState<Policy | null>(null);
  const [domains, setDomains] = useState<string[]>(['']);
  const submit = useSubmit();

  const presetPolicy = presets.data?.find((p) => p.preset === preset)?.policy ?? null;
  const current = policy ?? presetPolicy;
  const changed = current && presetPolicy ? policyDiff(presetPolicy, current) : [];

  // Accounts this one has been in a federation with: offered as suggestions (their SIP domains).
  const known = useMemo(() => {
    const m = new Map<string, string>();
    for (const f of federations) for (const x of f.members) if (x.accountId !== accountId) m.set(x.sipDomain, x.name);
    return [...m].sort((a, b) => a[1].localeCompare(b[1]));
  }, [federations, accountId]);

  const choosePreset = (p: PresetName) => {
    setPreset(p);
    setPolicy(null); // the preset fills every field
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!current) return;
    void submit.run(async () => {
      const f = await call(api.POST('/v1/federations', {
        params: { header: once() },
        body: { name, preset, policy: current, memberSipDomains: domains.map((d) => d.trim()) },
      }));
      onClose();
      navigate(`/federations/${f.id}`);
    });
  };

  if (presets.error) return <LoadError error={presets.error} retry={() => void presets.reload()} />;
  if (!current) return <Loading />;

  const listError = fieldError(submit.error, 'memberSipDomains');
  return (
    <form onSubmit={onSubmit} className="propose">
      <TextField label="Name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} error={fieldError(submit.error, 'name')} />

      <fieldset>
        <legend>Policy</legend>
        <div role="radiogroup" aria-label="Policy preset" className="presets">
          {(presets.data ?? []).map((p) => (
            <label key={p.preset} className="preset">
              <input type="radio" name="preset" value={p.preset} checked={preset === p.preset} onChange={() => choosePreset(p.preset)} />
              {PRESET_LABELS[p.preset]}
            </label>
          ))}
        </div>
        <p className="hint" role="status">
          {changed.length === 0
            ? `Every field below is the ${preset} preset's; change any of them.`
            : `Custom: differs from the ${preset} preset in ${changed.map((k) => POLICY_LABELS[k].toLowerCase()).join('; ')}.`}
        </p>
        <PolicyFields value={current} onChange={setPolicy} error={submit.error} />
      </fieldset>

      <fieldset>
        <legend>Member accounts</legend>
        <p className="hint">
          Name each other account by its SIP domain (its admin finds it on their account; this account's is{' '}
          <strong>{own.data?.sipDomain ?? '…'}</strong>). A federation has 2 to 10 accounts, this one included.
        </p>
        {domains.map((d, i) => (
          <div className="row-fields" key={i}>
            <TextField
              label={`SIP domain of member account ${i + 1}`}
              value={d}
              list="known-accounts"
              autoComplete="off"
              required={i === 0}
              error={errorAt(submit.error, 'memberSipDomains', i)}
              onChange={(e) => setDomains(domains.map((x, j) => (j === i ? e.target.value : x)))}
            />
            {domains.length > 1 && (
              <button type="button" className="small" onClick={() => setDomains(domains.filter((_, j) => j !== i))}>
                Remove<span className="sr-only"> member account {i + 1}</span>
              </button>
            )}
          </div>
        ))}
        <datalist id="known-accounts">
          {known.map(([domain, n]) => <option key={domain} value={domain}>{n}</option>)}
        </datalist>
        {listError && <p className="field-error" role="alert">{listError}</p>}
        <button type="button" className="small" disabled={domains.length >= 9} onClick={() => setDomains([...domains, ''])}>Add another account</button>
      </fieldset>

      <p className="hint">Proposing starts the consent round: the federation becomes active only when every member account's admin, this one's included, has consented.</p>
      <FormError error={submit.error} fields={['name', 'memberSipDomains', ...domains.map((_, i) => `memberSipDomains[${i}]`), ...Object.keys(current), ...Object.keys(current).map((k) => `policy.${k}`)]} />
      <Actions>
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="submit" className="primary" disabled={submit.busy}>{submit.busy ? 'Proposing…' : 'Propose'}</button>
      </Actions>
    </form>
  );
}
