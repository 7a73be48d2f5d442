/**
 * The operator's number inventory (spec §1 "holds the number inventory, allocates numbers to accounts
 * and sites"; §2 "Number: allocated by the operator to an account and a site"): an account's numbers
 * across its sites (filtered by site, status and a search, paged), allocating several numbers at once
 * to an account and site (typed or pasted, one per line, or a consecutive range), and releasing a
 * reserved, non-main number. The server allocates all or nothing; when it refuses, the number it
 * names is marked with its sentence.
 */
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { api, apiIn, call, once, type Answer, type ApiError } from '../../api/client.ts';
import { useLoad, useSubmit } from '../../components/data.ts';
import { Actions, Badge, Dialog, Empty, Field, FormError, LoadError, Loading, Page, SelectField, Table, TextField, fieldError, type Column } from '../../components/ui.tsx';
import { useSession } from '../../session.tsx';
import { LoadMore, usePaged } from '../../components/paging.tsx';
import '../records/records.css';
import './operator.css';

type Account = Answer<'/v1/accounts', 'get'>['items'][number];
type Site = Answer<'/v1/sites', 'get'>['items'][number];
type NumberRow = Answer<'/v1/accounts/{accountId}/numbers', 'get'>['items'][number];
type Status = NumberRow['status'];

const STATUS_TONE: Record<Status, 'ok' | 'warn' | 'muted'> = { active: 'ok', pending: 'warn', reserved: 'muted' };

/** The numbers a textarea lists: one per line (or separated by commas or semicolons); national forms may contain spaces. */
const numbersOf = (text: string): string[] => text.split(/[\n,;]+/).map((n) => n.trim()).filter(Boolean);

/** `count` consecutive E.164 numbers from `start` (digits counted up without rounding). */
function rangeOf(start: string, count: number): string[] {
  const digits = start.replace(/[\s\-()./]/g, '');
  if (!/^\+[1-9][0-9]{5,14}$/.test(digits)) throw new Error('Write the first number of the range in E.164, e.g. +4930901820');
  if (!Number.isInteger(count) || count < 1 || count > 1000) throw new Error('A range has 1 to 1000 numbers');
  const first = BigInt(digits.slice(1));
  const width = digits.length - 1;
  const out: string[] = [];
  for (let i = 0n; i < BigInt(count); i++) {
    const n = String(first + i);
    if (n.length > width) throw new Error(`The range runs past ${'9'.repeat(width)}; start lower or take fewer`);
    out.push(`+${n}`);
  }
  return out;
}

/** The index of the number a refusal names (`numbers[2]` from the service, `numbers.2` from the schema). */
function refusedIndex(e: ApiError | null): number | null {
  const m = e?.field ? /^numbers(?:\[(\d+)\]|\.(\d+))$/.exec(e.field) : null;
  return m ? Number(m[1] ?? m[2]) : null;
}

