/**
 * The dial-plan simulator (spec §9; POST /v1/routing/simulate/outbound and …/inbound): "what happens
 * if this user dials that?" and "what happens when this number is called?" — the routing engine's
 * decision on the live configuration, without placing a call: the route and who it reaches, the
 * caller ID shown, the metering class or the refusal, what rings and for how long, the forwards,
 * and the engine's explanation step by step. The raw answer is one click away.
 */
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { api, call, type Answer } from '../../api/client.ts';
import { useLoad, useSubmit } from '../../components/data.ts';
import { Badge, FormError, LoadError, Page, SelectField, TextField, fieldError } from '../../components/ui.tsx';
import { useSession } from '../../session.tsx';
import './federation.css';

type Outbound = Answer<'/v1/routing/simulate/outbound', 'post'>;
type Decision = Outbound['decision'];
type Plan = Answer<'/v1/routing/simulate/inbound', 'post'>;
type Party = NonNullable<Decision['callee']>;
type CallerId = NonNullable<Decision['callerId']>;
type Step = Decision['explanation'][number];
type User = Answer<'/v1/users', 'get'>['items'][number];

const ROUTE_CLASSES: Record<string, string> = {
  feature_code: 'Feature code',
  emergency: 'Emergency call',
  own_extension: 'Extension in this account',
  org_connect: 'Organization Connect prefix',
  main_star_extension: 'Main number * extension',
  linked_extension: 'Extension in a linked account',
  on_net_number: 'On-net number (own or federated account)',
  public_national: 'Public network, national',
  public_international: 'Public network, international',
  public_premium: 'Public network, premium rate',
};

const METERING: Record<string, { label: string; free: boolean }> = {
  on_net_own: { label: 'On-net, own account', free: true },
  on_net_linked: { label: 'On-net, linked account', free: true },
  on_net_federated: { label: 'On-net, federated account', free: true },
  emergency: { label: 'Emergency', free: true },
  local: { label: 'Local', free: false },
  national: { label: 'National', free: false },
  international: { label: 'International', free: false },
  premium: { label: 'Premium', free: false },
  none: { label: 'Not metered', free: true },
};

const CALLER_ID_SOURCES: Record<string, string> = {
  hidden: 'caller ID hidden',
  cli: 'the CLI number of the caller’s number',
  user_number: 'the caller’s own number',
  site_main: 'the site’s main number',
  federation_name_extension: 'federation policy: name + extension',
  federation_name_number: 'federation policy: name + number',
  internal: 'inside the account: name + extension',
};

const label = (map: Record<string, string>, key: string | undefined) => (key ? map[key] ?? key.replace(/_/g, ' ') : '—');
const userName = (u: User) => `${u.firstName} ${u.lastName}`;
const str = (o: Record<string, unknown>, k: string): string | null => (typeof o[k] === 'string' ? (o[k] as string) : typeof o[k] === 'number' ? String(o[k]) : null);

/** Every user of the account (pages of 500), to pick the caller. */
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

export default function Simulator() {
  const s = useSession();
  const users = useUsers();
  const [tab, setTab] = useState<'outbound' | 'inbound'>('outbound');
  return (
    <Page title="Dial-plan simulator">
      <p className="hint">See what the routing engine decides on the live configuration, without placing a call. Name a party by a user, an extension or a number of this account; an inbound caller may also be any public number.</p>
      {users.error && <LoadError error={users.error} retry={() => void users.reload()} />}
      <div className="tabs" role="tablist" aria-label="Direction">
        <button type="button" role="tab" id="tab-outbound" aria-controls="panel-outbound" aria-selected={tab === 'outbound'} onClick={() => setTab('outbound')}>A user dials</button>
        <button type="button" role="tab" id="tab-inbound" aria-controls="panel-inbound" aria-selected={tab === 'inbound'} onClick={() => setTab('inbound')}>A number is called</button>
      </div>
      <div role="tabpanel" id="panel-outbound" aria-labelledby="tab-outbound" hidden={tab !== 'outbound'}><OutboundSim users={users.data ?? []} key={`o${s.accountId}`} /></div>
      <div role="tabpanel" id="panel-inbound" aria-labelledby="tab-inbound" hidden={tab !== 'inbound'}><InboundSim users={users.data ?? []} key={`i${s.accountId}`} /></div>
    </Page>
  );
}

