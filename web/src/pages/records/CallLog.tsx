/**
 * The call log (spec §9 "Every call produces a call record …", §8 call log display and callback, §12
 * rating): the account's legs newest first (a site admin: their sites'), filtered as the API allows —
 * start date range, direction, user, number (either party's) — paged with "Load more". A leg's
 * details show everything the record holds, and "Call back" asks the server what to dial to reach the
 * other party again (GET /v1/call-records/{id}/callback: an extension, an Organization Connect
 * prefix, main*extension or the number; the portal places no call itself).
 */
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { api, call, type Answer } from '../../api/client.ts';
import { useSubmit } from '../../components/data.ts';
import { Actions, Badge, Dialog, FormError, LoadError, Loading, Page, SelectField, Table, TextField, fieldError, type Column } from '../../components/ui.tsx';
import {
  CLASS_LABEL, DIRECTION_LABEL, RESULT_LABEL, RESULT_TONE, ROUTE_LABEL, dateAndTime, dayStart, formatDuration, formatMoney, formatTime, isOnNet, partyDetail, partyName,
  type CallRecord, type Party,
} from './format.ts';
import { LoadMore, usePaged } from '../../components/paging.tsx';
import { UserFilter } from './UserFilter.tsx';
import './records.css';

type Direction = CallRecord['direction'];
type Callback = Answer<'/v1/call-records/{recordId}/callback', 'get'>;

function PartyCell({ party, accountId }: { party: Party; accountId: string }) {
  const detail = partyDetail(party, accountId);
  return (
    <span className="party">
      <span className="party-name">{partyName(party)}</span>
      {detail && <small className="party-detail">{detail}</small>}
    </span>
  );
}

function TimeCell({ iso }: { iso: string }) {
  const { date, time } = dateAndTime(iso);
  return <span className="party"><span>{date}</span><small className="party-detail">{time}</small></span>;
}

function Metering({ r }: { r: CallRecord }) {
  return (
    <>
      {CLASS_LABEL[r.meteringClass]}
      {r.officeAnywhereLeg && <> <Badge tone="muted">Office Anywhere</Badge></>}
    </>
  );
}

function Cost({ r }: { r: CallRecord }) {
  if (r.rating.unrated) return <Badge tone="warn">Unrated</Badge>;
  return <>{formatMoney(r.rating.cost)}</>;
}

const CALLBACK_VIA: Record<Callback['via'], string> = {
  extension: 'extension', org_connect: 'Organization Connect prefix', main_star_extension: 'main number * extension', number: 'number',
};

function CallBack({ record }: { record: CallRecord }) {
  const [answer, setAnswer] = useState<Callback | null>(null);
  const submit = useSubmit();
  const ask = () => void submit.run(async () => {
    setAnswer(await call(api.GET('/v1/call-records/{recordId}/callback', { params: { path: { recordId: record.id } } })));
  });
  return (
    <section className="callback" aria-labelledby={`cb-${record.id}`}>
      <h3 id={`cb-${record.id}`}>Call back</h3>
      {answer ? (
        <div className="callback-answer" role="status">
          <p>Dial <strong className="dial">{answer.dial}</strong> <span className="hint">({CALLBACK_VIA[answer.via]})</span></p>
          <p className="hint">{answer.explanation}</p>
        </div>
      ) : (
        <p className="hint">What to dial from a phone of this account to reach the other party of this call again, worked out by the server for the current federations and call rules.</p>
      )}
      <FormError error={submit.error} />
      {!answer && <Actions><button type="button" onClick={ask} disabled={submit.busy}>{submit.busy ? 'Working out…' : 'Show what to dial'}</button></Actions>}
    </section>
  );
}

function Details({ record, onClose }: { record: CallRecord; onClose: () => void }) {
  const r = record;
  const rt = r.rating;
  return (
    <Dialog title="Call details" open onClose={onClose} wide>
      <dl className="details">
        <dt>From</dt><dd><PartyCell party={r.from} accountId={r.accountId} /></dd>
        <dt>To</dt><dd><PartyCell party={r.to} accountId={r.accountId} /></dd>
        <dt>Direction</dt><dd>{DIRECTION_LABEL[r.direction]}</dd>
        <dt>Result</dt><dd><Badge tone={RESULT_TONE[r.result]}>{RESULT_LABEL[r.result]}</Badge></dd>
        <dt>Started</dt><dd>{formatTime(r.startedAt)}</dd>
        <dt>Answered</dt><dd>{formatTime(r.answeredAt)}</dd>
        <dt>Ended</dt><dd>{formatTime(r.endedAt)}</dd>
        <dt>Duration</dt><dd>{formatDuration(r.durationSeconds)}</dd>
        <dt>Route</dt><dd>{r.routeClass ? ROUTE_LABEL[r.routeClass] : 'Not routed by Tandem (arrived from outside)'}</dd>
        <dt>Metering class</dt><dd><Metering r={r} /></dd>
        {rt.ratedNumber && <><dt>Rated number</dt><dd>{rt.ratedNumber}{rt.ratedCountry ? ` (${rt.ratedCountry})` : ''}</dd></>}
        {rt.ratePrefix && <><dt>Rate</dt><dd>{rt.ratePrefix}{rt.rateDescription ? ` — ${rt.rateDescription}` : ''}: {formatMoney(rt.perMinute ?? 0)} per minute, {formatMoney(rt.setup ?? 0)} setup</dd></>}
        <dt>Billed minutes</dt><dd>{rt.billedMinutes}</dd>
        <dt>Cost</dt>
        <dd>
          {rt.unrated ? <><Badge tone="warn">Unrated</Badge> no rate deck row covers {rt.ratedNumber ?? 'this number'}; rated 0</> : formatMoney(rt.cost)}
          {isOnNet(r.meteringClass) && ' (on-net calls are free)'}
        </dd>
        <dt>Interaction</dt><dd><code>{r.interactionId}</code> <span className="hint">(shared by the legs of this call in every account it crossed)</span></dd>
        <dt>Record</dt><dd><code>{r.id}</code></dd>
      </dl>
      <CallBack record={r} />
    </Dialog>
  );
}

