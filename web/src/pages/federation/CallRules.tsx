/**
 * Outbound call rules (spec §8 "Organization Connect", §9): each rule has a dial plan, a country
 * whitelist and an Organization Connect table (prefix → destination account, several rows at once);
 * rules are assigned to users. Destinations offered are the accounts this one shares an active
 * federation with that allows extension dialing (GET /v1/federation-grants). A prefix colliding with
 * an extension of the account or another prefix is refused by the server beside that row.
 */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, call, once, type Answer, type ApiError } from '../../api/client.ts';
import { useLoad, useSubmit, type Loaded } from '../../components/data.ts';
import { Actions, Badge, Checkbox, ConfirmDialog, Dialog, Empty, FormError, LoadError, Loading, Page, SelectField, Table, TextField, fieldError } from '../../components/ui.tsx';
import { useSession } from '../../session.tsx';
import { errorAt } from './shared.tsx';
import './federation.css';

type Rule = Answer<'/v1/call-rules', 'get'>['items'][number];
type DialPlan = Rule['dialPlan'];
type Grant = Answer<'/v1/federation-grants', 'get'>['items'][number];
type User = Answer<'/v1/users', 'get'>['items'][number];
type Account = Answer<'/v1/accounts/{accountId}', 'get'>;

const DIAL_PLANS: Record<DialPlan, (country: string) => string> = {
  internal_only: () => 'Internal only: no public network',
  national: (c) => `National: public numbers of ${c}`,
  international: (c) => `International: ${c} and countries abroad`,
};

const userName = (u: User) => `${u.firstName} ${u.lastName}`;

