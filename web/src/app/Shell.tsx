/**
 * The signed-in frame: a header (who is signed in, the operator's account picker, sign out), the
 * navigation for the role (from routes.tsx, grouped), and the current screen. Skip link and
 * landmarks for keyboard and screen-reader use.
 */
import { Suspense, useMemo } from 'react';
import { Link, NavLink, Navigate, Route, Routes, useNavigate } from 'react-router';
import { api, call } from '../api/client.ts';
import { useLoad } from '../components/data.ts';
import { Empty, Loading, Page, SelectField } from '../components/ui.tsx';
import { homePath, screens, type Screen } from '../routes.tsx';
import { useSession, type Role } from '../session.tsx';

const ROLE_NAMES: Record<Role, string> = { operator: 'Operator', account_admin: 'Account admin', site_admin: 'Site admin', user: 'User' };

function AccountPicker() {
  const s = useSession();
  const navigate = useNavigate();
  // reloaded when the acting account changes: an account opened (and acted in) since is then listed
  const accounts = useLoad(async () => (await call(api.GET('/v1/accounts', { params: { query: { limit: 500 } } }))).items, [s.accountId, s.accountVersion]);
  return (
    <div className="account-picker">
      <SelectField
        label="Acting in account"
        value={s.accountId ?? ''}
        onChange={(e) => {
          s.actAs(e.target.value || null);
          navigate(e.target.value ? '/numbers' : '/operator/accounts');
        }}
      >
        <option value="">Platform (no account)</option>
        {(accounts.data ?? []).map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
      </SelectField>
    </div>
  );
}

function AccountName({ accountId }: { accountId: string }) {
  const { accountVersion } = useSession();
  const account = useLoad(async () => call(api.GET('/v1/accounts/{accountId}', { params: { path: { accountId } } })), [accountId, accountVersion]);
  return <span className="account-name">{account.data?.name ?? ''}</span>;
}

export default function Shell() {
  const s = useSession();
  const visible = useMemo(() => screens.filter((x) => x.roles.includes(s.role) && (!x.account || s.accountId)), [s.role, s.accountId]);
  const groups = useMemo(() => {
    const g = new Map<Screen['group'], Screen[]>();
    for (const x of visible) if (x.nav) g.set(x.group, [...(g.get(x.group) ?? []), x]);
    return [...g.entries()];
  }, [visible]);
  const name = s.me.user ? `${s.me.user.firstName} ${s.me.user.lastName}` : 'Operator';

  return (
    <div className="shell">
      <a className="skip" href="#main">Skip to content</a>
      <header className="topbar">
        <span className="brand"><span className="logo" aria-hidden="true">◐</span> Tandem</span>
        {s.role === 'operator' ? <AccountPicker /> : s.role === 'account_admin' && s.accountId ? <AccountName accountId={s.accountId} /> : null}
        <span className="who">
          <Link to="/me" className="me-link" title="My account: password and API tokens">{name}</Link> <span className="role">{ROLE_NAMES[s.role]}</span>
        </span>
        <button type="button" onClick={() => void s.signOut()}>Sign out</button>
      </header>
      <nav className="sidebar" aria-label="Main">
        {groups.map(([group, items]) => (
          <div key={group} className="nav-group">
            <h2>{group}</h2>
            <ul>{items.map((x) => <li key={x.path}><NavLink to={x.path}>{x.nav}</NavLink></li>)}</ul>
          </div>
        ))}
      </nav>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Routes>
            {visible.map((x) => <Route key={x.path} path={x.path} element={<x.component />} />)}
            <Route path="/" element={<Navigate to={homePath(s.role, !!s.accountId)} replace />} />
            <Route path="/not-an-admin" element={<Page title="Not an admin"><Empty>The admin portal is for operators and admins. Your account has no admin role.</Empty></Page>} />
            <Route path="*" element={<Page title="Not found"><Empty>There is no such page, or your role does not show it.</Empty></Page>} />
          </Routes>
        </Suspense>
      </main>
    </div>
  );
}
