/**
 * The row actions of an active, non-main number (spec §3, §5, §6): details, features, reset PIN,
 * handset log in (Phone ID picker) / log out, display name (two lines), assign (only users without a
 * number offered) / unassign. Each opens a dialog that shows the server's refusal in place.
 */
import { useRef, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, call, type Answer } from '../../api/client.ts';
import { useLoad, useSubmit } from '../../components/data.ts';
import { useDebounced } from '../../components/paging.tsx';
import type { Site } from '../../components/SitePicker.tsx';
import { Actions, ConfirmDialog, Dialog, FormError, LoadError, Loading, SelectField, TextField, fieldError } from '../../components/ui.tsx';

export type NumberRow = Answer<'/v1/sites/{siteId}/numbers', 'get'>['items'][number];

type Open = null | 'details' | 'pin' | 'login' | 'logout' | 'display' | 'assign' | 'unassign';

export function NumberActions({ number: n, site, onChanged }: { number: NumberRow; site: Site; onChanged: () => void }) {
  const [open, setOpen] = useState<Open>(null);
  const menu = useRef<HTMLDetailsElement>(null);
  const choose = (what: Open) => {
    if (menu.current) menu.current.open = false;
    setOpen(what);
  };
  const close = () => setOpen(null);
  const done = () => {
    close();
    onChanged();
  };
  const item = (label: string, what: Open) => <li><button type="button" onClick={() => choose(what)}>{label}</button></li>;
  return (
    <>
      <details className="menu" ref={menu}>
        <summary aria-label={`Actions for ${n.e164}`}>Actions</summary>
        <ul>
          {item('Details', 'details')}
          <li><Link className="button" to={`/numbers/${n.id}/features?site=${site.id}`}>Features</Link></li>
          {item('Reset PIN', 'pin')}
          {n.phoneId ? item('Log out of handset', 'logout') : item('Log into handset', 'login')}
          {item('Display name', 'display')}
          {n.userId ? item('Unassign user', 'unassign') : item('Assign user', 'assign')}
        </ul>
      </details>
      {open === 'details' && <DetailsDialog number={n} onClose={close} />}
      {open === 'pin' && <ResetPinDialog number={n} onClose={close} onDone={onChanged} />}
      {open === 'login' && <HandsetDialog number={n} site={site} onClose={close} onDone={done} />}
      <ConfirmDialog
        title={`Log ${n.e164} out of its handset`}
        open={open === 'logout'}
        onClose={close}
        confirmLabel="Log out"
        onConfirm={async () => {
          await call(api.DELETE('/v1/numbers/{numberId}/handset', { params: { path: { numberId: n.id } } }));
          onChanged();
        }}
      >
        <p>Handset <strong className="mono">{n.phoneId}</strong> stops ringing for {n.e164}. The number stays assigned.</p>
      </ConfirmDialog>
      {open === 'display' && <DisplayNameDialog number={n} onClose={close} onDone={done} />}
      {open === 'assign' && <AssignDialog number={n} onClose={close} onDone={done} />}
      <ConfirmDialog
        title={`Unassign ${n.e164}`}
        open={open === 'unassign'}
        onClose={close}
        confirmLabel="Unassign"
        danger
        onConfirm={async () => {
          await call(api.DELETE('/v1/numbers/{numberId}/assignment', { params: { path: { numberId: n.id } } }));
          onChanged();
        }}
      >
        <p>{n.e164} will no longer be assigned to its user{n.displayName ? '; its display name stays' : ''}.</p>
      </ConfirmDialog>
    </>
  );
}

