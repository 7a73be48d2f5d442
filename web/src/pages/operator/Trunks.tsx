/**
 * The operator's carrier trunks (spec §10 "Carrier trunks configured by the operator carry calls to
 * and from the public network"): the outbound gateways in the order calls try them (priority, then
 * name), each with its address, transport, digest credentials and the addresses trusted to send calls
 * in; create, edit, delete. The password is write-only: the server never returns it, the form only
 * says whether one is stored and replaces it when a new one is typed.
 */
import { useState, type FormEvent } from 'react';
import { api, call, once, type Answer, type Body } from '../../api/client.ts';
import { useSubmit } from '../../components/data.ts';
import { Actions, Badge, Checkbox, ConfirmDialog, Dialog, Field, FormError, LoadError, Loading, Page, SelectField, Table, TextField, fieldError, type Column } from '../../components/ui.tsx';
import { LoadMore, usePaged } from '../../components/paging.tsx';
import '../records/records.css';
import './operator.css';

type Trunk = Answer<'/v1/trunks', 'get'>['items'][number];
type Transport = Trunk['transport'];

const FIELDS = ['name', 'host', 'port', 'transport', 'username', 'password', 'priority', 'enabled', 'inboundAddresses'];

interface Form {
  name: string;
  host: string;
  port: string;
  transport: Transport;
  priority: string;
  enabled: boolean;
  username: string;
  password: string;
  removeCredentials: boolean;
  inbound: string;
}

const formOf = (t: Trunk | null): Form => ({
  name: t?.name ?? '', host: t?.host ?? '', port: t ? String(t.port) : '', transport: t?.transport ?? 'UDP', priority: t ? String(t.priority) : '',
  enabled: t?.enabled ?? true, username: t?.username ?? '', password: '', removeCredentials: false, inbound: t?.inboundAddresses.join('\n') ?? '',
});

const lines = (text: string): string[] => text.split(/[\n,]+/).map((l) => l.trim()).filter(Boolean);
const int = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));

function TrunkForm({ trunk, onClose, onSaved }: { trunk: Trunk | null; onClose: () => void; onSaved: (t: Trunk) => void }) {
  const [f, setF] = useState<Form>(formOf(trunk));
  const submit = useSubmit();
  const e = submit.error;
  const onSubmit = (ev: FormEvent) => {
    ev.preventDefault();
    const port = int(f.port);
    const priority = int(f.priority);
    const common = {
      name: f.name.trim(), host: f.host.trim(), transport: f.transport, enabled: f.enabled, inboundAddresses: lines(f.inbound),
      ...(port !== undefined ? { port } : {}), ...(priority !== undefined ? { priority } : {}),
    };
    void submit.run(async () => {
      if (!trunk) {
        const body: Body<'/v1/trunks', 'post'> = { ...common, ...(f.username.trim() ? { username: f.username.trim() } : {}), ...(f.password ? { password: f.password } : {}) };
        onSaved(await call(api.POST('/v1/trunks', { body, params: { header: once() } })));
        return;
      }
      // absent fields stay: the user name only when changed, the password only when a new one was typed
      const creds = f.removeCredentials
        ? { username: null }
        : { ...(f.username.trim() !== (trunk.username ?? '') ? { username: f.username.trim() || null } : {}), ...(f.password ? { password: f.password } : {}) };
      const body: Body<'/v1/trunks/{trunkId}', 'patch'> = { ...common, ...creds };
      onSaved(await call(api.PATCH('/v1/trunks/{trunkId}', { params: { path: { trunkId: trunk.id } }, body })));
    });
  };
  return (
    <Dialog title={trunk ? `Edit ${trunk.name}` : 'Add a carrier trunk'} open onClose={onClose} wide>
      <form onSubmit={onSubmit}>
        <fieldset>
          <legend>Outbound gateway</legend>
          <TextField label="Name" required maxLength={100} value={f.name} onChange={(ev) => setF({ ...f, name: ev.target.value })} error={fieldError(e, 'name')} />
          <div className="field-row">
            <TextField label="Host" required value={f.host} onChange={(ev) => setF({ ...f, host: ev.target.value })} hint="IP address or DNS name, no scheme or port" error={fieldError(e, 'host')} />
            <TextField label="Port" type="number" min={1} max={65535} value={f.port} onChange={(ev) => setF({ ...f, port: ev.target.value })}
              hint={trunk ? 'stays when the transport changes' : 'empty: 5060, or 5061 for TLS'} error={fieldError(e, 'port')} />
            <SelectField label="Transport" value={f.transport} onChange={(ev) => setF({ ...f, transport: ev.target.value as Transport })} error={fieldError(e, 'transport')}>
              <option value="UDP">UDP</option>
              <option value="TCP">TCP</option>
              <option value="TLS">TLS</option>
            </SelectField>
          </div>
          <div className="field-row">
            <TextField label="Priority" type="number" min={0} max={1000} value={f.priority} onChange={(ev) => setF({ ...f, priority: ev.target.value })}
              hint={trunk ? 'lower is tried first' : 'lower is tried first; empty: 100'} error={fieldError(e, 'priority')} />
          </div>
          <Checkbox label="Enabled (carries calls and is trusted)" checked={f.enabled} onChange={(ev) => setF({ ...f, enabled: ev.target.checked })} error={fieldError(e, 'enabled')} />
        </fieldset>
        <fieldset>
          <legend>Credentials for the carrier's challenge</legend>
          {trunk?.username && (
            <Checkbox label="Remove the credentials" checked={f.removeCredentials} onChange={(ev) => setF({ ...f, removeCredentials: ev.target.checked })} />
          )}
          {!f.removeCredentials && (
            <div className="field-row">
              <TextField label="User name" autoComplete="off" value={f.username} onChange={(ev) => setF({ ...f, username: ev.target.value })} hint="user name and password: both or neither" error={fieldError(e, 'username')} />
              <TextField label={trunk?.hasPassword ? 'New password' : 'Password'} type="password" autoComplete="new-password" value={f.password}
                onChange={(ev) => setF({ ...f, password: ev.target.value })}
                hint={trunk?.hasPassword ? 'A password is stored (never shown). Leave empty to keep it.' : 'write-only: it is never shown again'}
                error={fieldError(e, 'password')} />
            </div>
          )}
        </fieldset>
        <fieldset>
          <legend>Inbound</legend>
          <Field label="Trusted inbound addresses" hint="One per line: IPv4 or IPv6 addresses or CIDR blocks the carrier sends calls from" error={fieldError(e, 'inboundAddresses')}>
            {(p) => <textarea {...p} rows={4} spellCheck={false} value={f.inbound} onChange={(ev) => setF({ ...f, inbound: ev.target.value })} />}
          </Field>
        </fieldset>
        <FormError error={e} fields={FIELDS} />
        <Actions>
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={submit.busy}>{submit.busy ? 'Saving…' : trunk ? 'Save' : 'Add trunk'}</button>
        </Actions>
      </form>
    </Dialog>
  );
}

