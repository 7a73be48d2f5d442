/**
 * Handsets (spec §2 "Device", §6) per site: the list (Phone ID, name, model, SIP user name, the number
 * logged in, its SIP registration now, when it last fetched its configuration), add a handset by its
 * Phone ID, edit it, delete it (with confirmation), and give it a new SIP password. The SIP password
 * appears only in the answer of an add or a rotation, so the page shows it once, with a warning, and
 * forgets it when closed.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { api, call, once, type Answer } from '../../api/client.ts';
import { useSubmit } from '../../components/data.ts';
import { SitePicker, useSites, type Site } from '../../components/SitePicker.tsx';
import { Actions, Badge, ConfirmDialog, Dialog, Empty, FormError, LoadError, Loading, Page, SelectField, Table, TextField, fieldError, type Column } from '../../components/ui.tsx';
import { LoadMore, usePaged } from '../../components/paging.tsx';
import './devices.css';

type Device = Answer<'/v1/devices/{deviceId}', 'get'>;
type Credentials = Answer<'/v1/devices', 'post'>['credentials'];

const when = (iso: string | null): string => (iso ? new Date(iso).toLocaleString() : 'Never');

/** Where a handset fetches its configuration (GET, HTTP Digest with its SIP credentials). */
const provisioningUrl = (phoneId: string): string => `${window.location.origin}/v1/provisioning/${encodeURIComponent(phoneId)}`;

/** The SIP credentials of an answer, shown once. */
function CredentialsOnce({ device, credentials, onDone }: { device: Device; credentials: Credentials; onDone: () => void }) {
  return (
    <div className="credentials">
      <p className="once-warning" role="alert">
        <strong>Shown only now.</strong> Tandem keeps only a hash of this password and cannot show it again. Enter it in the
        handset (or its provisioning) now; if it is lost, give the handset a new password.
      </p>
      <dl className="details">
        <dt>Phone ID</dt><dd><code>{device.phoneId}</code></dd>
        <dt>SIP domain</dt><dd><code>{credentials.domain}</code></dd>
        <dt>SIP user name</dt><dd><code>{credentials.username}</code></dd>
        <dt>SIP password</dt><dd><code className="secret">{credentials.password}</code></dd>
        <dt>Provisioning URL</dt><dd><code>{provisioningUrl(device.phoneId)}</code></dd>
      </dl>
      <p className="hint">
        The handset registers as <code>sip:{credentials.username}@{credentials.domain}</code>, and fetches its configuration from the
        provisioning URL, authenticating with HTTP Digest and these credentials.
      </p>
      <Actions><button type="button" className="primary" onClick={onDone}>Done, the password is stored</button></Actions>
    </div>
  );
}

function AddDevice({ site, sites, onClose, onAdded }: { site: Site; sites: Site[]; onClose: () => void; onAdded: () => void }) {
  const [phoneId, setPhoneId] = useState('');
  const [name, setName] = useState('');
  const [model, setModel] = useState('');
  const [siteId, setSiteId] = useState(site.id);
  const [created, setCreated] = useState<{ device: Device; credentials: Credentials } | null>(null);
  const submit = useSubmit();
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    await submit.run(async () => {
      const r = await call(api.POST('/v1/devices', { params: { header: once() }, body: { siteId, phoneId, ...(name.trim() ? { name } : {}), ...(model.trim() ? { model } : {}) } }));
      setCreated(r);
      onAdded();
    });
  };
  if (created) {
    return (
      <Dialog title={`SIP credentials of ${created.device.phoneId}`} open onClose={onClose}>
        <p role="status">Handset {created.device.phoneId} is added.</p>
        <CredentialsOnce device={created.device} credentials={created.credentials} onDone={onClose} />
      </Dialog>
    );
  }
  return (
    <Dialog title="Add a device" open onClose={onClose}>
      <form onSubmit={(e) => void onSubmit(e)} noValidate>
        <TextField label="Phone ID" value={phoneId} required autoComplete="off" onChange={(e) => setPhoneId(e.target.value)}
          hint="The ID the handset shows on its screen, e.g. its MAC address 00:1A:2B:3C:4D:5E." error={fieldError(submit.error, 'phoneId')} />
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} hint="Optional, e.g. Reception desk." error={fieldError(submit.error, 'name')} />
        <TextField label="Model" value={model} onChange={(e) => setModel(e.target.value)} hint="Optional, e.g. Yealink T54W." error={fieldError(submit.error, 'model')} />
        <SelectField label="Site" value={siteId} onChange={(e) => setSiteId(e.target.value)} error={fieldError(submit.error, 'siteId')}>
          {sites.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </SelectField>
        <FormError error={submit.error} fields={['phoneId', 'name', 'model', 'siteId']} />
        <Actions>
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={submit.busy}>{submit.busy ? 'Adding…' : 'Add device'}</button>
        </Actions>
      </form>
    </Dialog>
  );
}

