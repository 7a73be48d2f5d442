/**
 * The operator's accounts (spec §1–2): every account by name (searchable, paged), opening an account
 * with its first site (and main number) and first account admin in one step as POST /v1/accounts
 * requires, changing an account's settings (name, country, extension length, international whitelist,
 * premium numbers), and acting inside an account (the session's acting account, then its numbers).
 */
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { api, call, once, type Answer, type Body } from '../../api/client.ts';
import { useSubmit } from '../../components/data.ts';
import { Actions, Badge, Dialog, FormError, LoadError, Loading, Page, Table, TextField, fieldError, type Column } from '../../components/ui.tsx';
import { useSession } from '../../session.tsx';
import { LoadMore, usePaged } from '../../components/paging.tsx';
import '../records/records.css';
import './operator.css';
import { AccountSettingsForm, CREATE_FIELDS, SettingsFields, countries, int, settingsOf, whitelistText, type Account, type Settings } from './account-settings.tsx';

type Created = Answer<'/v1/accounts', 'post'>;

const defaultTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || '';

function CreateAccount({ onClose, onCreated }: { onClose: () => void; onCreated: (c: Created) => void }) {
  const [s, setS] = useState<Settings>(settingsOf(null));
  const [sipDomain, setSipDomain] = useState('');
  const [site, setSite] = useState({ name: '', timeZone: defaultTimeZone(), address: '', mainNumber: '' });
  const [admin, setAdmin] = useState({ firstName: '', lastName: '', email: '', extension: '', password: '' });
  const submit = useSubmit();
  const e = submit.error;
  const onSubmit = (ev: FormEvent) => {
    ev.preventDefault();
    const min = int(s.extMinLength);
    const max = int(s.extMaxLength);
    const body: Body<'/v1/accounts', 'post'> = {
      name: s.name.trim(), country: s.country.trim(), sipDomain: sipDomain.trim(),
      ...(min !== undefined ? { extMinLength: min } : {}), ...(max !== undefined ? { extMaxLength: max } : {}),
      intlWhitelist: s.intl === 'any' ? null : countries(s.intlWhitelist), premiumAllowed: s.premiumAllowed,
      firstSite: { name: site.name.trim(), timeZone: site.timeZone.trim(), mainNumber: site.mainNumber.trim(), ...(site.address.trim() ? { address: site.address.trim() } : {}) },
      admin: {
        firstName: admin.firstName.trim(), lastName: admin.lastName.trim(), email: admin.email.trim(),
        ...(admin.extension.trim() ? { extension: admin.extension.trim() } : {}), ...(admin.password ? { password: admin.password } : {}),
      },
    };
    void submit.run(async () => onCreated(await call(api.POST('/v1/accounts', { body, params: { header: once() } }))));
  };
  return (
    <Dialog title="Open an account" open onClose={onClose} wide>
      <form onSubmit={onSubmit} className="account-form">
        <fieldset>
          <legend>Account</legend>
          <SettingsFields s={s} set={setS} error={e} creating />
          <TextField label="SIP domain" required value={sipDomain} onChange={(ev) => setSipDomain(ev.target.value)} hint="the account's own domain, e.g. acme.voice.example.net" error={fieldError(e, 'sipDomain')} />
        </fieldset>
        <fieldset>
          <legend>First site</legend>
          <TextField label="Site name" required value={site.name} onChange={(ev) => setSite({ ...site, name: ev.target.value })} error={fieldError(e, 'firstSite.name')} />
          <TextField label="Time zone" required value={site.timeZone} onChange={(ev) => setSite({ ...site, timeZone: ev.target.value })} hint="IANA name, e.g. Europe/Berlin" error={fieldError(e, 'firstSite.timeZone')} />
          <TextField label="Address" value={site.address} onChange={(ev) => setSite({ ...site, address: ev.target.value })} error={fieldError(e, 'firstSite.address')} />
          <TextField label="Main number" required value={site.mainNumber} onChange={(ev) => setSite({ ...site, mainNumber: ev.target.value })} hint="E.164 or the national form of the account's country; read-only once set" error={fieldError(e, 'firstSite.mainNumber')} />
        </fieldset>
        <fieldset>
          <legend>First account admin</legend>
          <div className="field-row">
            <TextField label="First name" required value={admin.firstName} onChange={(ev) => setAdmin({ ...admin, firstName: ev.target.value })} error={fieldError(e, 'admin.firstName')} />
            <TextField label="Last name" required value={admin.lastName} onChange={(ev) => setAdmin({ ...admin, lastName: ev.target.value })} error={fieldError(e, 'admin.lastName')} />
          </div>
          <TextField label="Admin e-mail" type="email" required value={admin.email} onChange={(ev) => setAdmin({ ...admin, email: ev.target.value })} error={fieldError(e, 'admin.email')} />
          <TextField label="Admin extension" inputMode="numeric" value={admin.extension} onChange={(ev) => setAdmin({ ...admin, extension: ev.target.value })} hint="optional" error={fieldError(e, 'admin.extension')} />
          <TextField label="Admin password" type="password" autoComplete="new-password" value={admin.password} onChange={(ev) => setAdmin({ ...admin, password: ev.target.value })}
            hint="at least 10 characters; the admin signs in with it" error={fieldError(e, 'admin.password')} />
        </fieldset>
        <FormError error={e} fields={CREATE_FIELDS} />
        <Actions>
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={submit.busy}>{submit.busy ? 'Opening…' : 'Open account'}</button>
        </Actions>
      </form>
    </Dialog>
  );
}

