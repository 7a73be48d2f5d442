/**
 * The account's audit log (GET /v1/audit): who changed what and when, newest first, filtered as the
 * API allows (date range, who changed it, action, target id, request id) and paged with "Load more".
 * An entry's details show the before and after the server recorded (secrets are redacted by the
 * server before they are stored).
 */
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, call, type Answer } from '../../api/client.ts';
import { Actions, Dialog, LoadError, Loading, Page, Table, TextField, fieldError, type Column } from '../../components/ui.tsx';
import { dayStart, formatTime } from './format.ts';
import { LoadMore, usePaged } from '../../components/paging.tsx';
import { UserFilter } from './UserFilter.tsx';
import './records.css';

type Entry = Answer<'/v1/audit', 'get'>['items'][number];

/** Names of the users who acted, looked up once each (a deleted user keeps only their id). */
function useActorNames(entries: Entry[] | null): Map<string, string> {
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const wanted = [...new Set((entries ?? []).filter((e) => e.actorType === 'user' && e.actorId).map((e) => e.actorId!))].filter((id) => !names.has(id));
  const key = wanted.join(',');
  useEffect(() => {
    if (!key) return;
    let live = true;
    void Promise.all(key.split(',').map(async (id) => {
      try {
        const u = await call(api.GET('/v1/users/{userId}', { params: { path: { userId: id } } }));
        return [id, `${u.firstName} ${u.lastName}`] as const;
      } catch {
        return [id, `Former user ${id.slice(0, 8)}…`] as const;
      }
    })).then((found) => {
      if (live) setNames((m) => new Map([...m, ...found]));
    });
    return () => {
      live = false;
    };
  }, [key]);
  return names;
}

function actorOf(e: Entry, names: Map<string, string>): string {
  if (e.actorType === 'operator') return 'Operator';
  if (e.actorType === 'system') return 'System';
  if (e.actorId) return names.get(e.actorId) ?? '…';
  return e.actorType;
}

/** A readable name for the target, from what the entry recorded of it (a name, a number, a Phone ID). */
function targetName(e: Entry): string | null {
  for (const side of [e.after, e.before]) {
    if (!side || typeof side !== 'object' || Array.isArray(side)) continue;
    const o = side as Record<string, unknown>;
    if (typeof o.firstName === 'string' && typeof o.lastName === 'string') return `${o.firstName} ${o.lastName}`;
    for (const k of ['name', 'e164', 'phoneId', 'number']) if (typeof o[k] === 'string' && o[k]) return o[k] as string;
  }
  return null;
}

const TARGET_LINKS: Record<string, (id: string) => string> = {
  user: (id) => `/users/${id}`,
  federation: (id) => `/federations/${id}`,
};

function Target({ e }: { e: Entry }) {
  const name = targetName(e);
  const link = e.targetId && TARGET_LINKS[e.targetType];
  const label = name ?? (e.targetId ? `${e.targetId.slice(0, 8)}…` : '');
  return (
    <span className="party">
      <span>{e.targetType.replace(/_/g, ' ')}</span>
      {label && <small className="party-detail">{link ? <Link to={link(e.targetId!)}>{label}</Link> : label}</small>}
    </span>
  );
}

const json = (v: unknown) => (v === null || v === undefined ? '—' : JSON.stringify(v, null, 2));
const short = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));
const isRecord = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The top-level fields an update changed (both sides objects): name, before, after. */
function changedFields(before: unknown, after: unknown): { field: string; before: unknown; after: unknown }[] {
  if (!isRecord(before) || !isRecord(after)) return [];
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).map((k) => ({ field: k, before: before[k], after: after[k] }));
}

function Details({ entry, actor, onClose, onRequest }: { entry: Entry; actor: string; onClose: () => void; onRequest: (id: string) => void }) {
  const changed = changedFields(entry.before, entry.after);
  return (
    <Dialog title={`Audit entry: ${entry.action}`} open onClose={onClose} wide>
      <dl className="details">
        <dt>Time</dt><dd>{formatTime(entry.at)}</dd>
        <dt>Actor</dt><dd>{actor}{entry.actorId && <> <code>{entry.actorId}</code></>}</dd>
        <dt>Action</dt><dd><code>{entry.action}</code></dd>
        <dt>Target</dt><dd>{entry.targetType}{entry.targetId && <> <code>{entry.targetId}</code></>}</dd>
        <dt>Request</dt><dd>{entry.requestId ? <code>{entry.requestId}</code> : '—'}</dd>
      </dl>
      {changed.length > 0 && (
        <div className="table-wrap audit-diff">
          <table>
            <caption>Changed fields</caption>
            <thead><tr><th scope="col">Field</th><th scope="col">Before</th><th scope="col">After</th></tr></thead>
            <tbody>
              {changed.map((c) => <tr key={c.field}><th scope="row"><code>{c.field}</code></th><td><code>{short(c.before)}</code></td><td><code>{short(c.after)}</code></td></tr>)}
            </tbody>
          </table>
        </div>
      )}
      <div className="audit-change">
        <section aria-label="Before"><h3>Before</h3><pre>{json(entry.before)}</pre></section>
        <section aria-label="After"><h3>After</h3><pre>{json(entry.after)}</pre></section>
      </div>
      <Actions>
        {entry.requestId && <button type="button" onClick={() => onRequest(entry.requestId!)}>Every change of this request</button>}
        <button type="button" onClick={onClose}>Close</button>
      </Actions>
    </Dialog>
  );
}

