/**
 * Office Anywhere portal numbers (spec §7): the numbers the account dedicates to Office Anywhere. Each
 * has a name (default: the number itself), an optional extension (must be unused) and a scope: the
 * whole account, or the users of one site. The list; add; edit the name, extension and scope (never
 * the number: to use another number, delete the portal and add the other one); delete with
 * confirmation.
 *
 * A user's prerequisites (a portal number for their site or account, enabled for Office Anywhere, an
 * active alternate phone) are checked per user by the API (GET /v1/users/{id}/office-anywhere) and shown
 * on the user's page; the API has no account-wide view of them.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, call, once, type Answer } from '../../api/client.ts';
import { useLoad, useSubmit } from '../../components/data.ts';
import type { Site } from '../../components/SitePicker.tsx';
import { Actions, ConfirmDialog, Dialog, Empty, FormError, LoadError, Loading, Page, SelectField, Table, TextField, fieldError, type Column } from '../../components/ui.tsx';
import { useSession } from '../../session.tsx';
import { allPages, LoadMore, usePaged } from '../../components/paging.tsx';
import type { NumberRow } from '../telephony/NumberActions.tsx';
import { siteNumbers } from '../telephony/site-numbers.ts';
import './office-anywhere.css';
import { useSiteList } from './peopleCommon.ts';

type Portal = Answer<'/v1/office-anywhere/portals/{portalId}', 'get'>;
type Scope = Portal['scope'];

const FIELDS = ['numberId', 'name', 'extension', 'scope', 'siteId'];

/** The extension rule of the account (its length), for the hint. */
function useExtensionHint(): string {
  const { accountId } = useSession();
  const account = useLoad(async () => (accountId ? call(api.GET('/v1/accounts/{accountId}', { params: { path: { accountId } } })) : null), [accountId]);
  const a = account.data;
  const length = a ? (a.extMinLength === a.extMaxLength ? `${a.extMinLength} digits` : `${a.extMinLength} to ${a.extMaxLength} digits`) : 'digits';
  return `Optional: ${length}, not used by any user or other portal number.`;
}

/**
 * The numbers that can become a portal number: active, not a main number, not assigned to a user, not
 * logged into a handset, not already a portal number (the server checks all of it again).
 */
function useEligibleNumbers(sites: Site[] | null) {
  return useLoad(async () => {
    if (!sites) return null;
    const portals = await allPages((cursor) => call(api.GET('/v1/office-anywhere/portals', { params: { query: { limit: 500, ...(cursor ? { cursor } : {}) } } })));
    const taken = new Set(portals.map((p) => p.numberId));
    const bySite: { site: Site; numbers: NumberRow[] }[] = [];
    for (const site of sites) {
      const numbers = (await siteNumbers(site.id, 'active')).filter((n) => !n.isMain && !n.userId && !n.phoneId && !taken.has(n.id));
      if (numbers.length > 0) bySite.push({ site, numbers });
    }
    return bySite;
  }, [sites]);
}