/** Every user of the account (pages of 500), by name: for the picker and to name a rule's users. */
function useUsers() {
  return useLoad(async () => {
    const all: User[] = [];
    let cursor: string | undefined;
    do {
      const page = await call(api.GET('/v1/users', { params: { query: { limit: 500, ...(cursor ? { cursor } : {}) } } }));
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  }, []);
}

export default function CallRules() {
  const s = useSession();
  const accountId = s.accountId!;
  const [q, setQ] = useState('');
  const list = useLoad(async () => call(api.GET('/v1/call-rules', { params: { query: { limit: 50, ...(q.trim() ? { q: q.trim() } : {}) } } })), [q, accountId]);
  // Further pages ("Load more"), kept until the first page is loaded again.
  const [extra, setExtra] = useState<{ items: Rule[]; next: string | null } | null>(null);
  useEffect(() => setExtra(null), [list.data]);
  const rules = list.data ? [...list.data.items, ...(extra?.items ?? [])] : null;
  const next = extra ? extra.next : (list.data?.nextCursor ?? null);
  const more = useSubmit();
  const loadMore = () => void more.run(async () => {
    const page = await call(api.GET('/v1/call-rules', { params: { query: { limit: 50, cursor: next!, ...(q.trim() ? { q: q.trim() } : {}) } } }));
    setExtra({ items: [...(extra?.items ?? []), ...page.items], next: page.nextCursor });
  });
  const grants = useLoad(async () => (await call(api.GET('/v1/federation-grants'))).items, [accountId]);
  const account = useLoad(async () => call(api.GET('/v1/accounts/{accountId}', { params: { path: { accountId } } })), [accountId]);
  const users = useUsers();
  const usersById = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u])), [users.data]);

  const [dialog, setDialog] = useState<null | { kind: 'edit'; rule: Rule | null } | { kind: 'users'; rule: Rule } | { kind: 'delete'; rule: Rule }>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const close = () => setDialog(null);
  const saved = async (message: string) => {
    setDialog(null);
    setNotice(message);
    await list.reload();
  };

  return (
    <Page
      title="Outbound call rules"
      actions={<>
        <button type="button" onClick={() => { setNotice(null); void list.reload(); }}>Refresh</button>
        <button type="button" className="primary" onClick={() => { setNotice(null); setDialog({ kind: 'edit', rule: null }); }}>New rule</button>
      </>}
    >
      <p className="hint">
        A rule sets how far into the public network its users may dial, and its Organization Connect prefixes: a user with the rule dials
        prefix + extension to reach that extension in another account this one is federated with. On-net and emergency calls are always allowed.
      </p>
      <div className="toolbar">
        <TextField label="Search" type="search" placeholder="Name or prefix" value={q} onChange={(e) => setQ(e.target.value)} />
      </div>
      {notice && <p className="card" role="status">{notice}</p>}
      {list.error && <LoadError error={list.error} retry={() => void list.reload()} />}
      {!rules && !list.error && <Loading />}
      {rules && (
        <Table
          caption="Outbound call rules"
          rows={rules}
          rowKey={(r) => r.id}
          empty={q.trim() ? 'No rule matches the search.' : 'No outbound call rules yet. Users without a rule follow the account-wide outbound permissions.'}
          columns={[
            { header: 'Name', cell: (r) => <strong>{r.name}</strong> },
            { header: 'Dial plan', cell: (r) => <>{DIAL_PLANS[r.dialPlan](account.data?.country ?? 'the account country')}{r.dialPlan === 'international' && <div className="muted small">{r.countryWhitelist.length ? `Abroad: ${r.countryWhitelist.join(', ')}` : 'Abroad: every country the account may call'}</div>}</> },
            {
              header: 'Organization Connect',
              cell: (r) => r.organizationConnect.length === 0 ? <span className="muted">—</span> : (
                <ul className="plain">
                  {r.organizationConnect.map((o) => (
                    <li key={o.prefix}>
                      <strong>{o.prefix}</strong> → {o.destinationName ?? 'an account no longer federated'}{' '}
                      {!o.active && <Badge tone="bad">Inactive</Badge>}
                      {o.inactiveReason && <div className="muted small">{o.inactiveReason}</div>}
                    </li>
                  ))}
                </ul>
              ),
            },
            {
              header: 'Users',
              cell: (r) => r.userIds.length === 0 ? <span className="muted">None</span> : (
                <>
                  {r.userIds.length} {r.userIds.length === 1 ? 'user' : 'users'}
                  <div className="muted small">{r.userIds.slice(0, 3).map((id) => { const u = usersById.get(id); return u ? userName(u) : '…'; }).join(', ')}{r.userIds.length > 3 ? ', …' : ''}</div>
                </>
              ),
            },
            { header: 'State', cell: (r) => r.active ? <Badge tone="ok">Active</Badge> : <Badge tone="bad">Rows inactive</Badge> },
            {
              header: 'Actions', className: 'actions-cell',
              cell: (r) => (
                <>
                  <button type="button" className="small" onClick={() => { setNotice(null); setDialog({ kind: 'edit', rule: r }); }}>Edit<span className="sr-only"> {r.name}</span></button>
                  <button type="button" className="small" onClick={() => { setNotice(null); setDialog({ kind: 'users', rule: r }); }}>Users<span className="sr-only"> of {r.name}</span></button>
                  <button type="button" className="small danger" onClick={() => { setNotice(null); setDialog({ kind: 'delete', rule: r }); }}>Delete<span className="sr-only"> {r.name}</span></button>
                </>
              ),
            },
          ]}
        />
      )}
      {next && <Actions><button type="button" onClick={loadMore} disabled={more.busy}>Load more</button></Actions>}
      <FormError error={more.error} />

      <Dialog title={dialog?.kind === 'edit' ? (dialog.rule ? `Edit “${dialog.rule.name}”` : 'New outbound call rule') : ''} open={dialog?.kind === 'edit'} onClose={close} wide>
        {dialog?.kind === 'edit' && (
          <RuleForm rule={dialog.rule} grants={grants} account={account.data} onCancel={close} onSaved={(r) => void saved(dialog.rule ? `Saved “${r.name}”.` : `Created “${r.name}”.`)} />
        )}
      </Dialog>
      <Dialog title={dialog?.kind === 'users' ? `Users of “${dialog.rule.name}”` : ''} open={dialog?.kind === 'users'} onClose={close} wide>
        {dialog?.kind === 'users' && <UsersForm rule={dialog.rule} rules={rules ?? []} users={users} onCancel={close} onSaved={(m) => void saved(m)} />}
      </Dialog>
      {dialog?.kind === 'delete' && <DeleteRule rule={dialog.rule} onClose={close} onDeleted={() => void saved(`Deleted “${dialog.rule.name}”.`)} />}
    </Page>
  );
}

