/**
 * A number's features (spec §4): forwarding (always, busy, no answer, each with its destination, and
 * the ring time before "no answer"), voicemail and voicemail to e-mail, hide caller ID, call waiting,
 * do not disturb, CLI (only the allowed numbers: active numbers of the same account at the same site)
 * and the authorization code.
 *
 * The rules of §4 are visible in the form (busy forward and call waiting exclude each other; an
 * authorization code disables forwarding): the control that would break a rule is disabled with a hint
 * saying why. The server enforces them on every write; its refusal appears next to the field it names.
 * Saving sends only what changed (PATCH merges it into the server's current state), so a change made
 * elsewhere since the form was loaded is checked against the rules and never silently overwritten.
 */
import { useId, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useParams } from 'react-router';
import { api, call, type Answer, type Body } from '../../api/client.ts';
import { useLoad, useSubmit } from '../../components/data.ts';
import { Actions, Badge, FormError, LoadError, Loading, Page, SelectField, TextField, fieldError } from '../../components/ui.tsx';
import { siteNumbers } from './site-numbers.ts';
import './features.css';

type ServerFeatures = Answer<'/v1/numbers/{numberId}/features', 'get'>;
type Details = Answer<'/v1/numbers/{numberId}', 'get'>;
type Patch = Body<'/v1/numbers/{numberId}/features', 'patch'>;

const FORWARDS = ['forwardAlways', 'forwardBusy', 'forwardNoAnswer'] as const;
type ForwardKind = (typeof FORWARDS)[number];
const FORWARD_LABEL: Record<ForwardKind, string> = { forwardAlways: 'Forward always', forwardBusy: 'Forward when busy', forwardNoAnswer: 'Forward on no answer' };

/** Every request field the server may name for this form (the rest goes above the buttons). */
const FIELDS = ['forwardAlways', 'forwardBusy', 'forwardNoAnswer', 'noAnswerRingSeconds', 'voicemail', 'voicemailToEmail', 'hideCallerId', 'callWaiting',
  'doNotDisturb', 'cli', 'cli.number', 'authorizationCode', 'authorizationCode.code'];

interface Form {
  forwardAlways: { on: boolean; to: string };
  forwardBusy: { on: boolean; to: string };
  forwardNoAnswer: { on: boolean; to: string };
  ringSeconds: string;
  voicemail: boolean;
  vmEmail: { on: boolean; address: string };
  hideCallerId: boolean;
  callWaiting: boolean;
  doNotDisturb: boolean;
  cli: { on: boolean; number: string };
  authCode: { on: boolean; code: string };
}

const formOf = (f: ServerFeatures): Form => ({
  forwardAlways: { on: f.forwardAlways !== null, to: f.forwardAlways ?? '' },
  forwardBusy: { on: f.forwardBusy !== null, to: f.forwardBusy ?? '' },
  forwardNoAnswer: { on: f.forwardNoAnswer !== null, to: f.forwardNoAnswer ?? '' },
  ringSeconds: String(f.noAnswerRingSeconds),
  voicemail: f.voicemail,
  vmEmail: { on: f.voicemailToEmail !== null, address: f.voicemailToEmail ?? '' },
  hideCallerId: f.hideCallerId,
  callWaiting: f.callWaiting,
  doNotDisturb: f.doNotDisturb,
  cli: { on: f.cli.enabled, number: f.cli.number ?? '' },
  authCode: { on: f.authorizationCode.enabled, code: '' },
});

/**
 * What the form changes relative to what the server held when it was loaded (or last saved), and the
 * problems the browser can see before asking (a switched-on forward without a destination, …).
 */
function changesOf(server: ServerFeatures, form: Form): { patch: Patch; local: Record<string, string> } {
  const patch: Patch = {};
  const local: Record<string, string> = {};
  for (const k of FORWARDS) {
    const f = form[k];
    const to = f.to.trim();
    if (f.on && to === '') local[k] = 'Give the number to forward to';
    const next = f.on ? to : null;
    if (next !== server[k]) patch[k] = next;
  }
  const ring = Number(form.ringSeconds);
  if (form.ringSeconds.trim() === '' || !Number.isInteger(ring)) local.noAnswerRingSeconds = 'Give the ring time in whole seconds';
  else if (ring !== server.noAnswerRingSeconds) patch.noAnswerRingSeconds = ring;
  for (const k of ['voicemail', 'hideCallerId', 'callWaiting', 'doNotDisturb'] as const) if (form[k] !== server[k]) patch[k] = form[k];
  const address = form.vmEmail.address.trim();
  if (form.vmEmail.on && address === '') local.voicemailToEmail = 'Give the e-mail address the recordings go to';
  const email = form.vmEmail.on ? address : null;
  if (email !== server.voicemailToEmail) patch.voicemailToEmail = email;
  if (form.cli.on !== server.cli.enabled || (form.cli.on && form.cli.number !== (server.cli.number ?? ''))) {
    patch.cli = form.cli.on ? { enabled: true, ...(form.cli.number ? { number: form.cli.number } : {}) } : { enabled: false };
  }
  const code = form.authCode.code.trim();
  if (form.authCode.on !== server.authorizationCode.enabled || (form.authCode.on && code !== '')) {
    patch.authorizationCode = form.authCode.on ? { enabled: true, ...(code ? { code } : {}) } : { enabled: false };
  }
  return { patch, local };
}