export default function CallLog() {
  const [params, setParams] = useSearchParams();
  const applied = {
    from: params.get('from') ?? '', to: params.get('to') ?? '', direction: (params.get('direction') ?? '') as Direction | '', user: params.get('user') ?? '', number: params.get('number') ?? '',
  };
  const [draft, setDraft] = useState(applied);
  const [open, setOpen] = useState<CallRecord | null>(null);
  const [cleared, setCleared] = useState(0);

  const list = usePaged(async (cursor) => call(api.GET('/v1/call-records', {
    params: {
      query: {
        limit: 50,
        ...(cursor ? { cursor } : {}),
        ...(applied.from ? { from: dayStart(applied.from) } : {}),
        ...(applied.to ? { to: dayStart(applied.to, 1) } : {}),
        ...(applied.direction ? { direction: applied.direction } : {}),
        ...(applied.user ? { userId: applied.user } : {}),
        ...(applied.number ? { number: applied.number } : {}),
      },
    },
  })), [applied.from, applied.to, applied.direction, applied.user, applied.number]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries(draft)) if (v.trim()) next.set(k, v.trim());
    setParams(next, { replace: true });
  };
  const clear = () => {
    setDraft({ from: '', to: '', direction: '', user: '', number: '' });
    setCleared((n) => n + 1);
    setParams(new URLSearchParams(), { replace: true });
  };

  // a refused filter is named by the service ("to") or by the schema ("query.to")
  const filterFields = ['from', 'to', 'direction', 'userId', 'number'].flatMap((f) => [f, `query.${f}`]);
  const err = list.error;
  const columns: Column<CallRecord>[] = [
    { header: 'Time', cell: (r) => <TimeCell iso={r.startedAt} />, className: 'nowrap' },
    { header: 'From', cell: (r) => <PartyCell party={r.from} accountId={r.accountId} /> },
    { header: 'To', cell: (r) => <PartyCell party={r.to} accountId={r.accountId} /> },
    { header: 'Direction', cell: (r) => DIRECTION_LABEL[r.direction] },
    { header: 'Result', cell: (r) => <Badge tone={RESULT_TONE[r.result]}>{RESULT_LABEL[r.result]}</Badge> },
    { header: 'Duration', cell: (r) => formatDuration(r.durationSeconds), className: 'num' },
    { header: 'Metering', cell: (r) => <Metering r={r} /> },
    { header: 'Cost', cell: (r) => <Cost r={r} />, className: 'num' },
    {
      header: 'Details',
      cell: (r) => (
        <button type="button" className="small" onClick={() => setOpen(r)} aria-label={`Details of the call from ${partyName(r.from)} to ${partyName(r.to)} at ${formatTime(r.startedAt)}`}>
          Details
        </button>
      ),
      className: 'actions-cell',
    },
  ];

  return (
    <Page title="Call log" actions={<button type="button" onClick={() => void list.reload()} disabled={list.loading}>Refresh</button>}>
      <form className="toolbar filters" onSubmit={apply} aria-label="Filter the call log">
        <TextField label="From (date)" type="date" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} error={fieldError(err, 'from', 'query.from')} />
        <TextField label="To (date, inclusive)" type="date" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} error={fieldError(err, 'to', 'query.to')} />
        <SelectField label="Direction" value={draft.direction} onChange={(e) => setDraft({ ...draft, direction: e.target.value as Direction | '' })} error={fieldError(err, 'direction', 'query.direction')}>
          <option value="">All directions</option>
          <option value="outbound">Outbound</option>
          <option value="inbound">Inbound</option>
          <option value="internal">Internal</option>
        </SelectField>
        <UserFilter key={cleared} label="User" anyone="All users" userId={draft.user} onChange={(user) => setDraft({ ...draft, user })} error={fieldError(err, 'userId', 'query.userId')} />
        <TextField label="Number" type="tel" value={draft.number} onChange={(e) => setDraft({ ...draft, number: e.target.value })} placeholder="either party's" error={fieldError(err, 'number', 'query.number')} />
        <div className="filter-buttons">
          <button type="submit" className="primary">Apply filters</button>
          <button type="button" onClick={clear}>Clear</button>
        </div>
      </form>
      {err && !(err.field && filterFields.includes(err.field)) && <LoadError error={err} retry={() => void list.reload()} />}
      {err?.field && filterFields.includes(err.field) && <p className="hint">Change the filters above to see calls.</p>}
      {!err && list.items === null && <Loading />}
      {!err && list.items && (
        <div aria-busy={list.loading}>
          <Table
            caption="Calls, newest first"
            columns={columns}
            rows={list.items}
            rowKey={(r) => r.id}
            empty={Object.values(applied).some(Boolean) ? 'No calls match these filters.' : 'No calls yet. Every call made or taken in this account will be listed here.'}
          />
          <LoadMore list={list} />
        </div>
      )}
      {open && <Details record={open} onClose={() => setOpen(null)} />}
    </Page>
  );
}