export default function Audit() {
  const [params, setParams] = useSearchParams();
  const applied = {
    from: params.get('from') ?? '', to: params.get('to') ?? '', actorId: params.get('actorId') ?? '',
    action: params.get('action') ?? '', targetId: params.get('targetId') ?? '', requestId: params.get('requestId') ?? '',
  };
  const none = { from: '', to: '', actorId: '', action: '', targetId: '', requestId: '' };
  const [draft, setDraft] = useState(applied);
  const [cleared, setCleared] = useState(0);
  const [open, setOpen] = useState<Entry | null>(null);

  const list = usePaged(async (cursor) => call(api.GET('/v1/audit', {
    params: {
      query: {
        limit: 50,
        ...(cursor ? { cursor } : {}),
        ...(applied.from ? { from: dayStart(applied.from) } : {}),
        ...(applied.to ? { to: dayStart(applied.to, 1) } : {}),
        ...(applied.actorId ? { actorId: applied.actorId } : {}),
        ...(applied.action ? { action: applied.action } : {}),
        ...(applied.targetId ? { targetId: applied.targetId } : {}),
        ...(applied.requestId ? { requestId: applied.requestId } : {}),
      },
    },
  })), [applied.from, applied.to, applied.actorId, applied.action, applied.targetId, applied.requestId]);
  const names = useActorNames(list.items);
  const actions = [...new Set((list.items ?? []).map((e) => e.action))].sort();

  const go = (f: typeof applied) => {
    setDraft(f);
    if (!f.actorId) setCleared((n) => n + 1);
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v.trim()) next.set(k, v.trim());
    setParams(next, { replace: true });
  };
  const apply = (ev: FormEvent) => {
    ev.preventDefault();
    go(draft);
  };

  // a refused filter is named by the service ("to") or by the schema ("query.to")
  const filterFields = Object.keys(none).flatMap((f) => [f, `query.${f}`]);
  const err = list.error;
  const columns: Column<Entry>[] = [
    { header: 'Time', cell: (e) => formatTime(e.at), className: 'nowrap' },
    {
      header: 'Actor',
      // a user who acted: their name filters the log to their changes
      cell: (e) => (e.actorType === 'user' && e.actorId
        ? <button type="button" className="link" onClick={() => go({ ...none, actorId: e.actorId! })} aria-label={`Changes by ${actorOf(e, names)}`}>{actorOf(e, names)}</button>
        : actorOf(e, names)),
    },
    { header: 'Action', cell: (e) => <code>{e.action}</code> },
    { header: 'Target', cell: (e) => <Target e={e} /> },
    {
      header: 'Details',
      cell: (e) => (
        <button type="button" className="small" onClick={() => setOpen(e)} aria-label={`Details of ${e.action} at ${formatTime(e.at)}`}>Details</button>
      ),
      className: 'actions-cell',
    },
  ];
  const filtered = Object.values(applied).some(Boolean);

  return (
    <Page title="Audit log" actions={<button type="button" onClick={() => void list.reload()} disabled={list.loading}>Refresh</button>}>
      <form className="toolbar filters" onSubmit={apply} aria-label="Filter the audit log">
        <TextField label="From (date)" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} error={fieldError(err, 'from', 'query.from')} />
        <TextField label="To (date, inclusive)" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} error={fieldError(err, 'to', 'query.to')} />
        <UserFilter key={cleared} label="Changed by" anyone="Anyone" userId={draft.actorId} onChange={(actorId) => setDraft({ ...draft, actorId })} error={fieldError(err, 'actorId', 'query.actorId')} />
        <TextField label="Action" list="audit-actions" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })} placeholder="e.g. number.allocate" error={fieldError(err, 'action', 'query.action')} />
        <datalist id="audit-actions">{actions.map((a) => <option key={a} value={a} />)}</datalist>
        <TextField label="Target id" value={draft.targetId} onChange={(e) => setDraft({ ...draft, targetId: e.target.value })} error={fieldError(err, 'targetId', 'query.targetId')} />
        <TextField label="Request id" value={draft.requestId} onChange={(e) => setDraft({ ...draft, requestId: e.target.value })} error={fieldError(err, 'requestId', 'query.requestId')} />
        <div className="filter-buttons">
          <button type="submit" className="primary">Apply filters</button>
          <button type="button" onClick={() => go(none)}>Clear</button>
        </div>
      </form>
      {err && !(err.field && filterFields.includes(err.field)) && <LoadError error={err} retry={() => void list.reload()} />}
      {err?.field && filterFields.includes(err.field) && <p className="hint">Change the filters above to see entries.</p>}
      {!err && list.items === null && <Loading />}
      {!err && list.items && (
        <div aria-busy={list.loading}>
          <Table
            caption="Audit entries, newest first"
            columns={columns}
            rows={list.items}
            rowKey={(e) => e.id}
            empty={filtered ? 'No audit entries match these filters.' : 'No changes have been recorded in this account yet.'}
          />
          <LoadMore list={list} />
        </div>
      )}
      {open && (
        <Details
          entry={open}
          actor={actorOf(open, names)}
          onClose={() => setOpen(null)}
          onRequest={(requestId) => {
            setOpen(null);
            go({ ...none, requestId });
          }}
        />
      )}
    </Page>
  );
}