function EditAccount({ account, onClose, onSaved }: { account: Account; onClose: () => void; onSaved: (a: Account) => void }) {
  return (
    <Dialog title={`Edit ${account.name}`} open onClose={onClose}>
      <AccountSettingsForm account={account} onSaved={onSaved} onCancel={onClose} />
    </Dialog>
  );
}

export default function Accounts() {
  const session = useSession();
  const navigate = useNavigate();
  const [q, setQ] = useState('');
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<Account | null>(null);
  const [notice, setNotice] = useState<{ text: string; accountId: string } | null>(null);
  const list = usePaged(async (cursor) => call(api.GET('/v1/accounts', { params: { query: { limit: 50, ...(cursor ? { cursor } : {}), ...(q.trim() ? { q: q.trim() } : {}) } } })), [q]);

  const actIn = (accountId: string) => {
    session.actAs(accountId);
    navigate('/numbers');
  };

  const columns: Column<Account>[] = [
    { header: 'Name', cell: (a) => <strong>{a.name}</strong> },
    { header: 'Country', cell: (a) => a.country },
    { header: 'SIP domain', cell: (a) => a.sipDomain },
    { header: 'Extensions', cell: (a) => (a.extMinLength === a.extMaxLength ? `${a.extMinLength} digits` : `${a.extMinLength}–${a.extMaxLength} digits`) },
    { header: 'International calls', cell: (a) => whitelistText(a) },
    { header: 'Premium numbers', cell: (a) => (a.premiumAllowed ? <Badge tone="warn">Allowed</Badge> : <Badge tone="muted">Blocked</Badge>) },
    {
      header: 'Actions',
      className: 'actions-cell',
      cell: (a) => (
        <>
          <button type="button" className="small" onClick={() => setEditing(a)} aria-label={`Edit ${a.name}`}>Edit</button>
          <button type="button" className="small" onClick={() => actIn(a.id)} aria-label={`Act in this account: ${a.name}`}>Act in this account</button>
        </>
      ),
    },
  ];

  return (
    <Page title="Accounts" actions={<button type="button" className="primary" onClick={() => setCreating(true)}>Open an account</button>}>
      <div className="toolbar">
        <TextField label="Search accounts" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="part of the name" />
      </div>
      {notice && (
        <div className="notice" role="status">
          <span>{notice.text}</span>
          <button type="button" className="small" onClick={() => actIn(notice.accountId)}>Act in this account</button>
          <button type="button" className="icon" aria-label="Dismiss" onClick={() => setNotice(null)}>×</button>
        </div>
      )}
      {list.error && <LoadError error={list.error} retry={() => void list.reload()} />}
      {!list.error && list.items === null && <Loading />}
      {!list.error && list.items && (
        <div aria-busy={list.loading}>
          <Table caption="Accounts by name" columns={columns} rows={list.items} rowKey={(a) => a.id} empty={q.trim() ? 'No account name contains that.' : 'No accounts yet. Open the first one.'} />
          <LoadMore list={list} />
        </div>
      )}
      {creating && (
        <CreateAccount
          onClose={() => setCreating(false)}
          onCreated={(c) => {
            setCreating(false);
            setNotice({ accountId: c.account.id, text: `${c.account.name} is open: site ${c.site.name} with main number ${c.site.mainNumber ?? '—'}, admin ${c.admin.email}.` });
            void list.reload();
          }}
        />
      )}
      {editing && (
        <EditAccount
          account={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            session.accountChanged(); // the account picker shows the new name
            void list.reload();
          }}
        />
      )}
    </Page>
  );
}