function ScopeFields({ scope, siteId, sites, setScope, setSiteId, error }: {
  scope: Scope; siteId: string; sites: Site[]; setScope: (s: Scope) => void; setSiteId: (id: string) => void; error: { scope: string | null; siteId: string | null };
}) {
  return (
    <>
      <SelectField label="Scope" value={scope} onChange={(e) => setScope(e.target.value as Scope)} error={error.scope}
        hint={scope === 'account' ? 'Every user of the account may use this portal number.' : 'Only the users of one site may use this portal number.'}>
        <option value="account">Account: all users</option>
        <option value="site">Site: the users of one site</option>
      </SelectField>
      {scope === 'site' && (
        <SelectField label="Site of the users" value={siteId} onChange={(e) => setSiteId(e.target.value)} error={error.siteId}>
          {sites.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </SelectField>
      )}
    </>
  );
}

function AddPortal({ sites, onClose, onAdded }: { sites: Site[]; onClose: () => void; onAdded: () => void }) {
  const eligible = useEligibleNumbers(sites);
  const extensionHint = useExtensionHint();
  const [numberId, setNumberId] = useState('');
  const [name, setName] = useState('');
  const [extension, setExtension] = useState('');
  const [scope, setScope] = useState<Scope>('account');
  const [siteId, setSiteId] = useState('');
  const submit = useSubmit();
  const chosen = useMemo(() => {
    for (const g of eligible.data ?? []) for (const n of g.numbers) if (n.id === numberId) return n;
    return null;
  }, [eligible.data, numberId]);
  // Scope "site" starts at the chosen number's site (or the first site, alphabetically).
  const scopeSite = siteId || chosen?.siteId || sites[0]?.id || '';

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await submit.run(() => call(api.POST('/v1/office-anywhere/portals', {
      params: { header: once() },
      body: {
        numberId,
        scope,
        ...(name.trim() ? { name: name.trim() } : {}),
        ...(extension.trim() ? { extension: extension.trim() } : {}),
        ...(scope === 'site' ? { siteId: scopeSite } : {}),
      },
    })));
    if (ok) {
      onAdded();
      onClose();
    }
  };

  return (
    <Dialog title="Add a portal number" open onClose={onClose}>
      {eligible.error ? <LoadError error={eligible.error} retry={() => void eligible.reload()} /> : !eligible.data ? <Loading /> : eligible.data.length === 0 ? (
        <>
          <Empty>
            No number can become a portal number now. It must be an active number of the account that is not a site's main number,
            not assigned to a user, not logged into a handset and not already a portal number.
          </Empty>
          <Actions><button type="button" onClick={onClose}>Close</button></Actions>
        </>
      ) : (
        <form onSubmit={(e) => void onSubmit(e)} noValidate>
          <SelectField label="Number" value={numberId} onChange={(e) => setNumberId(e.target.value)} error={fieldError(submit.error, 'numberId')}
            hint="Active numbers that are not a main number, not assigned to a user and not logged into a handset.">
            <option value="">Choose a number…</option>
            {eligible.data.map((g) => (
              <optgroup key={g.site.id} label={g.site.name}>
                {g.numbers.map((n) => <option key={n.id} value={n.id}>{n.e164}</option>)}
              </optgroup>
            ))}
          </SelectField>
          <TextField label="Name" value={name} placeholder={chosen?.e164 ?? ''} onChange={(e) => setName(e.target.value)} error={fieldError(submit.error, 'name')}
            hint="Empty: the number itself." />
          <TextField label="Extension" value={extension} inputMode="numeric" autoComplete="off" onChange={(e) => setExtension(e.target.value)}
            error={fieldError(submit.error, 'extension')} hint={extensionHint} />
          <ScopeFields scope={scope} siteId={scopeSite} sites={sites} setScope={setScope} setSiteId={setSiteId}
            error={{ scope: fieldError(submit.error, 'scope'), siteId: fieldError(submit.error, 'siteId') }} />
          <FormError error={submit.error} fields={FIELDS} />
          <Actions>
            <button type="button" onClick={onClose}>Cancel</button>
            <button type="submit" className="primary" disabled={submit.busy || !numberId}>{submit.busy ? 'Adding…' : 'Add portal number'}</button>
          </Actions>
        </form>
      )}
    </Dialog>
  );
}

function EditPortal({ portal, sites, onClose, onSaved }: { portal: Portal; sites: Site[]; onClose: () => void; onSaved: () => void }) {
  const extensionHint = useExtensionHint();
  const [name, setName] = useState(portal.name);
  const [extension, setExtension] = useState(portal.extension ?? '');
  const [scope, setScope] = useState<Scope>(portal.scope);
  const [siteId, setSiteId] = useState(portal.siteId ?? sites[0]?.id ?? '');
  const submit = useSubmit();
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const nextName = name.trim() === '' ? null : name.trim();
    const nextExt = extension.trim() === '' ? null : extension.trim();
    const body = {
      ...(nextName !== portal.name && !(nextName === null && portal.name === portal.number) ? { name: nextName } : {}),
      ...(nextExt !== portal.extension ? { extension: nextExt } : {}),
      ...(scope !== portal.scope ? { scope } : {}),
      ...(scope === 'site' && siteId !== portal.siteId ? { siteId } : {}),
    };
    if (Object.keys(body).length === 0) return onClose();
    const ok = await submit.run(() => call(api.PATCH('/v1/office-anywhere/portals/{portalId}', { params: { path: { portalId: portal.id } }, body })));
    if (ok) {
      onSaved();
      onClose();
    }
  };
  return (
    <Dialog title={`Edit portal number ${portal.name}`} open onClose={onClose}>
      <form onSubmit={(e) => void onSubmit(e)} noValidate>
        <TextField label="Number" value={portal.number} readOnly aria-readonly="true" className="oa-readonly"
          hint="A portal number's own number cannot be edited. To use another number, delete this portal number and add the other one." />
        <TextField label="Name" value={name} placeholder={portal.number} onChange={(e) => setName(e.target.value)} error={fieldError(submit.error, 'name')}
          hint="Empty: the number itself." />
        <TextField label="Extension" value={extension} inputMode="numeric" autoComplete="off" onChange={(e) => setExtension(e.target.value)}
          error={fieldError(submit.error, 'extension')} hint={`${extensionHint} Empty: no extension.`} />
        <ScopeFields scope={scope} siteId={siteId} sites={sites} setScope={setScope} setSiteId={setSiteId}
          error={{ scope: fieldError(submit.error, 'scope'), siteId: fieldError(submit.error, 'siteId') }} />
        <FormError error={submit.error} fields={FIELDS} />
        <Actions>
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={submit.busy}>{submit.busy ? 'Saving…' : 'Save'}</button>
        </Actions>
      </form>
    </Dialog>
  );
}

