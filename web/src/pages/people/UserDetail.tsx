/**
 * One user (spec §2, §7, §8): edit name, e-mail, extension, site, role (and a site admin's sites);
 * Office Anywhere: enablement, the prerequisites check as the server reports it, and the alternate
 * phones (add, mark active or inactive, delete); the outbound call rule the user has, read-only.
 */
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, call, once, type Answer, type Body } from '../../api/client.ts';
import { useLoad, useSubmit } from '../../components/data.ts';
import { Actions, Badge, Checkbox, ConfirmDialog, FormError, LoadError, Loading, Page, SelectField, Table, TextField, fieldError, type Column } from '../../components/ui.tsx';
import { DeleteUser } from './DeleteUser.tsx';
import { ROLES, ROLE_LABELS, fullName, useSiteList, type Site, type User, type UserRole } from './peopleCommon.ts';
import './people.css';

type AlternatePhone = Answer<'/v1/users/{userId}/alternate-phones', 'get'>['items'][number];
type Readiness = Answer<'/v1/users/{userId}/office-anywhere', 'get'>;
type CallRule = NonNullable<Answer<'/v1/users/{userId}/call-rule', 'get'>['rule']>;

export default function UserDetail() {
  const { userId = '' } = useParams();
  const navigate = useNavigate();
  const user = useLoad(async () => call(api.GET('/v1/users/{userId}', { params: { path: { userId } } })), [userId]);
  const sites = useSiteList();
  const readiness = useLoad(async () => call(api.GET('/v1/users/{userId}/office-anywhere', { params: { path: { userId } } })), [userId]);
  const [saved, setSaved] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);

  const u = user.data;
  const back = <Link className="button" to="/users">← All users</Link>;
  if (user.error) return <Page title="User" actions={back}><LoadError error={user.error} retry={() => void user.reload()} /></Page>;
  if (!u) return <Page title="User" actions={back}><Loading /></Page>;

  const changed = (message: string) => {
    setSaved(message);
    void user.reload();
    void readiness.reload();
  };

  return (
    <Page title={fullName(u)} actions={<>{back}<button type="button" className="danger" onClick={() => setDeleting(true)}>Delete user</button></>}>
      {saved && <p className="notice" role="status">{saved}</p>}
      <div className="detail-grid">
        <section className="card" aria-labelledby="profile-title">
          <h2 id="profile-title">Profile</h2>
          {sites.error && <LoadError error={sites.error} retry={() => void sites.reload()} />}
          {sites.data ? <ProfileForm key={profileKey(u)} user={u} sites={sites.data} onSaved={() => changed('The user was saved.')} /> : !sites.error && <Loading />}
        </section>
        <div>
          <section className="card" aria-labelledby="oa-title">
            <h2 id="oa-title">Office Anywhere</h2>
            <OfficeAnywhereEnabled key={String(u.officeAnywhereEnabled)} user={u} onChanged={(on) => changed(on ? 'Office Anywhere is enabled for the user.' : 'Office Anywhere is disabled for the user.')} />
            <Prerequisites readiness={readiness.data} error={readiness.error} retry={() => void readiness.reload()} />
          </section>
          <section className="card" aria-labelledby="rule-title">
            <h2 id="rule-title">Outbound call rule</h2>
            <UserCallRule userId={u.id} />
          </section>
        </div>
      </div>
      <section className="card" aria-labelledby="alt-title">
        <h2 id="alt-title">Alternate phones</h2>
        <AlternatePhones userId={u.id} onChanged={() => void readiness.reload()} />
      </section>
      {deleting && <DeleteUser user={u} onClose={() => setDeleting(false)} onDeleted={() => navigate('/users', { replace: true })} />}
    </Page>
  );
}

/** The form starts again from the server's values when one of them changes (after a save). */
const profileKey = (u: User): string => JSON.stringify([u.firstName, u.lastName, u.email, u.extension, u.siteId, u.role, u.adminSiteIds, u.hasPassword]);

const PROFILE_FIELDS = ['firstName', 'lastName', 'email', 'extension', 'siteId', 'role', 'password', 'adminSiteIds'];

