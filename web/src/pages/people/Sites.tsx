/**
 * Sites of the account (spec §2): alphabetical, each with its time zone, address and main number.
 * Add a site with its main number; edit name, time zone and address (the main number is read-only);
 * delete after confirmation, with the server's refusal (a site still in use, the last site) shown.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, call, once } from '../../api/client.ts';
import { useSubmit } from '../../components/data.ts';
import { Actions, ConfirmDialog, Dialog, FormError, LoadError, Loading, Page, Table, TextField, fieldError, type Column } from '../../components/ui.tsx';
import { useSiteList, type Site } from './peopleCommon.ts';
import './people.css';

/** The IANA time zones the browser knows, offered as suggestions (the server checks the value). */
function useTimeZones(): string[] {
  return useMemo(() => {
    const intl = Intl as unknown as { supportedValuesOf?: (k: string) => string[] };
    try {
      return intl.supportedValuesOf?.('timeZone') ?? [];
    } catch {
      return [];
    }
  }, []);
}

export default function Sites() {
  const sites = useSiteList();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<Site | null>(null);
  const [deleting, setDeleting] = useState<Site | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const zones = useTimeZones();

  const done = (message: string) => {
    setNotice(message);
    setAdding(false);
    setEditing(null);
    setDeleting(null);
    void sites.reload();
  };

  const columns: Column<Site>[] = [
    { header: 'Name', cell: (s) => s.name },
    { header: 'Time zone', cell: (s) => s.timeZone },
    { header: 'Address', cell: (s) => s.address || <span className="muted">—</span> },
    { header: 'Main number', cell: (s) => s.mainNumber ? <Link to={`/numbers?site=${s.id}`}>{s.mainNumber}</Link> : <span className="muted">—</span> },
    {
      header: 'Actions', className: 'actions-cell',
      cell: (s) => (
        <>
          <button type="button" className="small" aria-label={`Edit ${s.name}`} onClick={() => { setNotice(null); setEditing(s); }}>Edit</button>
          <button type="button" className="small danger" aria-label={`Delete ${s.name}`} onClick={() => { setNotice(null); setDeleting(s); }}>Delete</button>
        </>
      ),
    },
  ];

  return (
    <Page title="Sites" actions={<button type="button" className="primary" onClick={() => { setNotice(null); setAdding(true); }}>Add site</button>}>
      <datalist id="time-zones">{zones.map((z) => <option key={z} value={z} />)}</datalist>
      {notice && <p className="notice" role="status">{notice}</p>}
      {sites.error ? (
        <LoadError error={sites.error} retry={() => void sites.reload()} />
      ) : sites.data ? (
        <Table caption="Sites of the account, alphabetically" columns={columns} rows={sites.data} rowKey={(s) => s.id} empty="This account has no sites yet." />
      ) : (
        <Loading />
      )}
      <Dialog title="Add site" open={adding} onClose={() => setAdding(false)}>
        {adding && <SiteForm onCancel={() => setAdding(false)} onSaved={(s) => done(`The site ${s.name} was added.`)} />}
      </Dialog>
      <Dialog title={editing ? `Edit ${editing.name}` : 'Edit site'} open={editing !== null} onClose={() => setEditing(null)}>
        {editing && <SiteForm site={editing} onCancel={() => setEditing(null)} onSaved={(s) => done(`The site ${s.name} was saved.`)} />}
      </Dialog>
      {deleting && <DeleteSite site={deleting} onClose={() => setDeleting(null)} onDeleted={() => done(`The site ${deleting.name} was deleted.`)} />}
    </Page>
  );
}

const FIELDS = ['name', 'timeZone', 'address', 'mainNumber'];

/** Adds a site (with its main number) or, given `site`, edits its name, time zone and address. */
function SiteForm({ site, onCancel, onSaved }: { site?: Site; onCancel(): void; onSaved(s: Site): void }) {
  const [f, setF] = useState({ name: site?.name ?? '', timeZone: site?.timeZone ?? (Intl.DateTimeFormat().resolvedOptions().timeZone || ''), address: site?.address ?? '', mainNumber: '' });
  const submit = useSubmit();
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const err = (n: string) => fieldError(submit.error, n);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const out: { site?: Site } = {};
    const ok = await submit.run(async () => {
      if (site) {
        const body: { name?: string; timeZone?: string; address?: string } = {};
        if (f.name !== site.name) body.name = f.name;
        if (f.timeZone.trim() !== site.timeZone) body.timeZone = f.timeZone.trim();
        if (f.address !== site.address) body.address = f.address;
        out.site = await call(api.PATCH('/v1/sites/{siteId}', { params: { path: { siteId: site.id } }, body }));
      } else {
        out.site = await call(api.POST('/v1/sites', {
          headers: once(),
          body: { name: f.name, timeZone: f.timeZone.trim(), mainNumber: f.mainNumber.trim(), ...(f.address ? { address: f.address } : {}) },
        }));
      }
    });
    if (ok && out.site) onSaved(out.site);
  };

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate>
      <TextField label="Name" value={f.name} onChange={set('name')} error={err('name')} required autoFocus />
      <TextField label="Time zone" value={f.timeZone} onChange={set('timeZone')} error={err('timeZone')} list="time-zones" hint="IANA name, e.g. Europe/Berlin" required />
      <TextField label="Address" value={f.address} onChange={set('address')} error={err('address')} />
      {site ? (
        <dl className="details">
          <dt>Main number</dt><dd>{site.mainNumber ?? '—'} <span className="hint">(read-only)</span></dd>
        </dl>
      ) : (
        <TextField label="Main number" type="tel" value={f.mainNumber} onChange={set('mainNumber')} error={err('mainNumber')} hint="E.164 or national form; becomes the site's active, read-only main number" required />
      )}
      <FormError error={submit.error} fields={FIELDS} />
      <Actions>
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="submit" className="primary" disabled={submit.busy}>{submit.busy ? 'Saving…' : site ? 'Save site' : 'Add site'}</button>
      </Actions>
    </form>
  );
}

function DeleteSite({ site, onClose, onDeleted }: { site: Site; onClose(): void; onDeleted(): void }) {
  return (
    <ConfirmDialog title="Delete site" open onClose={onClose} danger confirmLabel="Delete site" busyLabel="Deleting…" onConfirm={async () => {
      await call(api.DELETE('/v1/sites/{siteId}', { params: { path: { siteId: site.id } } }));
      onDeleted();
    }}>
      <p>
        Delete the site <strong>{site.name}</strong>? {site.mainNumber ? <>Its main number {site.mainNumber} is released. </> : null}
        A site can be deleted only when no users, numbers, devices or Office Anywhere portals are left in it.
      </p>
    </ConfirmDialog>
  );
}
