/**
 * The signed-in admin's own settings: their portal password (admins and users; the operator's comes
 * from the deployment) and their API tokens — create (the token is shown this once), list, revoke.
 * A token acts as its owner, with their role and account.
 */
import { useState, type FormEvent } from 'react';
import { api, call, once, type Answer } from '../../api/client.ts';
import { useLoad, useSubmit } from '../../components/data.ts';
import { Actions, ConfirmDialog, FormError, LoadError, Loading, Page, Table, TextField, fieldError } from '../../components/ui.tsx';
import { useSession } from '../../session.tsx';

type Token = Answer<'/v1/api-tokens', 'get'>['items'][number];

const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : '—');

function Password() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  const submit = useSubmit();
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    if (await submit.run(() => call(api.PUT('/v1/me/password', { body: { currentPassword: current, newPassword: next } })))) {
      setDone(true);
      setCurrent('');
      setNext('');
    }
  };
  return (
    <form className="card" onSubmit={(e) => void onSubmit(e)} aria-labelledby="pw-title">
      <h2 id="pw-title">Password</h2>
      <TextField label="Current password" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} error={fieldError(submit.error, 'currentPassword')} />
      <TextField label="New password" type="password" autoComplete="new-password" required minLength={10} value={next} onChange={(e) => setNext(e.target.value)} error={fieldError(submit.error, 'newPassword')} hint="At least 10 characters." />
      <FormError error={submit.error} fields={['currentPassword', 'newPassword']} />
      {done && <p role="status" className="saved">Your password is changed.</p>}
      <Actions><button type="submit" className="primary" disabled={submit.busy}>Change password</button></Actions>
    </form>
  );
}

function Tokens() {
  const tokens = useLoad(async () => (await call(api.GET('/v1/api-tokens'))).items, []);
  const [name, setName] = useState('');
  const [days, setDays] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const submit = useSubmit();
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setCreated(null);
    await submit.run(async () => {
      const r = await call(api.POST('/v1/api-tokens', { body: { name: name.trim(), ...(days ? { expiresInDays: Number(days) } : {}) }, params: { header: once() } }));
      setCreated(r.token);
      setName('');
      setDays('');
      await tokens.reload();
    });
  };
  return (
    <section className="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">API tokens</h2>
      <p className="hint">A token acts as you, with your role, for scripts and integrations (<code>Authorization: Bearer …</code>).</p>
      {tokens.error ? <LoadError error={tokens.error} retry={() => void tokens.reload()} /> : !tokens.data ? <Loading /> : (
        <Table<Token>
          caption="Your API tokens"
          rows={tokens.data}
          rowKey={(t) => t.id}
          empty="You have no API tokens."
          columns={[
            { header: 'Name', cell: (t) => t.name },
            { header: 'Created', cell: (t) => when(t.createdAt) },
            { header: 'Last used', cell: (t) => when(t.lastUsedAt) },
            { header: 'Expires', cell: (t) => (t.expiresAt ? when(t.expiresAt) : 'Never') },
            { header: 'Actions', className: 'actions-cell', cell: (t) => <button type="button" className="small danger" aria-label={`Revoke ${t.name}`} onClick={() => setRevoking(t)}>Revoke</button> },
          ]}
        />
      )}
      <form onSubmit={(e) => void onSubmit(e)} aria-label="Create an API token">
        <div className="toolbar">
          <TextField label="Token name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} error={fieldError(submit.error, 'name')} />
          <TextField label="Expires after (days)" type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} error={fieldError(submit.error, 'expiresInDays')} hint="Empty: never." />
          <button type="submit" disabled={submit.busy}>Create token</button>
        </div>
        <FormError error={submit.error} fields={['name', 'expiresInDays']} />
      </form>
      {created && (
        <div className="secret-once" role="status">
          <p><strong>Copy the token now:</strong> it is shown this once and cannot be read again.</p>
          <TextField label="New API token" readOnly value={created} onFocus={(e) => e.currentTarget.select()} />
        </div>
      )}
      <ConfirmDialog
        title={`Revoke ${revoking?.name ?? ''}`}
        open={revoking !== null}
        onClose={() => setRevoking(null)}
        confirmLabel="Revoke"
        danger
        onConfirm={async () => {
          await call(api.DELETE('/v1/api-tokens/{tokenId}', { params: { path: { tokenId: revoking!.id } } }));
          await tokens.reload();
        }}
      >
        <p>Scripts using this token stop working at once.</p>
      </ConfirmDialog>
    </section>
  );
}

export default function MyAccount() {
  const s = useSession();
  return (
    <Page title="My account">
      {s.role === 'operator' ? <p className="hint">The operator's password is set by the deployment (TANDEM_OPERATOR_PASSWORD).</p> : <Password />}
      <Tokens />
    </Page>
  );
}
