/**
 * Numbers of a site (spec §3): the site picker (alphabetical, first by default), the list with number,
 * extension, default PIN, assigned to, status and handset; the search box filters as the admin types
 * (number or "assigned to"), and a status filter keeps active, reserved or pending numbers; row actions only on active, non-main numbers (a reserved one can be
 * activated); refresh, and live updates when another admin changes a number of the site.
 */
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api, call, type Answer } from '../../api/client.ts';
import { useLoad } from '../../components/data.ts';
import { useDebounced } from '../../components/paging.tsx';
import { useLiveChanges, type LiveState } from '../../components/live.ts';
import { WithSite, type Site } from '../../components/SitePicker.tsx';
import { Badge, ConfirmDialog, LoadError, Loading, Page, SelectField, Table, TextField, type Column } from '../../components/ui.tsx';
import { NumberActions, type NumberRow } from './NumberActions.tsx';

const PAGE = 100;

type ListPage = Answer<'/v1/sites/{siteId}/numbers', 'get'>;

type Status = NumberRow['status'];

/** The first `pages` pages of the site's list for `q` (and `status`), and whether more follow. */
async function loadNumbers(siteId: string, q: string, status: Status | '', pages: number): Promise<{ items: NumberRow[]; more: boolean }> {
  const items: NumberRow[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < pages; i++) {
    const page: ListPage = await call(api.GET('/v1/sites/{siteId}/numbers', { params: { path: { siteId }, query: { limit: PAGE, ...(q ? { q } : {}), ...(status ? { status } : {}), ...(cursor ? { cursor } : {}) } } }));
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
    if (!cursor) return { items, more: false };
  }
  return { items, more: true };
}

const STATUS_TONE = { active: 'ok', pending: 'warn', reserved: 'muted' } as const;

export const actionable = (n: NumberRow): boolean => n.status === 'active' && !n.isMain;

function assignedTo(n: NumberRow) {
  // the assigned user's name links to the user; a display name or "Unassigned"/"Main number" is text
  if (n.userId && !n.displayName) return <Link to={`/users/${n.userId}`}>{n.assignedTo}</Link>;
  if (n.userId && n.displayName) return <>{n.assignedTo} <small className="hint">(display name; user <Link to={`/users/${n.userId}`}>assigned</Link>)</small></>;
  return n.assignedTo;
}

function LiveBadge({ state }: { state: LiveState }) {
  const text = { live: 'Live', connecting: 'Connecting…', offline: 'Offline — refresh to update' }[state];
  return <span role="status" aria-live="polite"><Badge tone={state === 'live' ? 'ok' : state === 'offline' ? 'bad' : 'muted'}>{text}</Badge></span>;
}

function SiteNumbers({ site }: { site: Site }) {
  const [typed, setTyped] = useState('');
  // filter as the admin types, without a request per keystroke
  const q = useDebounced(typed.trim(), 200);
  const [status, setStatus] = useState<Status | ''>('');
  const [pages, setPages] = useState(1);
  useEffect(() => setPages(1), [q, status]);
  const list = useLoad(() => loadNumbers(site.id, q, status, pages), [site.id, q, status, pages]);
  const live = useLiveChanges(`/v1/sites/${site.id}/numbers/events`, () => void list.reload());
  const [activating, setActivating] = useState<NumberRow | null>(null);

  const columns: Column<NumberRow>[] = [
    { header: 'Number', cell: (n) => <span className="mono">{n.e164}</span> },
    { header: 'Extension', cell: (n) => n.extension ?? '—' },
    { header: 'Default PIN', cell: (n) => (n.defaultPin ? <span className="mono">{n.defaultPin}</span> : <span className="hint">{n.isMain ? '—' : 'Custom PIN set'}</span>) },
    { header: 'Assigned to', cell: assignedTo },
    { header: 'Status', cell: (n) => <Badge tone={STATUS_TONE[n.status]}>{n.status}</Badge> },
    { header: 'Handset', cell: (n) => (n.phoneId ? <span className="mono">{n.phoneId}</span> : '—') },
    {
      header: 'Actions', className: 'actions-cell',
      cell: (n) => (actionable(n) ? <NumberActions number={n} site={site} onChanged={() => void list.reload()} />
        : n.status === 'reserved' && !n.isMain ? <button type="button" className="small" aria-label={`Activate ${n.e164}`} onClick={() => setActivating(n)}>Activate</button>
        : <span className="hint">{n.isMain ? 'Read-only' : 'None while ' + n.status}</span>),
    },
  ];

  return (
    <>
      <div className="toolbar">
        <TextField label="Search" type="search" placeholder="Number or assigned to" value={typed} onChange={(e) => setTyped(e.target.value)} />
        <SelectField label="Status" value={status} onChange={(e) => setStatus(e.target.value as Status | '')}>
          <option value="">All</option>
          <option value="active">Active</option>
          <option value="reserved">Reserved</option>
          <option value="pending">Pending</option>
        </SelectField>
        <button type="button" onClick={() => void list.reload()} disabled={list.loading}>Refresh</button>
        <LiveBadge state={live} />
      </div>
      {list.error ? (
        <LoadError error={list.error} retry={() => void list.reload()} />
      ) : !list.data ? (
        <Loading />
      ) : (
        <>
          <Table
            caption={`Numbers of ${site.name}`}
            columns={columns}
            rows={list.data.items}
            rowKey={(n) => n.id}
            empty={q || status ? `No ${status ? `${status} ` : ''}number of ${site.name}${q ? ` matches “${q}”` : ''}.` : `${site.name} has no numbers yet.`}
          />
          {list.data.more && <p><button type="button" onClick={() => setPages((p) => p + 1)} disabled={list.loading}>Load more</button></p>}
        </>
      )}
      <ConfirmDialog
        title={`Activate ${activating?.e164 ?? ''}`}
        open={activating !== null}
        onClose={() => setActivating(null)}
        confirmLabel="Activate"
        onConfirm={async () => {
          await call(api.POST('/v1/numbers/{numberId}/activate', { params: { path: { numberId: activating!.id } } }));
          void list.reload();
        }}
      >
        <p>The number goes into use: it can be assigned, logged into a handset and given features. Activation cannot be undone: an active number no longer goes back to reserved.</p>
      </ConfirmDialog>
    </>
  );
}

export default function Numbers() {
  return (
    <Page title="Numbers">
      <WithSite>{(site) => <SiteNumbers key={site.id} site={site} />}</WithSite>
    </Page>
  );
}