function EditDevice({ device, sites, onClose, onSaved }: { device: Device; sites: Site[]; onClose: () => void; onSaved: () => void }) {
  const [name, setName] = useState(device.name);
  const [model, setModel] = useState(device.model);
  const [siteId, setSiteId] = useState(device.siteId);
  const submit = useSubmit();
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      ...(name !== device.name ? { name } : {}),
      ...(model !== device.model ? { model } : {}),
      ...(siteId !== device.siteId ? { siteId } : {}),
    };
    if (Object.keys(body).length === 0) return onClose();
    const ok = await submit.run(() => call(api.PATCH('/v1/devices/{deviceId}', { params: { path: { deviceId: device.id } }, body })));
    if (ok) {
      onSaved();
      onClose();
    }
  };
  const inUse = device.number !== null;
  return (
    <Dialog title={`Edit device ${device.phoneId}`} open onClose={onClose}>
      <form onSubmit={(e) => void onSubmit(e)} noValidate>
        <TextField label="Phone ID" value={device.phoneId} readOnly hint="The Phone ID is the handset's own; to use another handset, add it as a device." />
        <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} error={fieldError(submit.error, 'name')} />
        <TextField label="Model" value={model} onChange={(e) => setModel(e.target.value)} error={fieldError(submit.error, 'model')} />
        <SelectField label="Site" value={siteId} disabled={inUse} onChange={(e) => setSiteId(e.target.value)} error={fieldError(submit.error, 'siteId')}
          {...(inUse ? { hint: `${device.number} is logged into this handset; log it out before moving the handset to another site.` } : {})}>
          {sites.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </SelectField>
        <FormError error={submit.error} fields={['name', 'model', 'siteId']} />
        <Actions>
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={submit.busy}>{submit.busy ? 'Saving…' : 'Save'}</button>
        </Actions>
      </form>
    </Dialog>
  );
}

function RotateCredentials({ device, onClose, onRotated }: { device: Device; onClose: () => void; onRotated: () => void }) {
  const [rotated, setRotated] = useState<{ device: Device; credentials: Credentials } | null>(null);
  const submit = useSubmit();
  const rotate = () => void submit.run(async () => {
    setRotated(await call(api.POST('/v1/devices/{deviceId}/credentials', { params: { path: { deviceId: device.id }, header: once() } })));
    onRotated();
  });
  return (
    <Dialog title={`New SIP password for ${device.phoneId}`} open onClose={onClose}>
      {rotated ? (
        <CredentialsOnce device={rotated.device} credentials={rotated.credentials} onDone={onClose} />
      ) : (
        <>
          <p>
            Handset <strong>{device.phoneId}</strong>{device.name ? ` (${device.name})` : ''} gets a new SIP password. Its current password
            stops working at once: the handset cannot register or fetch its configuration until it has the new one.
          </p>
          <FormError error={submit.error} />
          <Actions>
            <button type="button" onClick={onClose}>Cancel</button>
            <button type="button" className="primary" onClick={rotate} disabled={submit.busy}>{submit.busy ? 'Creating…' : 'Create a new password'}</button>
          </Actions>
        </>
      )}
    </Dialog>
  );
}

function DeleteDevice({ device, onClose, onDeleted }: { device: Device; onClose: () => void; onDeleted: () => void }) {
  const inUse = device.number !== null;
  return (
    <ConfirmDialog title={`Delete device ${device.phoneId}?`} open onClose={onClose} danger confirmLabel="Delete device" busyLabel="Deleting…" disabled={inUse} onConfirm={async () => {
      await call(api.DELETE('/v1/devices/{deviceId}', { params: { path: { deviceId: device.id } } }));
      onDeleted();
    }}>
      {inUse ? (
        <p className="once-warning">{device.number} is logged into this handset. Log the number out of the handset before deleting it.</p>
      ) : (
        <p>Handset <strong>{device.phoneId}</strong>{device.name ? ` (${device.name})` : ''} is removed, and its SIP credentials stop working.</p>
      )}
    </ConfirmDialog>
  );
}