interface Row {
  key: number;
  prefix: string;
  destinationAccountId: string;
}

let rowKeys = 0;

function RuleForm({ rule, grants, account, onCancel, onSaved }: {
  rule: Rule | null; grants: Loaded<Grant[]>; account: Account | null; onCancel: () => void; onSaved: (r: Rule) => void;
}) {
  const [tab, setTab] = useState<'general' | 'oc'>('general');
  const [name, setName] = useState(rule?.name ?? '');
  const [dialPlan, setDialPlan] = useState<DialPlan>(rule?.dialPlan ?? 'national');
  const [countries, setCountries] = useState((rule?.countryWhitelist ?? []).join(', '));
  const [rows, setRows] = useState<Row[]>(() => (rule?.organizationConnect ?? []).map((o) => ({ key: ++rowKeys, prefix: o.prefix, destinationAccountId: o.destinationAccountId })));
  const submit = useSubmit();

  // Destinations: accounts a federation lets this one reach by extension; a stored row's destination stays listed (inactive) while it is kept.
  const reachable = (grants.data ?? []).filter((g) => g.extensionDialing);
  const stored = (rule?.organizationConnect ?? []).filter((o) => !reachable.some((g) => g.accountId === o.destinationAccountId));

  // A refusal naming a field of the other tab shows that tab.
  useEffect(() => {
    const f = submit.error?.field;
    if (!f) return;
    if (f.startsWith('organizationConnect')) setTab('oc');
    else if (['name', 'dialPlan'].includes(f) || f.startsWith('countryWhitelist')) setTab('general');
  }, [submit.error]);

  const whitelist = countries.split(/[\s,;]+/).map((c) => c.trim().toUpperCase()).filter(Boolean);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const body = {
      name,
      dialPlan,
      countryWhitelist: dialPlan === 'international' ? whitelist : [],
      organizationConnect: rows.map((r) => ({ prefix: r.prefix.trim(), destinationAccountId: r.destinationAccountId })),
    };
    void submit.run(async () => {
      const saved = rule
        ? await call(api.PATCH('/v1/call-rules/{ruleId}', { params: { path: { ruleId: rule.id } }, body }))
        : await call(api.POST('/v1/call-rules', { params: { header: once() }, body }));
      onSaved(saved);
    });
  };

  const countryError = fieldError(submit.error, 'countryWhitelist') ?? (submit.error?.field?.startsWith('countryWhitelist') ? submit.error.problem.detail : null);
  const rowFields = rows.flatMap((_, i) => ['prefix', 'destinationAccountId'].map((leaf) => `organizationConnect[${i}].${leaf}`).concat([`organizationConnect[${i}]`]));
  const tabError = (t: 'general' | 'oc', e: ApiError | null) => !!e?.field && (t === 'oc' ? e.field.startsWith('organizationConnect') : !e.field.startsWith('organizationConnect'));
  const country = account?.country ?? 'the account country';

  return (
    <form onSubmit={onSubmit}>
      <div className="tabs" role="tablist" aria-label="Rule settings">
        {([['general', 'General'], ['oc', `Organization Connect (${rows.length})`]] as const).map(([t, label]) => (
          <button key={t} type="button" role="tab" id={`tab-${t}`} aria-controls={`panel-${t}`} aria-selected={tab === t} onClick={() => setTab(t)}>
            {label}{tabError(t, submit.error) && <span className="field-error" aria-label="has an error"> ●</span>}
          </button>
        ))}
      </div>
      {tab === 'general' && (
        <div role="tabpanel" id="panel-general" aria-labelledby="tab-general">
          <TextField label="Name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} error={fieldError(submit.error, 'name')} />
          <SelectField label="Dial plan" value={dialPlan} onChange={(e) => setDialPlan(e.target.value as DialPlan)} error={fieldError(submit.error, 'dialPlan')}
            hint="On-net calls (own and federated accounts) and emergency numbers are allowed under every plan; premium ranges and the account's own list of countries apply on top.">
            {(Object.keys(DIAL_PLANS) as DialPlan[]).map((p) => <option key={p} value={p}>{DIAL_PLANS[p](country)}</option>)}
          </SelectField>
          <TextField
            label="Country whitelist (countries abroad)"
            placeholder="e.g. FR, AT"
            value={dialPlan === 'international' ? countries : ''}
            disabled={dialPlan !== 'international'}
            onChange={(e) => setCountries(e.target.value)}
            error={countryError}
            hint={dialPlan === 'international'
              ? `ISO country codes, separated by commas; empty: every country the account may call${account?.intlWhitelist ? ` (${account.intlWhitelist.join(', ')})` : ''}.`
              : 'Only the international dial plan calls countries abroad.'}
          />
        </div>
      )}
      {tab === 'oc' && (
        <div role="tabpanel" id="panel-oc" aria-labelledby="tab-oc">
          <p className="hint">
            A user with this rule dials prefix + extension to reach that extension in the destination account (e.g. prefix 1 then 201 reaches extension 201 there).
            A prefix is 1–4 digits, not starting with 0, and must not collide with this account's extensions or another prefix of the rule.
          </p>
          {grants.error && <LoadError error={grants.error} retry={() => void grants.reload()} />}
          {grants.data && reachable.length === 0 && (
            <p className="warning" role="note">
              No account is reachable by extension: this account shares no active federation that allows extension dialing. See <Link to="/federations">Federations</Link>.
            </p>
          )}
          {rows.length === 0 ? <Empty>No Organization Connect rows.</Empty> : (
            <table className="oc-rows">
              <caption className="sr-only">Organization Connect rows</caption>
              <tbody>
                {rows.map((r, i) => (
                  <tr key={r.key}>
                    <td className="prefix-cell">
                      <TextField
                        label={`Prefix of row ${i + 1}`}
                        inputMode="numeric"
                        maxLength={4}
                        value={r.prefix}
                        onChange={(e) => setRows(rows.map((x) => (x.key === r.key ? { ...x, prefix: e.target.value } : x)))}
                        error={errorAt(submit.error, 'organizationConnect', i, 'prefix') ?? errorAt(submit.error, 'organizationConnect', i)}
                      />
                    </td>
                    <td>
                      <SelectField
                        label={`Destination account of row ${i + 1}`}
                        value={r.destinationAccountId}
                        onChange={(e) => setRows(rows.map((x) => (x.key === r.key ? { ...x, destinationAccountId: e.target.value } : x)))}
                        error={errorAt(submit.error, 'organizationConnect', i, 'destinationAccountId')}
                      >
                        <option value="">Choose an account…</option>
                        {reachable.map((g) => <option key={g.accountId} value={g.accountId}>{g.accountName}</option>)}
                        {stored.map((o) => <option key={o.destinationAccountId} value={o.destinationAccountId}>{o.destinationName ?? 'An account no longer federated'} (inactive)</option>)}
                      </SelectField>
                    </td>
                    <td className="remove-cell">
                      <button type="button" className="small" onClick={() => setRows(rows.filter((x) => x.key !== r.key))}>Remove row {i + 1}</button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <button type="button" className="small" onClick={() => setRows([...rows, { key: ++rowKeys, prefix: '', destinationAccountId: reachable.length === 1 ? reachable[0]!.accountId : '' }])}>Add row</button>
        </div>
      )}
      <FormError error={submit.error} fields={['name', 'dialPlan', 'countryWhitelist', ...whitelist.map((_, i) => `countryWhitelist[${i}]`), ...rowFields]} />
      <Actions>
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="submit" className="primary" disabled={submit.busy}>{rule ? 'Save rule' : 'Create rule'}</button>
      </Actions>
    </form>
  );
}

/** The rule's users: a picker over the account's users; a user has one rule, so picking moves them here. */
function UsersForm({ rule, rules, users, onCancel, onSaved }: {
  rule: Rule; rules: Rule[]; users: ReturnType<typeof useUsers>; onCancel: () => void; onSaved: (message: string) => void;
}) {
  const [chosen, setChosen] = useState<string[]>(rule.userIds);
  const [q, setQ] = useState('');
  const submit = useSubmit();
  const ruleOf = useMemo(() => {
    const m = new Map<string, Rule>();
    for (const r of rules) if (r.id !== rule.id) for (const u of r.userIds) m.set(u, r);
    return m;
  }, [rules, rule.id]);
  const byId = useMemo(() => new Map((users.data ?? []).map((u) => [u.id, u])), [users.data]);
  const needle = q.trim().toLowerCase();
  const matches = (users.data ?? []).filter((u) => !needle || [userName(u), u.email, u.extension ?? '', u.number ?? ''].some((x) => x.toLowerCase().includes(needle)));
  const toggle = (id: string, on: boolean) => setChosen(on ? [...chosen, id] : chosen.filter((x) => x !== id));

  const save = () => void submit.run(async () => {
    const r = await call(api.PUT('/v1/call-rules/{ruleId}/users', { params: { path: { ruleId: rule.id } }, body: { userIds: chosen } }));
    const moved = r.moved.map((m) => `${byId.get(m.userId) ? userName(byId.get(m.userId)!) : 'a user'} (from “${rules.find((x) => x.id === m.fromRuleId)?.name ?? 'another rule'}”)`);
    onSaved(`“${rule.name}” now applies to ${r.rule.userIds.length} ${r.rule.userIds.length === 1 ? 'user' : 'users'}.${moved.length ? ` Moved to it: ${moved.join(', ')}.` : ''}`);
  });

  if (users.error) return <LoadError error={users.error} retry={() => void users.reload()} />;
  if (!users.data) return <Loading />;
  return (
    <div>
      <h3 className="small">Chosen ({chosen.length})</h3>
      {chosen.length === 0 ? <p className="muted">No user has this rule.</p> : (
        <ul className="chips" aria-label="Chosen users">
          {chosen.map((id) => {
            const u = byId.get(id);
            const label = u ? userName(u) : id;
            return <li key={id}>{label}<button type="button" className="icon small" aria-label={`Remove ${label}`} onClick={() => toggle(id, false)}>×</button></li>;
          })}
        </ul>
      )}
      <TextField label="Find users" type="search" placeholder="Name, e-mail, extension or number" value={q} onChange={(e) => setQ(e.target.value)} />
      <div className="user-picker" role="group" aria-label="Users of the account">
        {matches.length === 0 ? <p className="muted">No user matches.</p> : matches.map((u) => {
          const other = ruleOf.get(u.id);
          return (
            <Checkbox
              key={u.id}
              label={`${userName(u)}${u.extension ? ` · ${u.extension}` : ''}${other ? ` (now on “${other.name}”)` : ''}`}
              checked={chosen.includes(u.id)}
              onChange={(e) => toggle(u.id, e.target.checked)}
              error={chosen.includes(u.id) ? errorAt(submit.error, 'userIds', chosen.indexOf(u.id)) : null}
            />
          );
        })}
      </div>
      <p className="hint">A user has one outbound call rule: choosing a user who has another moves them to this one.</p>
      <FormError error={submit.error} fields={chosen.map((_, i) => `userIds[${i}]`)} />
      <Actions>
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="button" className="primary" disabled={submit.busy} onClick={save}>Save users</button>
      </Actions>
    </div>
  );
}

function DeleteRule({ rule, onClose, onDeleted }: { rule: Rule; onClose: () => void; onDeleted: () => void }) {
  return (
    <ConfirmDialog title={`Delete “${rule.name}”`} open onClose={onClose} danger confirmLabel="Delete rule" busyLabel="Deleting…" onConfirm={async () => {
      await call(api.DELETE('/v1/call-rules/{ruleId}', { params: { path: { ruleId: rule.id } } }));
      onDeleted();
    }}>
      <p>
        The rule “{rule.name}” and its {rule.organizationConnect.length} Organization Connect {rule.organizationConnect.length === 1 ? 'row are' : 'rows are'} deleted.
        {rule.userIds.length > 0 ? ` Its ${rule.userIds.length} ${rule.userIds.length === 1 ? 'user is' : 'users are'} left without an outbound call rule.` : ''}
      </p>
    </ConfirmDialog>
  );
}