/** A checkbox with the hint of the rule that disables it, and the server's refusal beneath it. */
function Toggle({ label, checked, onChange, disabled, hint, error }: { label: string; checked: boolean; onChange: (v: boolean) => void; disabled?: boolean; hint?: ReactNode; error?: string | null }) {
  const id = useId();
  const describe = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className={`check${error ? ' has-error' : ''}`}>
      <input type="checkbox" id={id} checked={checked} disabled={disabled} aria-invalid={!!error} onChange={(e) => onChange(e.target.checked)} {...(describe ? { 'aria-describedby': describe } : {})} />
      <label htmlFor={id}>{label}</label>
      {hint && <small id={`${id}-hint`} className="hint rule-hint">{hint}</small>}
      {error && <small id={`${id}-error`} className="field-error" role="alert">{error}</small>}
    </div>
  );
}

const onOff = (v: boolean) => (v ? 'On' : 'Off');

/** What the server holds now (after loading and after every save). */
function ServerValues({ f }: { f: ServerFeatures }) {
  return (
    <dl className="details features-now" aria-label="Features in effect">
      <dt>Forward always</dt><dd>{f.forwardAlways ?? 'Off'}</dd>
      <dt>Forward when busy</dt><dd>{f.forwardBusy ?? 'Off'}</dd>
      <dt>Forward on no answer</dt><dd>{f.forwardNoAnswer ? `${f.forwardNoAnswer} after ${f.noAnswerRingSeconds} s` : 'Off'}</dd>
      <dt>Ring time</dt><dd>{f.noAnswerRingSeconds} s</dd>
      <dt>Voicemail</dt><dd>{onOff(f.voicemail)}</dd>
      <dt>Voicemail to e-mail</dt><dd>{f.voicemailToEmail ?? 'Off'}</dd>
      <dt>Hide caller ID</dt><dd>{onOff(f.hideCallerId)}</dd>
      <dt>Call waiting</dt><dd>{onOff(f.callWaiting)}</dd>
      <dt>Do not disturb</dt><dd>{onOff(f.doNotDisturb)}</dd>
      <dt>CLI</dt><dd>{f.cli.enabled ? `On, presenting ${f.cli.number}` : 'Off'}</dd>
      <dt>Authorization code</dt><dd>{onOff(f.authorizationCode.enabled)}</dd>
    </dl>
  );
}

/** The CLI numbers the spec allows: active numbers of the same account at the same site. */
function useCliChoices(siteId: string) {
  return useLoad(() => siteNumbers(siteId, 'active'), [siteId]);
}