function DetailsDialog({ number: n, onClose }: { number: NumberRow; onClose: () => void }) {
  const d = useLoad(() => call(api.GET('/v1/numbers/{numberId}', { params: { path: { numberId: n.id } } })), [n.id]);
  const yes = (b: boolean) => (b ? 'On' : 'Off');
  const v = d.data;
  return (
    <Dialog title={`Details of ${n.e164}`} open onClose={onClose} wide>
      {d.error ? <LoadError error={d.error} retry={() => void d.reload()} /> : !v ? <Loading /> : (
        <dl className="details">
          <dt>Number</dt><dd className="mono">{v.e164}</dd>
          <dt>Status</dt><dd>{v.status}{v.isMain ? ' (main number)' : ''}</dd>
          <dt>Assigned to</dt><dd>{v.assignedTo}</dd>
          <dt>User</dt><dd>{v.user ? <Link to={`/users/${v.user.id}`}>{v.user.firstName} {v.user.lastName}</Link> : '—'}</dd>
          <dt>Extension</dt><dd>{v.extension ?? '—'}</dd>
          <dt>Display name</dt><dd>{v.displayName ? <>{v.displayName.line1}<br />{v.displayName.line2}</> : '—'}</dd>
          <dt>Handset</dt><dd>{v.handset ? <span className="mono">{v.handset.phoneId}</span> : '—'}</dd>
          <dt>Office Anywhere portal</dt><dd>{v.officeAnywherePortal?.name ?? '—'}</dd>
          <dt>PIN</dt><dd>{v.pin.state === 'default' ? 'Default PIN' : 'Custom PIN'}{v.pin.locked ? ' — locked' : ''}{v.pin.failures ? ` (${v.pin.failures} failed attempts)` : ''}</dd>
          <dt>Forwarding</dt>
          <dd>
            Always: {v.features.forwardAlways ?? 'off'}; busy: {v.features.forwardBusy ?? 'off'}; no answer: {v.features.forwardNoAnswer ?? 'off'}
            {v.features.forwardNoAnswer ? ` after ${v.features.noAnswerRingSeconds} s` : ''}
          </dd>
          <dt>Voicemail</dt><dd>{yes(v.features.voicemail)}{v.features.voicemailToEmail ? `, to e-mail ${v.features.voicemailToEmail}` : ''}</dd>
          <dt>Hide caller ID</dt><dd>{yes(v.features.hideCallerId)}</dd>
          <dt>Call waiting</dt><dd>{yes(v.features.callWaiting)}</dd>
          <dt>Do not disturb</dt><dd>{yes(v.features.doNotDisturb)}</dd>
          <dt>CLI</dt><dd>{v.features.cli.enabled ? `On, presenting ${v.features.cli.number ?? '—'}` : 'Off'}</dd>
          <dt>Authorization code</dt><dd>{yes(v.features.authorizationCode.enabled)}</dd>
          <dt>Created</dt><dd>{new Date(v.createdAt).toLocaleString()}</dd>
          <dt>Last changed</dt><dd>{new Date(v.updatedAt).toLocaleString()}</dd>
        </dl>
      )}
      <Actions><button type="button" onClick={onClose}>Close</button></Actions>
    </Dialog>
  );
}

function ResetPinDialog({ number: n, onClose, onDone }: { number: NumberRow; onClose: () => void; onDone: () => void }) {
  const [pin, setPin] = useState<string | null>(null);
  const submit = useSubmit();
  const reset = () => submit.run(async () => {
    const r = await call(api.POST('/v1/numbers/{numberId}/pin/reset', { params: { path: { numberId: n.id } } }));
    setPin(r.defaultPin ?? '');
    onDone();
  });
  return (
    <Dialog title={pin === null ? `Reset the PIN of ${n.e164}` : `PIN of ${n.e164} reset`} open onClose={onClose}>
      {pin === null ? (
        <>
          <p>The custom PIN is removed, the default PIN is restored and any lock is cleared. The user must choose a new custom PIN again.</p>
          <FormError error={submit.error} />
          <Actions>
            <button type="button" onClick={onClose}>Cancel</button>
            <button type="button" className="danger" disabled={submit.busy} onClick={() => void reset()}>Reset PIN</button>
          </Actions>
        </>
      ) : (
        <>
          <p role="status">The default PIN <strong className="mono">{pin}</strong> is in use again and the PIN is unlocked. The user must choose a new custom PIN on first use.</p>
          <Actions><button type="button" className="primary" onClick={onClose}>Done</button></Actions>
        </>
      )}
    </Dialog>
  );
}