const OTHER = '__other__';

function OutboundSim({ users }: { users: User[] }) {
  const [who, setWho] = useState('');
  const [other, setOther] = useState('');
  const [dial, setDial] = useState('');
  const [answer, setAnswer] = useState<Outbound | null>(null);
  const submit = useSubmit();
  const sorted = useMemo(() => [...users].sort((a, b) => userName(a).localeCompare(userName(b))), [users]);
  const chosen = who || sorted[0]?.id || OTHER;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setAnswer(null);
    void submit.run(async () => {
      setAnswer(await call(api.POST('/v1/routing/simulate/outbound', { body: { from: chosen === OTHER ? other.trim() : chosen, dial } })));
    });
  };

  return (
    <>
      <form className="sim-form card" onSubmit={onSubmit} aria-label="Outbound simulation">
        <SelectField label="Calling user" value={chosen} onChange={(e) => setWho(e.target.value)} error={chosen !== OTHER ? fieldError(submit.error, 'from') : null}>
          {sorted.map((u) => <option key={u.id} value={u.id}>{userName(u)}{u.extension ? ` · ${u.extension}` : ''}{u.number ? ` · ${u.number}` : ''}</option>)}
          <option value={OTHER}>Another caller: a number or extension…</option>
        </SelectField>
        {chosen === OTHER && (
          <TextField label="Calling number or extension" required value={other} onChange={(e) => setOther(e.target.value)} error={fieldError(submit.error, 'from')} />
        )}
        <TextField label="Dialled digits" required value={dial} onChange={(e) => setDial(e.target.value)} placeholder="e.g. 201, 1201, +33…, 112" error={fieldError(submit.error, 'dial')} />
        <button type="submit" className="primary" disabled={submit.busy}>Simulate</button>
      </form>
      <FormError error={submit.error} fields={['from', 'dial']} />
      {answer && <OutboundResult answer={answer} dialled={dial} />}
    </>
  );
}

function PartyText({ p }: { p: Party }) {
  const bits = [p.name, p.extension && `extension ${p.extension}`, p.number].filter(Boolean);
  return <>{bits.join(' · ') || '—'}{p.office && <span className="muted"> at {p.office}</span>}</>;
}

function CallerIdText({ c }: { c: CallerId }) {
  if (c.anonymous) return <>Anonymous <span className="muted">({label(CALLER_ID_SOURCES, c.source)})</span></>;
  const bits = [c.name, c.extension && `extension ${c.extension}`, c.number, c.office && `(${c.office})`].filter(Boolean);
  return <>{bits.join(' · ') || '—'} <span className="muted small">— {label(CALLER_ID_SOURCES, c.source)}</span></>;
}

function Details({ rows }: { rows: [string, ReactNode][] }) {
  return <dl className="details">{rows.map(([t, d]) => <div key={t} style={{ display: 'contents' }}><dt>{t}</dt><dd>{d}</dd></div>)}</dl>;
}