function FeaturesForm({ numberId, details, initial, onReload }: { numberId: string; details: Details; initial: ServerFeatures; onReload: () => void }) {
  const [server, setServer] = useState(initial);
  const [form, setForm] = useState(() => formOf(initial));
  const [local, setLocal] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const submit = useSubmit();
  const choices = useCliChoices(details.siteId);
  const { patch } = useMemo(() => changesOf(server, form), [server, form]);
  const dirty = Object.keys(patch).length > 0;

  const edit = (change: (f: Form) => Form) => {
    setForm(change);
    setSaved(false);
  };
  const err = (...fields: string[]) => fieldError(submit.error, ...fields) ?? fields.map((f) => local[f]).find(Boolean) ?? null;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const c = changesOf(server, form);
    setLocal(c.local);
    submit.clear();
    if (Object.keys(c.local).length > 0 || Object.keys(c.patch).length === 0) return;
    await submit.run(async () => {
      const next = await call(api.PATCH('/v1/numbers/{numberId}/features', { params: { path: { numberId } }, body: c.patch }));
      setServer(next);
      setForm(formOf(next));
      setSaved(true);
    });
  };

  const anyForward = FORWARDS.some((k) => form[k].on);
  const forwardRule = (k: ForwardKind): { disabled: boolean; hint?: string } => {
    if (form[k].on) return { disabled: false };
    if (form.authCode.on) return { disabled: true, hint: 'Call forwarding is disabled while an authorization code is on. Turn the authorization code off to forward calls.' };
    if (k === 'forwardBusy' && form.callWaiting) return { disabled: true, hint: 'Call waiting is on: a busy line lets a second call wait, so it cannot also forward. Turn call waiting off to forward when busy.' };
    return { disabled: false };
  };
  const callWaitingRule = form.forwardBusy.on && !form.callWaiting
    ? { disabled: true, hint: 'Calls are forwarded when busy, so a second call cannot wait. Turn forward when busy off to use call waiting.' }
    : { disabled: false };
  const authRule = anyForward && !form.authCode.on
    ? { disabled: true, hint: 'Call forwarding is on, and no forwarding is allowed with an authorization code. Turn every forward off first.' }
    : { disabled: false };

  const cliOptions = choices.data ?? [];
  const cliKnown = form.cli.number === '' || cliOptions.some((n) => n.e164 === form.cli.number);

  return (
    <div className="features-layout">
      <section className="card features-side" aria-labelledby="now-title">
        <h2 id="now-title" className="features-h2">In effect now</h2>
        {saved && <p className="saved" role="status">Saved. These are the values the server now holds.</p>}
        <ServerValues f={server} />
      </section>
      <form className="features-form" onSubmit={(e) => void onSubmit(e)} noValidate aria-label="Change features">
        <fieldset>
          <legend>Call forwarding</legend>
          {FORWARDS.map((k) => {
            const rule = forwardRule(k);
            const toError = err(k);
            return (
              <div key={k} className="forward">
                <Toggle
                  label={FORWARD_LABEL[k]}
                  checked={form[k].on}
                  disabled={rule.disabled}
                  hint={rule.hint}
                  error={form[k].on ? null : toError}
                  onChange={(on) => edit((f) => ({ ...f, [k]: { ...f[k], on } }))}
                />
                {form[k].on && (
                  <TextField
                    label={`${FORWARD_LABEL[k]} to`}
                    value={form[k].to}
                    inputMode="tel"
                    autoComplete="off"
                    hint="A phone number, in international (+49…) or national form"
                    error={toError}
                    onChange={(e) => { const to = e.target.value; edit((f) => ({ ...f, [k]: { ...f[k], to } })); }}
                  />
                )}
              </div>
            );
          })}
          <TextField
            label="Ring time before no answer (seconds)"
            type="number"
            min={6}
            max={120}
            value={form.ringSeconds}
            hint="How long the phones ring before forward on no answer (or voicemail) takes the call: 18 s is three rings of 6 s."
            error={err('noAnswerRingSeconds')}
            onChange={(e) => { const ringSeconds = e.target.value; edit((f) => ({ ...f, ringSeconds })); }}
          />
        </fieldset>

        <fieldset>
          <legend>Voicemail</legend>
          <Toggle label="Voicemail" checked={form.voicemail} error={err('voicemail')} onChange={(voicemail) => edit((f) => ({ ...f, voicemail }))} />
          <Toggle
            label="Voicemail to e-mail"
            checked={form.vmEmail.on}
            hint={form.voicemail ? 'Each message is e-mailed with the recording attached.' : 'Takes effect while voicemail is on.'}
            error={form.vmEmail.on ? null : err('voicemailToEmail')}
            onChange={(on) => edit((f) => ({ ...f, vmEmail: { ...f.vmEmail, on } }))}
          />
          {form.vmEmail.on && (
            <TextField
              label="E-mail address for voicemail"
              type="email"
              value={form.vmEmail.address}
              error={err('voicemailToEmail')}
              onChange={(e) => { const address = e.target.value; edit((f) => ({ ...f, vmEmail: { ...f.vmEmail, address } })); }}
            />
          )}
        </fieldset>

        <fieldset>
          <legend>Calls</legend>
          <Toggle label="Call waiting" checked={form.callWaiting} disabled={callWaitingRule.disabled} hint={callWaitingRule.hint} error={err('callWaiting')}
            onChange={(callWaiting) => edit((f) => ({ ...f, callWaiting }))} />
          <Toggle label="Do not disturb" checked={form.doNotDisturb} error={err('doNotDisturb')}
            hint={form.voicemail ? 'Every call goes to voicemail.' : 'Every call goes to voicemail; voicemail is off, so callers hear busy.'}
            onChange={(doNotDisturb) => edit((f) => ({ ...f, doNotDisturb }))} />
        </fieldset>

        <fieldset>
          <legend>Caller ID</legend>
          <Toggle label="Hide caller ID" checked={form.hideCallerId} error={err('hideCallerId')} hint="Outbound calls show no number; this overrides the CLI."
            onChange={(hideCallerId) => edit((f) => ({ ...f, hideCallerId }))} />
          <Toggle label="CLI" checked={form.cli.on} error={form.cli.on ? null : err('cli', 'cli.number')}
            hint={form.hideCallerId && form.cli.on ? 'Hide caller ID is on, so outbound calls present no number until it is turned off.' : 'Present another number of this site as caller ID.'}
            onChange={(on) => edit((f) => ({ ...f, cli: { ...f.cli, on } }))} />
          {form.cli.on && (choices.error ? <LoadError error={choices.error} retry={() => void choices.reload()} /> : !choices.data ? <Loading /> : (
            <SelectField
              label="Number to present"
              value={form.cli.number}
              hint="Only active numbers of this account at the same site can be presented."
              error={err('cli', 'cli.number')}
              onChange={(e) => { const number = e.target.value; edit((f) => ({ ...f, cli: { ...f.cli, number } })); }}
            >
              <option value="">Choose a number…</option>
              {cliOptions.map((n) => <option key={n.id} value={n.e164}>{n.e164} — {n.id === numberId ? 'this number' : n.assignedTo}</option>)}
              {!cliKnown && <option value={form.cli.number}>{form.cli.number} (no longer an active number of this site)</option>}
            </SelectField>
          ))}
        </fieldset>

        <fieldset>
          <legend>Authorization code</legend>
          <Toggle label="Require an authorization code" checked={form.authCode.on} disabled={authRule.disabled}
            hint={authRule.hint ?? 'Outbound calls need the code, and call forwarding is disabled while it is on.'}
            error={form.authCode.on ? null : err('authorizationCode', 'authorizationCode.code')}
            onChange={(on) => edit((f) => ({ ...f, authCode: { on, code: '' } }))} />
          {form.authCode.on && (
            <TextField
              label="Authorization code"
              type="password"
              inputMode="numeric"
              autoComplete="new-password"
              value={form.authCode.code}
              hint={server.authorizationCode.enabled ? 'A code is set (it is never shown). Leave empty to keep it, or type a new one: 4 to 12 digits.' : '4 to 12 digits.'}
              error={err('authorizationCode', 'authorizationCode.code')}
              onChange={(e) => { const code = e.target.value; edit((f) => ({ ...f, authCode: { ...f.authCode, code } })); }}
            />
          )}
        </fieldset>

        <FormError error={submit.error} fields={FIELDS} />
        <Actions>
          <button type="button" onClick={onReload} disabled={submit.busy}>Discard changes and reload</button>
          <button type="submit" className="primary" disabled={submit.busy || !dirty}>{submit.busy ? 'Saving…' : 'Save'}</button>
        </Actions>
      </form>
    </div>
  );
}