function Allocate({ account, sites, onClose, onAllocated }: { account: Account; sites: Site[]; onClose: () => void; onAllocated: (n: NumberRow[], site: Site) => void }) {
  const accountId = account.id;
  const [siteId, setSiteId] = useState(sites[0]?.id ?? '');
  const [text, setText] = useState('');
  const [rangeStart, setRangeStart] = useState('');
  const [rangeCount, setRangeCount] = useState('10');
  const [rangeError, setRangeError] = useState<string | null>(null);
  const [sent, setSent] = useState<string[] | null>(null);
  const submit = useSubmit();
  const numbers = numbersOf(text);
  const refused = refusedIndex(submit.error);

  const addRange = () => {
    try {
      const more = rangeOf(rangeStart, Number(rangeCount));
      setText((t) => [...numbersOf(t), ...more].join('\n'));
      setRangeError(null);
    } catch (e) {
      setRangeError((e as Error).message);
    }
  };
  const onSubmit = (ev: FormEvent) => {
    ev.preventDefault();
    setSent(numbers);
    void submit.run(async () => {
      const r = await call(api.POST('/v1/accounts/{accountId}/numbers', { params: { path: { accountId }, header: once() }, body: { siteId, numbers } }));
      onAllocated(r.items, sites.find((s) => s.id === siteId)!);
    });
  };

  return (
    <Dialog title={`Allocate numbers to ${account.name}`} open onClose={onClose} wide>
      <form onSubmit={onSubmit} className="allocate">
        <SelectField label="To site" value={siteId} onChange={(e) => setSiteId(e.target.value)} required error={fieldError(submit.error, 'siteId')}>
          {sites.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </SelectField>
        <div className="range" role="group" aria-label="Add a range of numbers">
          <TextField label="Range from" value={rangeStart} onChange={(e) => setRangeStart(e.target.value)} placeholder="+4930901820" error={rangeError} />
          <TextField label="How many" type="number" min={1} max={1000} value={rangeCount} onChange={(e) => setRangeCount(e.target.value)} />
          <button type="button" onClick={addRange} disabled={!rangeStart.trim()}>Add range</button>
        </div>
        <div className="wide">
          <Field label="Numbers to allocate"
            hint="One per line: E.164 (+4930901820) or the national form of the account's country. All are allocated, reserved, or none is."
            error={refused === null ? fieldError(submit.error, 'numbers', 'body.numbers') : `${sent?.[refused] ?? `Number ${refused + 1}`}: ${submit.error!.problem.detail}`}>
            {(p) => <textarea {...p} value={text} onChange={(e) => setText(e.target.value)} rows={8} spellCheck={false} />}
          </Field>
          {submit.error && sent && refused !== null && (
            <ol className="refusals" aria-label="What the server said about each number">
              {sent.map((n, i) => (
                <li key={`${i}-${n}`} className={i === refused ? 'refused' : undefined}>
                  <span className="num">{n}</span>
                  <span>{i === refused ? `Refused: ${submit.error!.problem.detail}` : 'Not allocated (the allocation is all or nothing)'}</span>
                </li>
              ))}
            </ol>
          )}
          <FormError error={submit.error} fields={['siteId', 'numbers', 'body.numbers', ...(refused !== null ? [submit.error!.field!] : [])]} />
          <Actions>
            <button type="button" onClick={onClose}>Cancel</button>
            <button type="submit" className="primary" disabled={submit.busy || numbers.length === 0 || !siteId}>
              {submit.busy ? 'Allocating…' : `Allocate ${numbers.length} number${numbers.length === 1 ? '' : 's'}`}
            </button>
          </Actions>
        </div>
      </form>
    </Dialog>
  );
}

function Release({ accountId, number, onClose, onReleased }: { accountId: string; number: NumberRow; onClose: () => void; onReleased: () => void }) {
  const submit = useSubmit();
  const release = () => void submit.run(async () => {
    await call(api.DELETE('/v1/accounts/{accountId}/numbers/{numberId}', { params: { path: { accountId, numberId: number.id } } }));
    onReleased();
  });
  return (
    <Dialog title={`Release ${number.e164}?`} open onClose={onClose}>
      <p>{number.e164} leaves this account and goes back to the platform's inventory.</p>
      <FormError error={submit.error} />
      <Actions>
        <button type="button" onClick={onClose}>Cancel</button>
        <button type="button" className="danger" onClick={release} disabled={submit.busy}>{submit.busy ? 'Releasing…' : 'Release'}</button>
      </Actions>
    </Dialog>
  );
}

function AccountInventory({ account, picker }: { account: Account; picker: ReactNode }) {
  const accountId = account.id;
  const sites = useLoad(async () => [...(await call(apiIn(accountId).GET('/v1/sites'))).items].sort((a, b) => a.name.localeCompare(b.name)), [accountId]);
  const [siteId, setSiteId] = useState('');
  const [status, setStatus] = useState<Status | ''>('');
  const [q, setQ] = useState('');
  const [releasing, setReleasing] = useState<NumberRow | null>(null);
  const [allocating, setAllocating] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const list = usePaged(async (cursor) => call(api.GET('/v1/accounts/{accountId}/numbers', {
    params: { path: { accountId }, query: { limit: 100, ...(cursor ? { cursor } : {}), ...(q.trim() ? { q: q.trim() } : {}), ...(status ? { status } : {}), ...(siteId ? { siteId } : {}) } },
  })), [accountId, q, status, siteId]);
  const siteName = useMemo(() => new Map((sites.data ?? []).map((s) => [s.id, s.name])), [sites.data]);

  const columns: Column<NumberRow>[] = [
    { header: 'Number', cell: (n) => <strong>{n.e164}</strong> },
    { header: 'Site', cell: (n) => siteName.get(n.siteId) ?? '…' },
    { header: 'Status', cell: (n) => <>{<Badge tone={STATUS_TONE[n.status]}>{n.status}</Badge>}{n.isMain && <> <Badge>main number</Badge></>}</> },
    { header: 'Assigned to', cell: (n) => n.assignedTo },
    { header: 'Handset', cell: (n) => n.phoneId ?? '' },
    {
      header: 'Actions',
      className: 'actions-cell',
      cell: (n) => (n.status === 'reserved' && !n.isMain
        ? <button type="button" className="small danger" onClick={() => setReleasing(n)} aria-label={`Release ${n.e164}`}>Release</button>
        : n.isMain ? <span className="hint">read-only</span> : null),
    },
  ];

  return (
    <>
      <div className="toolbar">
        {picker}
        <button type="button" className="primary push-right" onClick={() => setAllocating(true)} disabled={!sites.data || sites.data.length === 0}>Allocate numbers</button>
      </div>
      {sites.error && <LoadError error={sites.error} retry={() => void sites.reload()} />}
      {sites.data && sites.data.length === 0 && <Empty>This account has no sites, so no numbers can be allocated to it.</Empty>}
      <div className="toolbar filters" role="search" aria-label="Filter the numbers">
        <SelectField label="Site" value={siteId} onChange={(e) => setSiteId(e.target.value)}>
          <option value="">All sites</option>
          {(sites.data ?? []).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </SelectField>
        <SelectField label="Status" value={status} onChange={(e) => setStatus(e.target.value as Status | '')}>
          <option value="">Any status</option>
          <option value="reserved">Reserved</option>
          <option value="active">Active</option>
          <option value="pending">Pending</option>
        </SelectField>
        <TextField label="Search numbers" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="number or assigned to" />
      </div>
      {notice && <p className="notice" role="status"><span>{notice}</span></p>}
      {list.error && <LoadError error={list.error} retry={() => void list.reload()} />}
      {!list.error && list.items === null && <Loading />}
      {!list.error && list.items && (
        <div aria-busy={list.loading}>
          <Table caption={`Numbers of ${account.name}`} columns={columns} rows={list.items} rowKey={(n) => n.id}
            empty={q || status || siteId ? 'No number matches these filters.' : 'This account has no numbers yet.'} />
          <LoadMore list={list} />
        </div>
      )}
      {allocating && sites.data && (
        <Allocate
          account={account}
          sites={sites.data}
          onClose={() => setAllocating(false)}
          onAllocated={(items, site) => {
            setAllocating(false);
            setNotice(`Allocated ${items.length} number${items.length === 1 ? '' : 's'} to ${account.name}, ${site.name} (reserved): ${items.map((n) => n.e164).join(', ')}`);
            void list.reload();
          }}
        />
      )}
      {releasing && (
        <Release
          accountId={accountId}
          number={releasing}
          onClose={() => setReleasing(null)}
          onReleased={() => {
            setNotice(`Released ${releasing.e164}.`);
            setReleasing(null);
            void list.reload();
          }}
        />
      )}
    </>
  );
}

export default function Inventory() {
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const accounts = useLoad(async () => (await call(api.GET('/v1/accounts', { params: { query: { limit: 500 } } }))), []);
  const items = accounts.data?.items ?? null;
  const wanted = params.get('account') ?? session.accountId;
  const account = items?.find((a) => a.id === wanted) ?? items?.[0] ?? null;
  const choose = (id: string) => {
    const next = new URLSearchParams(params);
    next.set('account', id);
    setParams(next, { replace: true });
  };
  return (
    <Page title="Number inventory">
      {accounts.error && <LoadError error={accounts.error} retry={() => void accounts.reload()} />}
      {!accounts.error && items === null && <Loading />}
      {items && items.length === 0 && <Empty>There are no accounts yet; open one under Accounts first.</Empty>}
      {items && account && (
        <AccountInventory
          key={account.id}
          account={account}
          picker={(
            <SelectField label="Account" value={account.id} onChange={(e) => choose(e.target.value)}
              {...(accounts.data?.nextCursor ? { hint: `the first ${items.length} accounts by name` } : {})}>
              {items.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
            </SelectField>
          )}
        />
      )}
    </Page>
  );
}