/** Whether the handset is registered now, from where, and until when (its newest binding). */
function registration(d: Device) {
  const r = d.registration;
  if (!r) return <Badge tone="muted">Not registered</Badge>;
  const until = new Date(r.expiresAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return (
    <>
      <Badge tone="ok">Registered</Badge>{' '}
      <small className="hint">{r.transport} from <span className="mono">{r.source}</span>, until {until}{r.contacts > 1 ? ` (${r.contacts} contacts)` : ''}{r.userAgent ? ` · ${r.userAgent}` : ''}</small>
    </>
  );
}

type Open = { kind: 'add' } | { kind: 'edit' | 'rotate' | 'delete'; device: Device } | null;

function SiteDevices({ site, sites, picker }: { site: Site; sites: Site[]; picker: ReactNode }) {
  const [q, setQ] = useState('');
  const [open, setOpen] = useState<Open>(null);
  const list = usePaged(
    (cursor) => call(api.GET('/v1/devices', { params: { query: { siteId: site.id, limit: 100, ...(q.trim() ? { q: q.trim() } : {}), ...(cursor ? { cursor } : {}) } } })),
    [site.id, q],
  );
  const reload = () => void list.reload();
  const close = () => setOpen(null);

  const columns: Column<Device>[] = [
    { header: 'Phone ID', cell: (d) => <code>{d.phoneId}</code> },
    { header: 'Name', cell: (d) => d.name || <span className="devices-none">—</span> },
    { header: 'Model', cell: (d) => d.model || <span className="devices-none">—</span> },
    { header: 'SIP user name', cell: (d) => <code>{d.sipUsername}</code> },
    { header: 'Number logged in', cell: (d) => (d.number && d.numberId ? <Link to={`/numbers/${d.numberId}/features`}>{d.number}</Link> : <span className="devices-none">None</span>) },
    { header: 'SIP registration', cell: registration },
    { header: 'Last provisioned', cell: (d) => when(d.lastProvisionedAt) },
    {
      header: 'Actions',
      className: 'actions-cell',
      cell: (d) => (
        <>
          <button type="button" className="small" onClick={() => setOpen({ kind: 'edit', device: d })} aria-label={`Edit ${d.phoneId}`}>Edit</button>
          <button type="button" className="small" onClick={() => setOpen({ kind: 'rotate', device: d })} aria-label={`New SIP password for ${d.phoneId}`}>New SIP password</button>
          <button type="button" className="small danger" onClick={() => setOpen({ kind: 'delete', device: d })} aria-label={`Delete ${d.phoneId}`}>Delete</button>
        </>
      ),
    },
  ];

  return (
    <>
      <div className="toolbar">
        {picker}
        <TextField label="Search" type="search" value={q} placeholder="Phone ID, name, model, number" onChange={(e) => setQ(e.target.value)} />
        <button type="button" onClick={reload}>Refresh</button>
        <button type="button" className="primary" onClick={() => setOpen({ kind: 'add' })}>Add device</button>
      </div>
      {list.error && <LoadError error={list.error} retry={reload} />}
      {!list.items ? (!list.error && <Loading />) : (
        <>
          <h2 className="list-title">Devices at {site.name}</h2>
          <Table
            caption={`Devices at ${site.name}`}
            columns={columns}
            rows={list.items}
            rowKey={(d) => d.id}
            empty={q.trim() ? `No device at ${site.name} matches “${q.trim()}”.` : `No devices at ${site.name} yet. Add one with its Phone ID.`}
          />
          <LoadMore list={list} />
        </>
      )}
      {open?.kind === 'add' && <AddDevice site={site} sites={sites} onClose={close} onAdded={reload} />}
      {open?.kind === 'edit' && <EditDevice device={open.device} sites={sites} onClose={close} onSaved={reload} />}
      {open?.kind === 'rotate' && <RotateCredentials device={open.device} onClose={close} onRotated={reload} />}
      {open?.kind === 'delete' && <DeleteDevice device={open.device} onClose={close} onDeleted={reload} />}
    </>
  );
}

export default function Devices() {
  const s = useSites();
  return (
    <Page title="Devices">
      {s.error ? <LoadError error={s.error} retry={() => void s.reload()} /> : (
        <>
          {!s.sites && <Loading />}
          {s.sites && s.sites.length === 0 && <Empty>This account has no sites yet.</Empty>}
          {s.site && s.sites && <SiteDevices key={s.site.id} site={s.site} sites={s.sites} picker={<SitePicker sites={s.sites} site={s.site} choose={s.choose} />} />}
        </>
      )}
    </Page>
  );
}