function DeletePortal({ portal, onClose, onDeleted }: { portal: Portal; onClose: () => void; onDeleted: () => void }) {
  return (
    <ConfirmDialog title={`Delete portal number ${portal.name}?`} open onClose={onClose} danger confirmLabel="Delete portal number" busyLabel="Deleting…" onConfirm={async () => {
      await call(api.DELETE('/v1/office-anywhere/portals/{portalId}', { params: { path: { portalId: portal.id } } }));
      onDeleted();
    }}>
      <p>
        {portal.number} is no longer an Office Anywhere portal number: users can no longer call out through it from their alternate phones.
        The number stays with the account as an ordinary number{portal.extension ? `, and extension ${portal.extension} becomes free` : ''}.
      </p>
    </ConfirmDialog>
  );
}

type Open = { kind: 'add' } | { kind: 'edit' | 'delete'; portal: Portal } | null;

export default function OfficeAnywhere() {
  const sites = useSiteList();
  const [q, setQ] = useState('');
  const [open, setOpen] = useState<Open>(null);
  const list = usePaged(
    (cursor) => call(api.GET('/v1/office-anywhere/portals', { params: { query: { limit: 100, ...(q.trim() ? { q: q.trim() } : {}), ...(cursor ? { cursor } : {}) } } })),
    [q],
  );
  const reload = () => void list.reload();
  const close = () => setOpen(null);
  const siteName = (id: string | null) => sites.data?.find((s) => s.id === id)?.name ?? 'a site';

  const columns: Column<Portal>[] = [
    { header: 'Name', cell: (p) => p.name },
    { header: 'Number', cell: (p) => p.number },
    { header: 'Extension', cell: (p) => p.extension ?? <span className="oa-none">None</span> },
    { header: 'Scope', cell: (p) => (p.scope === 'account' ? 'Account: all users' : `Site: ${siteName(p.siteId)}`) },
    {
      header: 'Actions',
      className: 'actions-cell',
      cell: (p) => (
        <>
          <button type="button" className="small" onClick={() => setOpen({ kind: 'edit', portal: p })} aria-label={`Edit ${p.name}`}>Edit</button>
          <button type="button" className="small danger" onClick={() => setOpen({ kind: 'delete', portal: p })} aria-label={`Delete ${p.name}`}>Delete</button>
        </>
      ),
    },
  ];

  return (
    <Page title="Office Anywhere">
      <p className="oa-intro">
        Portal numbers are numbers the account dedicates to Office Anywhere: a user calls one from an alternate phone, is recognised, and calls
        out with their office caller ID. Each user's prerequisites (a portal number, Office Anywhere enabled, an active alternate phone) are
        checked on the user's page under <Link to="/users">Users</Link>.
      </p>
      <div className="toolbar">
        <TextField label="Search" type="search" value={q} placeholder="Name, number or extension" onChange={(e) => setQ(e.target.value)} />
        <button type="button" onClick={reload}>Refresh</button>
        <button type="button" className="primary" onClick={() => setOpen({ kind: 'add' })} disabled={!sites.data}>Add portal number</button>
      </div>
      {sites.error && <LoadError error={sites.error} retry={() => void sites.reload()} />}
      {list.error && <LoadError error={list.error} retry={reload} />}
      {!list.items ? (!list.error && <Loading />) : (
        <>
          <Table
            caption="Office Anywhere portal numbers"
            columns={columns}
            rows={list.items}
            rowKey={(p) => p.id}
            empty={q.trim() ? `No portal number matches “${q.trim()}”.` : 'No portal numbers yet. Add one to let users call out from their alternate phones.'}
          />
          <LoadMore list={list} />
        </>
      )}
      {open?.kind === 'add' && sites.data && <AddPortal sites={sites.data} onClose={close} onAdded={reload} />}
      {open?.kind === 'edit' && sites.data && <EditPortal portal={open.portal} sites={sites.data} onClose={close} onSaved={reload} />}
      {open?.kind === 'delete' && <DeletePortal portal={open.portal} onClose={close} onDeleted={reload} />}
    </Page>
  );
}
