/**
 * Users of the account (spec §2): by name, searched as the admin types (name, e-mail, extension,
 * number), filtered by site, paged; add a user (the server's refusal next to the field it names, the
 * account's user limit above the buttons) and delete one after confirmation.
 */
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, call, once } from '../../api/client.ts';
import { useSubmit } from '../../components/data.ts';
import { Actions, Dialog, FormError, LoadError, Loading, Page, SelectField, Table, TextField, fieldError, type Column } from '../../components/ui.tsx';
import { DeleteUser } from './DeleteUser.tsx';
import { ROLES, ROLE_LABELS, fullName, useSiteList, type Site, type User, type UserRole } from './peopleCommon.ts';
import { LoadMore, useDebounced, usePaged } from '../../components/paging.tsx';
import './people.css';

const PAGE = 50;

export default function Users() {
  const sites = useSiteList();
  const [params, setParams] = useSearchParams();
  const siteId = params.get('site') ?? '';
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim());
  const users = usePaged(
    async (cursor) => call(api.GET('/v1/users', { params: { query: { limit: PAGE, ...(query ? { q: query } : {}), ...(siteId ? { siteId } : {}), ...(cursor ? { cursor } : {}) } } })),
    [query, siteId],
  );
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<User | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const chooseSite = (id: string) => {
    const next = new URLSearchParams(params);
    if (id) next.set('site', id);
    else next.delete('site');
    setParams(next, { replace: true });
  };

  const columns: Column<User>[] = [
    { header: 'Name', cell: (u) => <Link to={`/users/${u.id}`}>{fullName(u)}</Link> },
    { header: 'E-mail', cell: (u) => u.email },
    { header: 'Extension', cell: (u) => u.extension ?? <span className="muted">—</span> },
    { header: 'Number', cell: (u) => u.number ?? <span className="muted">—</span> },
    { header: 'Site', cell: (u) => sites.byId.get(u.siteId)?.name ?? '' },
    { header: 'Role', cell: (u) => ROLE_LABELS[u.role] },
    {
      header: 'Actions', className: 'actions-cell',
      cell: (u) => <button type="button" className="small danger" aria-label={`Delete ${fullName(u)}`} onClick={() => setDeleting(u)}>Delete</button>,
    },
  ];

  return (
    <Page title="Users" actions={<button type="button" className="primary" onClick={() => { setNotice(null); setAdding(true); }} disabled={!sites.data?.length}>Add user</button>}>
      <div className="toolbar filters" role="search">
        <TextField label="Search" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name, e-mail, extension or number" />
        <SelectField label="Site" value={siteId} onChange={(e) => chooseSite(e.target.value)}>
          <option value="">All sites</option>
          {(sites.data ?? []).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </SelectField>
      </div>
      {notice && <p className="notice" role="status">{notice}</p>}
      {sites.error && <LoadError error={sites.error} retry={() => void sites.reload()} />}
      {users.error && <LoadError error={users.error} retry={() => void users.reload()} />}
      {users.items === null ? (
        !users.error && <Loading />
      ) : (
        <div aria-busy={users.loading}>
          <Table
            caption="Users of the account"
            columns={columns}
            rows={users.items}
            rowKey={(u) => u.id}
            empty={query || siteId ? 'No user matches this search.' : 'This account has no users yet.'}
          />
          <LoadMore list={users} />
        </div>
      )}
      <Dialog title="Add user" open={adding} onClose={() => setAdding(false)}>
        {adding && sites.data && (
          <AddUserForm
            sites={sites.data}
            defaultSiteId={siteId || sites.data[0]?.id || ''}
            onCancel={() => setAdding(false)}
            onCreated={(u) => {
              setAdding(false);
              setNotice(`${fullName(u)} was added.`);
              void users.reload();
            }}
          />
        )}
      </Dialog>
      {deleting && (
        <DeleteUser
          user={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={() => {
            setNotice(`${fullName(deleting)} was deleted.`);
            void users.reload();
          }}
        />
      )}
    </Page>
  );
}

const FIELDS = ['firstName', 'lastName', 'email', 'extension', 'siteId', 'role', 'password'];

function AddUserForm({ sites, defaultSiteId, onCancel, onCreated }: { sites: Site[]; defaultSiteId: string; onCancel(): void; onCreated(u: User): void }) {
  const [f, setF] = useState({ firstName: '', lastName: '', email: '', extension: '', siteId: defaultSiteId, role: 'user' as UserRole, password: '' });
  const submit = useSubmit();
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const err = (name: string) => fieldError(submit.error, name);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const out: { user?: User } = {};
    const ok = await submit.run(async () => {
      out.user = await call(api.POST('/v1/users', {
        headers: once(),
        body: {
          siteId: f.siteId, firstName: f.firstName, lastName: f.lastName, email: f.email.trim(), role: f.role,
          ...(f.extension.trim() ? { extension: f.extension.trim() } : {}),
          ...(f.password ? { password: f.password } : {}),
        },
      }));
    });
    if (ok && out.user) onCreated(out.user);
  };

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate>
      <div className="form-row">
        <TextField label="First name" value={f.firstName} onChange={set('firstName')} error={err('firstName')} required autoFocus />
        <TextField label="Last name" value={f.lastName} onChange={set('lastName')} error={err('lastName')} required />
      </div>
      <TextField label="E-mail" type="email" value={f.email} onChange={set('email')} error={err('email')} required />
      <TextField label="Extension" value={f.extension} onChange={set('extension')} error={err('extension')} inputMode="numeric" hint="Optional; unique in the account" />
      <SelectField label="Site" value={f.siteId} onChange={set('siteId')} error={err('siteId')}>
        {sites.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
      </SelectField>
      <SelectField label="Role" value={f.role} onChange={set('role')} error={err('role')}>
        {ROLES.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
      </SelectField>
      <TextField label="Password" type="password" autoComplete="new-password" value={f.password} onChange={set('password')} error={err('password')} hint="Optional; at least 10 characters. Without one the user cannot sign in with a password." />
      <FormError error={submit.error} fields={FIELDS} />
      <Actions>
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="submit" className="primary" disabled={submit.busy}>{submit.busy ? 'Adding…' : 'Add user'}</button>
      </Actions>
    </form>
  );
}