function Explanation({ steps }: { steps: Step[] }) {
  return (
    <section className="card" aria-label="Explanation">
      <h3>How the engine decided</h3>
      <ol className="steps">
        {steps.map((st, i) => (
          <li key={i} className={st.matched ? 'matched' : undefined}>
            <span aria-hidden="true">{st.matched ? '✔ ' : '✗ '}</span>
            <span className="sr-only">{st.matched ? 'matched: ' : 'did not match: '}</span>
            {st.why} <span className="rule">{st.rule}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function Raw({ value }: { value: unknown }) {
  return (
    <details className="raw">
      <summary>Raw answer (JSON)</summary>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}

function destinationText(d: Record<string, unknown> | undefined): string {
  if (!d) return '—';
  switch (d.kind) {
    case 'user': return `A user${str(d, 'numberE164') ? `, whose number is ${str(d, 'numberE164')}` : ' (no number)'}`;
    case 'number': return `The number ${str(d, 'numberE164')}`;
    case 'oa_portal': return 'An Office Anywhere portal';
    case 'voicemail_pilot': return 'The voicemail pilot';
    case 'ring_group': return 'A ring group';
    case 'feature_code': return `Feature code ${str(d, 'code')}`;
    case 'emergency': return `Emergency number ${str(d, 'number')}`;
    case 'public': return `${str(d, 'e164')} on the public network${str(d, 'country') ? ` (${str(d, 'country')})` : ''}`;
    default: return String(d.kind ?? '—');
  }
}

function OutboundResult({ answer, dialled }: { answer: Outbound; dialled: string }) {
  const d = answer.decision;
  const metering = d.metering ? METERING[d.metering] : undefined;
  return (
    <section className="result" aria-label="Simulation result" aria-live="polite">
      {d.ok ? (
        <p className="verdict ok">
          {answer.caller.label} dials {dialled}: routed as {label(ROUTE_CLASSES, d.routeClass)}
          {d.callee && <> to <PartyText p={d.callee} /></>}
        </p>
      ) : (
        <p className="verdict bad">{answer.caller.label} dials {dialled}: refused — {d.reason}</p>
      )}
      <div className="sim-grid">
        <section className="card" aria-label="Decision">
          <h3>Decision</h3>
          {d.ok ? (
            <Details rows={[
              ['Route', label(ROUTE_CLASSES, d.routeClass)],
              ['Destination', destinationText(d.destination)],
              ['Reaches', d.callee ? <PartyText p={d.callee} /> : '—'],
              ['Caller ID shown', d.callerId ? <CallerIdText c={d.callerId} /> : '—'],
              ['Metering', metering ? <>{metering.label} {metering.free ? <Badge tone="ok">Free</Badge> : <Badge>Rated</Badge>}</> : label({}, d.metering)],
              ['Authorization code', d.authCodeRequired ? <Badge tone="warn">Required before the call proceeds</Badge> : 'Not required'],
            ]} />
          ) : (
            <Details rows={[
              ['Result', <Badge tone="bad">Refused</Badge>],
              ['Reason', d.reason ?? '—'],
              ['The caller hears', d.sipStatus ? `SIP ${d.sipStatus}${SIP_TEXT[d.sipStatus] ? ` ${SIP_TEXT[d.sipStatus]}` : ''}` : '—'],
            ]} />
          )}
        </section>
        <section className="card" aria-label="Caller">
          <h3>Caller</h3>
          <Details rows={[['Who', answer.caller.label], ['Number', answer.caller.number ?? '—']]} />
        </section>
      </div>
      <Explanation steps={d.explanation} />
      <Raw value={answer} />
    </section>
  );
}

const SIP_TEXT: Record<number, string> = { 403: 'Forbidden', 404: 'Not Found', 480: 'Temporarily Unavailable', 484: 'Address Incomplete', 486: 'Busy Here', 488: 'Not Acceptable Here', 503: 'Service Unavailable' };

function InboundSim({ users }: { users: User[] }) {
  const [to, setTo] = useState('');
  const [from, setFrom] = useState('');
  const [answer, setAnswer] = useState<{ plan: Plan; to: string; from: string } | null>(null);
  const submit = useSubmit();
  const targets = useMemo(() => {
    const out: { value: string; label: string }[] = [];
    for (const u of users) {
      if (u.number) out.push({ value: u.number, label: `${userName(u)} (number)` });
      if (u.extension) out.push({ value: u.extension, label: `${userName(u)} (extension)` });
    }
    return out.sort((a, b) => a.label.localeCompare(b.label));
  }, [users]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setAnswer(null);
    void submit.run(async () => {
      const plan = await call(api.POST('/v1/routing/simulate/inbound', { body: { to: to.trim(), ...(from.trim() ? { from: from.trim() } : {}) } }));
      setAnswer({ plan, to: to.trim(), from: from.trim() });
    });
  };

  return (
    <>
      <form className="sim-form card" onSubmit={onSubmit} aria-label="Inbound simulation">
        <TextField label="Called number or extension" required list="sim-targets" value={to} onChange={(e) => setTo(e.target.value)} placeholder="e.g. +4930…, 201" error={fieldError(submit.error, 'to')} />
        <datalist id="sim-targets">{targets.map((t) => <option key={`${t.value}${t.label}`} value={t.value}>{t.label}</option>)}</datalist>
        <TextField label="Calling number (optional)" value={from} onChange={(e) => setFrom(e.target.value)} placeholder="e.g. +4930123456" error={fieldError(submit.error, 'from')} />
        <button type="submit" className="primary" disabled={submit.busy}>Simulate</button>
      </form>
      <FormError error={submit.error} fields={['to', 'from']} />
      {answer && <InboundResult {...answer} />}
    </>
  );
}

function fallbackText(f: Record<string, unknown> | null | undefined): string {
  if (!f) return '—';
  switch (f.action) {
    case 'call_waiting': return 'Call waiting: the second call rings through';
    case 'oa_portal': return `The Office Anywhere portal answers (${str(f, 'numberE164')})`;
    case 'forward': return `Forward to ${str(f, 'to')}`;
    case 'voicemail': return `Voicemail of ${str(f, 'numberE164')}`;
    case 'busy': return 'The caller hears busy';
    case 'end': return 'The call ends';
    default: return String(f.action ?? '—');
  }
}

function endpointText(e: Record<string, unknown>): string {
  if (e.kind === 'handset') return `Handset ${str(e, 'phoneId')}`;
  if (e.kind === 'alternate_phone') return `Alternate phone ${str(e, 'e164')}`;
  return String(e.kind ?? '—');
}

function InboundResult({ plan, to, from }: { plan: Plan; to: string; from: string }) {
  const caller = from || 'An unknown number';
  return (
    <section className="result" aria-label="Simulation result" aria-live="polite">
      {plan.ok ? (
        <p className="verdict ok">
          {caller} calls {to}: {plan.immediate ? fallbackText(plan.immediate) : (plan.ring?.length ? `rings ${plan.ring.length} ${plan.ring.length === 1 ? 'endpoint' : 'endpoints'} for ${plan.ringSeconds} s` : fallbackText(plan.onUnreachable))}
        </p>
      ) : (
        <p className="verdict bad">{caller} calls {to}: refused — {plan.reason}</p>
      )}
      <div className="sim-grid">
        <section className="card" aria-label="Call plan">
          <h3>Call plan</h3>
          {plan.ok ? (
            <Details rows={[
              ['Called party', plan.target ? <PartyText p={plan.target} /> : '—'],
              ['At once', plan.immediate ? fallbackText(plan.immediate) : 'Nothing: the call rings'],
              ['Rings together', plan.immediate ? '—' : plan.ring?.length ? <ul className="plain">{plan.ring.map((e, i) => <li key={i}>{endpointText(e)}</li>)}</ul> : 'Nothing reachable'],
              ['Ring time', plan.immediate ? '—' : `${plan.ringSeconds ?? 0} s`],
              ['If busy', fallbackText(plan.onBusy)],
              ['No answer', fallbackText(plan.onNoAnswer)],
              ['Nothing reachable', fallbackText(plan.onUnreachable)],
              ['Caller ID shown', plan.callerId ? <CallerIdText c={plan.callerId} /> : '—'],
            ]} />
          ) : (
            <Details rows={[
              ['Result', <Badge tone="bad">Refused</Badge>],
              ['Reason', plan.reason ?? '—'],
              ['The caller hears', plan.sipStatus ? `SIP ${plan.sipStatus}${SIP_TEXT[plan.sipStatus] ? ` ${SIP_TEXT[plan.sipStatus]}` : ''}` : '—'],
            ]} />
          )}
        </section>
      </div>
      <Explanation steps={plan.explanation} />
      <Raw value={plan} />
    </section>
  );
}