/** Tells one load from the next, so the form starts again from what the server answered. */
let loads = 0;

export default function Features() {
  const { numberId = '' } = useParams();
  const [version, setVersion] = useState(0);
  const loaded = useLoad(async () => {
    const [details, features] = await Promise.all([
      call(api.GET('/v1/numbers/{numberId}', { params: { path: { numberId } } })),
      call(api.GET('/v1/numbers/{numberId}/features', { params: { path: { numberId } } })),
    ]);
    return { details, features, stamp: ++loads };
  }, [numberId, version]);
  const back = loaded.data ? `/numbers?site=${loaded.data.details.siteId}` : '/numbers';
  const backLink = <Link to={back}>← Numbers</Link>;

  if (loaded.error) return <Page title="Number features" actions={backLink}><LoadError error={loaded.error} retry={() => void loaded.reload()} /></Page>;
  if (!loaded.data) return <Page title="Number features" actions={backLink}><Loading /></Page>;
  const { details: d, features, stamp } = loaded.data;
  const title = `Features of ${d.e164}${d.extension ? ` (ext. ${d.extension})` : ''}`;
  const editable = !d.isMain && d.status === 'active';

  return (
    <Page title={title} actions={backLink}>
      <p className="number-meta">
        <Badge tone={d.status === 'active' ? 'ok' : d.status === 'pending' ? 'warn' : 'muted'}>{d.status}</Badge>{' '}
        {d.user ? <>Assigned to <Link to={`/users/${d.user.id}`}>{d.user.firstName} {d.user.lastName}</Link></> : d.assignedTo}
        {d.handset && <> · logged into handset {d.handset.phoneId}</>}
      </p>
      {editable ? (
        <FeaturesForm key={stamp} numberId={numberId} details={d} initial={features} onReload={() => setVersion((v) => v + 1)} />
      ) : (
        <>
          <div className="notice" role="status">
            <p>
              {d.isMain
                ? `${d.e164} is the site's main number, which is read-only: its features cannot be changed.`
                : `${d.e164} is ${d.status === 'reserved' ? 'reserved (not yet activated)' : 'pending (the system is applying a change)'}; only an active number's features can be changed.`}
            </p>
            <button type="button" onClick={() => setVersion((v) => v + 1)}>Reload</button>
          </div>
          <section className="card" aria-labelledby="now-title">
            <h2 id="now-title" className="features-h2">In effect now</h2>
            <ServerValues f={features} />
          </section>
        </>
      )}
    </Page>
  );
}