function ProfileForm({ user, sites, onSaved }: { user: User; sites: Site[]; onSaved(): void }) {
  const [f, setF] = useState({
    firstName: user.firstName, lastName: user.lastName, email: user.email, extension: user.extension ?? '',
    siteId: user.siteId, role: user.role as UserRole, password: '', adminSiteIds: user.adminSiteIds,
  });
  const submit = useSubmit();
  const set = (k: 'firstName' | 'lastName' | 'email' | 'extension' | 'siteId' | 'role' | 'password') => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const err = (name: string) => fieldError(submit.error, name);

  /** Only what changed, so an untouched field is never re-checked or rewritten. */
  const patch = (): Body<'/v1/users/{userId}', 'patch'> => {
    const p: Body<'/v1/users/{userId}', 'patch'> = {};
    if (f.firstName !== user.firstName) p.firstName = f.firstName;
    if (f.lastName !== user.lastName) p.lastName = f.lastName;
    if (f.email.trim() !== user.email) p.email = f.email.trim();
    const ext = f.extension.trim();
    if (ext !== (user.extension ?? '')) p.extension = ext || null;
    if (f.siteId !== user.siteId) p.siteId = f.siteId;
    if (f.role !== user.role) p.role = f.role;
    if (f.password) p.password = f.password;
    const sameSites = f.adminSiteIds.length === user.adminSiteIds.length && f.adminSiteIds.every((id) => user.adminSiteIds.includes(id));
    if (f.role === 'site_admin' && !sameSites) p.adminSiteIds = f.adminSiteIds;
    return p;
  };
  const dirty = Object.keys(patch()).length > 0;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const body = patch();
    if (await submit.run(() => call(api.PATCH('/v1/users/{userId}', { params: { path: { userId: user.id } }, body })))) {
      setF((prev) => ({ ...prev, password: '' }));
      onSaved();
    }
  };
  const toggleSite = (id: string, on: boolean) => setF({ ...f, adminSiteIds: on ? [...f.adminSiteIds, id] : f.adminSiteIds.filter((x) => x !== id) });

  return (
    <form onSubmit={(e) => void onSubmit(e)} noValidate>
      <div className="form-row">
        <TextField label="First name" value={f.firstName} onChange={set('firstName')} error={err('firstName')} required />
        <TextField label="Last name" value={f.lastName} onChange={set('lastName')} error={err('lastName')} required />
      </div>
      <TextField label="E-mail" type="email" value={f.email} onChange={set('email')} error={err('email')} required />
      <div className="form-row">
        <TextField label="Extension" value={f.extension} onChange={set('extension')} error={err('extension')} inputMode="numeric" hint="Empty: no extension" />
        <SelectField label="Site" value={f.siteId} onChange={set('siteId')} error={err('siteId')}>
          {sites.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </SelectField>
      </div>
      <SelectField label="Role" value={f.role} onChange={set('role')} error={err('role')}>
        {ROLES.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
      </SelectField>
      {f.role === 'site_admin' && (
        <fieldset>
          <legend>Sites this site admin manages</legend>
          {sites.map((s) => (
            <Checkbox key={s.id} label={s.name} checked={f.adminSiteIds.includes(s.id)} onChange={(e) => toggleSite(s.id, e.target.checked)} />
          ))}
          {err('adminSiteIds') && <p className="field-error" role="alert">{err('adminSiteIds')}</p>}
        </fieldset>
      )}
      <TextField label="New password" type="password" autoComplete="new-password" value={f.password} onChange={set('password')} error={err('password')}
        hint={user.hasPassword ? 'Leave empty to keep the current password' : 'The user has no password yet; at least 10 characters'} />
      <dl className="details">
        <dt>Number</dt><dd>{user.number ?? 'None'}</dd>
        <dt>Presence</dt><dd>{user.presence}</dd>
      </dl>
      <FormError error={submit.error} fields={PROFILE_FIELDS} />
      <Actions>
        <button type="submit" className="primary" disabled={submit.busy || !dirty}>{submit.busy ? 'Saving…' : 'Save changes'}</button>
      </Actions>
    </form>
  );
}

function OfficeAnywhereEnabled({ user, onChanged }: { user: User; onChanged(on: boolean): void }) {
  const submit = useSubmit();
  const [on, setOn] = useState(user.officeAnywhereEnabled);
  const toggle = async (next: boolean) => {
    setOn(next);
    const ok = await submit.run(() => call(api.PATCH('/v1/users/{userId}', { params: { path: { userId: user.id } }, body: { officeAnywhereEnabled: next } })));
    if (ok) onChanged(next);
    else setOn(!next);
  };
  return (
    <>
      <Checkbox label="Enabled for Office Anywhere" checked={on} disabled={submit.busy} onChange={(e) => void toggle(e.target.checked)} error={fieldError(submit.error, 'officeAnywhereEnabled')} />
      <FormError error={submit.error} fields={['officeAnywhereEnabled']} />
    </>
  );
}

const CHECK_NAMES: Record<Readiness['checks'][number]['name'], string> = {
  portal_number: 'Portal number',
  user_enabled: 'User enabled',
  active_alternate_phone: 'Active alternate phone',
};

function Prerequisites({ readiness, error, retry }: { readiness: Readiness | null; error: ReturnType<typeof useLoad>['error']; retry(): void }) {
  if (error) return <LoadError error={error} retry={retry} />;
  if (!readiness) return <Loading />;
  return (
    <div className="prerequisites">
      <h3>
        Prerequisites{' '}
        {readiness.ready ? <Badge tone="ok">Ready</Badge> : <Badge tone="warn">Not ready</Badge>}
      </h3>
      <ul aria-label="Office Anywhere prerequisites">
        {readiness.checks.map((c) => (
          <li key={c.name} className={c.ok ? 'ok' : 'bad'} data-check={c.name}>
            <span className="check-head">
              <strong>{CHECK_NAMES[c.name]}</strong> {c.ok ? <Badge tone="ok">Passed</Badge> : <Badge tone="bad">Not met</Badge>}
            </span>
            <span className="check-message">{c.message}</span>
          </li>
        ))}
      </ul>
      <p className="hint">Portal numbers are set up on the <Link to="/office-anywhere">Office Anywhere</Link> page.</p>
    </div>
  );
}

function UserCallRule({ userId }: { userId: string }) {
  const rule = useLoad(async () => (await call(api.GET('/v1/users/{userId}/call-rule', { params: { path: { userId } } }))).rule, [userId]);
  if (rule.error) return <LoadError error={rule.error} retry={() => void rule.reload()} />;
  if (rule.loading && rule.data === null) return <Loading />;
  const r: CallRule | null = rule.data;
  return (
    <>
      {r ? (
        <dl className="details">
          <dt>Rule</dt><dd>{r.name} {!r.active && <Badge tone="warn">Inactive prefix</Badge>}</dd>
          <dt>Dial plan</dt><dd>{DIAL_PLANS[r.dialPlan]}</dd>
          {r.organizationConnect.length > 0 && (
            <>
              <dt>Organization Connect</dt>
              <dd>{r.organizationConnect.map((o) => `${o.prefix} → ${o.destinationName ?? 'unlinked account'}`).join(', ')}</dd>
            </>
          )}
        </dl>
      ) : (
        <p>No outbound call rule is assigned to this user.</p>
      )}
      <p className="hint">Rules are assigned on the <Link to="/call-rules">Outbound call rules</Link> page.</p>
    </>
  );
}

const DIAL_PLANS: Record<CallRule['dialPlan'], string> = { internal_only: 'Internal only', national: 'National', international: 'International' };

function AlternatePhones({ userId, onChanged }: { userId: string; onChanged(): void }) {
  const phones = useLoad(async () => (await call(api.GET('/v1/users/{userId}/alternate-phones', { params: { path: { userId } } }))).items, [userId]);
  const add = useSubmit();
  const row = useSubmit();
  const [f, setF] = useState({ number: '', label: '', active: true });
  const [deleting, setDeleting] = useState<AlternatePhone | null>(null);
  const after = () => {
    void phones.reload();
    onChanged();
  };

  const onAdd = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await add.run(() => call(api.POST('/v1/users/{userId}/alternate-phones', {
      params: { path: { userId } }, headers: once(),
      body: { number: f.number.trim(), active: f.active, ...(f.label.trim() ? { label: f.label.trim() } : {}) },
    })));
    if (ok) {
      setF({ number: '', label: '', active: true });
      after();
    }
  };
  const setActive = async (p: AlternatePhone, active: boolean) => {
    if (await row.run(() => call(api.PATCH('/v1/users/{userId}/alternate-phones/{alternatePhoneId}', { params: { path: { userId, alternatePhoneId: p.id } }, body: { active } })))) after();
  };

  const columns: Column<AlternatePhone>[] = [
    { header: 'Number', cell: (p) => p.number },
    { header: 'Kind', cell: (p) => KINDS[p.kind] },
    { header: 'Label', cell: (p) => p.label || <span className="muted">—</span> },
    { header: 'Status', cell: (p) => (p.active ? <Badge tone="ok">Active</Badge> : <Badge tone="muted">Inactive</Badge>) },
    {
      header: 'Actions', className: 'actions-cell',
      cell: (p) => (
        <>
          <button type="button" className="small" disabled={row.busy} aria-label={`${p.active ? 'Deactivate' : 'Activate'} ${p.number}`} onClick={() => void setActive(p, !p.active)}>
            {p.active ? 'Deactivate' : 'Activate'}
          </button>
          <button type="button" className="small danger" aria-label={`Delete ${p.number}`} onClick={() => setDeleting(p)}>Delete</button>
        </>
      ),
    },
  ];

  return (
    <>
      {phones.error && <LoadError error={phones.error} retry={() => void phones.reload()} />}
      <FormError error={row.error} />
      {phones.data ? (
        <Table caption="Alternate phones" columns={columns} rows={phones.data} rowKey={(p) => p.id} empty="The user has no alternate phone." />
      ) : !phones.error && <Loading />}
      <form className="inline-form" onSubmit={(e) => void onAdd(e)} noValidate aria-label="Add an alternate phone">
        <TextField label="Alternate phone number" type="tel" value={f.number} onChange={(e) => setF({ ...f, number: e.target.value })} error={fieldError(add.error, 'number')}
          hint="A mobile or landline outside the account; its kind is recognised from the number" required />
        <TextField label="Label" value={f.label} onChange={(e) => setF({ ...f, label: e.target.value })} error={fieldError(add.error, 'label')} hint="Optional, e.g. Mobile" />
        <Checkbox label="Active" checked={f.active} onChange={(e) => setF({ ...f, active: e.target.checked })} />
        <button type="submit" className="primary" disabled={add.busy}>{add.busy ? 'Adding…' : 'Add phone'}</button>
      </form>
      <FormError error={add.error} fields={['number', 'label']} />
      {deleting && <DeleteAlternatePhone userId={userId} phone={deleting} onClose={() => setDeleting(null)} onDeleted={after} />}
    </>
  );
}

const KINDS: Record<AlternatePhone['kind'], string> = { mobile: 'Mobile', landline: 'Landline', other: 'Other' };

function DeleteAlternatePhone({ userId, phone, onClose, onDeleted }: { userId: string; phone: AlternatePhone; onClose(): void; onDeleted(): void }) {
  return (
    <ConfirmDialog title="Delete alternate phone" open onClose={onClose} danger confirmLabel="Remove phone" busyLabel="Removing…" onConfirm={async () => {
      await call(api.DELETE('/v1/users/{userId}/alternate-phones/{alternatePhoneId}', { params: { path: { userId, alternatePhoneId: phone.id } } }));
      onDeleted();
    }}>
      <p>Remove the alternate phone <strong>{phone.number}</strong>{phone.label ? ` (${phone.label})` : ''}? It will no longer ring for Office Anywhere calls.</p>
      {phone.active && <p className="hint">This phone is active; if it is the user's only active one, Office Anywhere stops working for them.</p>}
    </ConfirmDialog>
  );
}