function Delete({ trunk, onClose, onDeleted }: { trunk: Trunk; onClose: () => void; onDeleted: () => void }) {
  return (
    <ConfirmDialog title={`Delete ${trunk.name}?`} open onClose={onClose} danger confirmLabel="Delete trunk" busyLabel="Deleting…" onConfirm={async () => {
      await call(api.DELETE('/v1/trunks/{trunkId}', { params: { path: { trunkId: trunk.id } } }));
      onDeleted();
    }}>
      <p>Outbound calls no longer go through {trunk.host}, and calls from its inbound addresses are no longer trusted.</p>
    </ConfirmDialog>
  );
}

export default function Trunks() {
  const [q, setQ] = useState('');
  const [editing, setEditing] = useState<Trunk | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Trunk | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const list = usePaged(async (cursor) => call(api.GET('/v1/trunks', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}), ...(q.trim() ? { q: q.trim() } : {}) } } })), [q]);

  const columns: Column<Trunk>[] = [
    { header: 'Priority', cell: (t) => t.priority, className: 'num' },
    { header: 'Name', cell: (t) => <strong>{t.name}</strong> },
    { header: 'Gateway', cell: (t) => <span className="party"><span>{t.host}:{t.port}</span><small className="party-detail">{t.transport}</small></span> },
    {
      header: 'Credentials',
      cell: (t) => (t.username
        ? <span className="party"><span>{t.username}</span><small className="secret-state">{t.hasPassword ? 'password set' : 'no password'}</small></span>
        : <span className="hint">none</span>),
    },
    { header: 'Inbound addresses', cell: (t) => (t.inboundAddresses.length ? <ul className="plain">{t.inboundAddresses.map((a) => <li key={a}><code>{a}</code></li>)}</ul> : <span className="hint">none</span>) },
    { header: 'State', cell: (t) => (t.enabled ? <Badge tone="ok">enabled</Badge> : <Badge tone="muted">disabled</Badge>) },
    {
      header: 'Actions',
      className: 'actions-cell',
      cell: (t) => (
        <>
          <button type="button" className="small" onClick={() => setEditing(t)} aria-label={`Edit ${t.name}`}>Edit</button>
          <button type="button" className="small danger" onClick={() => setDeleting(t)} aria-label={`Delete ${t.name}`}>Delete</button>
        </>
      ),
    },
  ];

  return (
    <Page title="Carrier trunks" actions={<button type="button" className="primary" onClick={() => setEditing('new')}>Add a trunk</button>}>
      <div className="toolbar">
        <TextField label="Search trunks" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="name or host" />
      </div>
      {notice && <p className="notice" role="status"><span>{notice}</span></p>}
      {list.error && <LoadError error={list.error} retry={() => void list.reload()} />}
      {!list.error && list.items === null && <Loading />}
      {!list.error && list.items && (
        <div aria-busy={list.loading}>
          <Table caption="Carrier trunks in the order outbound calls try them" columns={columns} rows={list.items} rowKey={(t) => t.id}
            empty={q.trim() ? 'No trunk name or host contains that.' : 'No carrier trunks yet: calls cannot reach the public network until one is added.'} />
          <LoadMore list={list} />
        </div>
      )}
      {editing && (
        <TrunkForm
          trunk={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(t) => {
            setNotice(editing === 'new' ? `Added ${t.name}.` : `Saved ${t.name}.`);
            setEditing(null);
            void list.reload();
          }}
        />
      )}
      {deleting && (
        <Delete
          trunk={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={() => {
            setNotice(`Deleted ${deleting.name}.`);
            setDeleting(null);
            void list.reload();
          }}
        />
      )}
    </Page>
  );
}