function HandsetDialog({ number: n, site, onClose, onDone }: { number: NumberRow; site: Site; onClose: () => void; onDone: () => void }) {
  const devices = useLoad(async () => (await call(api.GET('/v1/devices', { params: { query: { siteId: site.id, limit: 500 } } }))).items.sort((a, b) => a.phoneId.localeCompare(b.phoneId)), [site.id]);
  const [phoneId, setPhoneId] = useState('');
  const submit = useSubmit();
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (await submit.run(() => call(api.PUT('/v1/numbers/{numberId}/handset', { params: { path: { numberId: n.id } }, body: { phoneId } })))) onDone();
  };
  return (
    <Dialog title={`Log ${n.e164} into a handset`} open onClose={onClose}>
      {devices.error ? <LoadError error={devices.error} retry={() => void devices.reload()} /> : !devices.data ? <Loading /> : devices.data.length === 0 ? (
        <p className="empty" role="status">{site.name} has no handsets yet. Add one on the <Link to={`/devices?site=${site.id}`}>Devices</Link> page.</p>
      ) : (
        <form onSubmit={(e) => void onSubmit(e)}>
          <SelectField label="Phone ID" required value={phoneId} onChange={(e) => { setPhoneId(e.target.value); submit.clear(); }} error={fieldError(submit.error, 'phoneId')} hint="The ID shown on the handset's screen. One number per handset.">
            <option value="">Choose a handset…</option>
            {devices.data.map((d) => (
              <option key={d.id} value={d.phoneId}>{d.phoneId} — {d.name || d.model}{d.number ? ` (has ${d.number})` : ''}</option>
            ))}
          </SelectField>
          <FormError error={submit.error} fields={['phoneId']} />
          <Actions>
            <button type="button" onClick={onClose}>Cancel</button>
            <button type="submit" className="primary" disabled={submit.busy || !phoneId}>Log in</button>
          </Actions>
        </form>
      )}
    </Dialog>
  );
}

function DisplayNameDialog({ number: n, onClose, onDone }: { number: NumberRow; onClose: () => void; onDone: () => void }) {
  const [line1, setLine1] = useState(n.displayName?.line1 ?? '');
  const [line2, setLine2] = useState(n.displayName?.line2 ?? '');
  const submit = useSubmit();
  const path = { params: { path: { numberId: n.id } } };
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (await submit.run(() => call(api.PUT('/v1/numbers/{numberId}/display-name', { ...path, body: { line1, line2 } })))) onDone();
  };
  return (
    <Dialog title={`Display name of ${n.e164}`} open onClose={onClose}>
      <form onSubmit={(e) => void onSubmit(e)}>
        <p className="hint">Shown on the handset, in two lines. It replaces the user's name in the list; the assignment stays.</p>
        <TextField label="Line 1" value={line1} onChange={(e) => setLine1(e.target.value)} error={fieldError(submit.error, 'line1')} />
        <TextField label="Line 2" value={line2} onChange={(e) => setLine2(e.target.value)} error={fieldError(submit.error, 'line2')} />
        <FormError error={submit.error} fields={['line1', 'line2']} />
        <Actions>
          {n.displayName && (
            <button type="button" className="danger" disabled={submit.busy} onClick={() => void submit.run(() => call(api.DELETE('/v1/numbers/{numberId}/display-name', path))).then((ok) => ok && onDone())}>
              Remove display name
            </button>
          )}
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={submit.busy}>Save</button>
        </Actions>
      </form>
    </Dialog>
  );
}

function AssignDialog({ number: n, onClose, onDone }: { number: NumberRow; onClose: () => void; onDone: () => void }) {
  const [typed, setTyped] = useState('');
  const q = useDebounced(typed.trim(), 200);
  // a user holds at most one number: only users without one are offered
  const users = useLoad(async () => (await call(api.GET('/v1/users', { params: { query: { limit: 500, ...(q ? { q } : {}) } } }))).items.filter((u) => u.number === null), [q]);
  const [userId, setUserId] = useState('');
  const submit = useSubmit();
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (await submit.run(() => call(api.PUT('/v1/numbers/{numberId}/assignment', { params: { path: { numberId: n.id } }, body: { userId } })))) onDone();
  };
  return (
    <Dialog title={`Assign ${n.e164} to a user`} open onClose={onClose}>
      <form onSubmit={(e) => void onSubmit(e)}>
        <TextField label="Find a user" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} hint="Name, e-mail or extension. Only users without a number are listed." />
        {users.error ? <LoadError error={users.error} retry={() => void users.reload()} /> : !users.data ? <Loading /> : users.data.length === 0 ? (
          <p className="empty" role="status">{q ? `No user without a number matches “${q}”.` : 'Every user of the account already has a number.'}</p>
        ) : (
          <SelectField label="User" required value={userId} onChange={(e) => setUserId(e.target.value)} error={fieldError(submit.error, 'userId')}>
            <option value="">Choose a user…</option>
            {users.data.map((u) => <option key={u.id} value={u.id}>{u.firstName} {u.lastName}{u.extension ? ` (ext. ${u.extension})` : ''} — {u.email}</option>)}
          </SelectField>
        )}
        <FormError error={submit.error} fields={['userId']} />
        <Actions>
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={submit.busy || !userId}>Assign</button>
        </Actions>
      </form>
    </Dialog>
  );
}

