/**
 * An account's own settings (spec §2: name, country, extension length; §9: international whitelist and
 * premium numbers): the fields, shared by the operator's account forms and the account admin's
 * settings screen, and the form that saves them (PATCH /v1/accounts/{id}).
 */
import { useState, type FormEvent } from 'react';
import { api, call, type Answer, type ApiError, type Body } from '../../api/client.ts';
import { useSubmit } from '../../components/data.ts';
import { Actions, Checkbox, FormError, SelectField, TextField, fieldError } from '../../components/ui.tsx';

export type Account = Answer<'/v1/accounts', 'get'>['items'][number];

/** The account settings a form edits, as typed. */
export interface Settings {
  name: string;
  country: string;
  extMinLength: string;
  extMaxLength: string;
  intl: 'any' | 'list';
  intlWhitelist: string;
  premiumAllowed: boolean;
}

export const ACCOUNT_FIELDS = ['name', 'country', 'sipDomain', 'extMinLength', 'extMaxLength', 'intlWhitelist', 'premiumAllowed'];
export const CREATE_FIELDS = [...ACCOUNT_FIELDS, 'firstSite.name', 'firstSite.timeZone', 'firstSite.address', 'firstSite.mainNumber',
  'admin.firstName', 'admin.lastName', 'admin.email', 'admin.extension', 'admin.password'];

export const settingsOf = (a: Account | null): Settings => ({
  name: a?.name ?? '',
  country: a?.country ?? '',
  extMinLength: a ? String(a.extMinLength) : '',
  extMaxLength: a ? String(a.extMaxLength) : '',
  intl: a && a.intlWhitelist !== null ? 'list' : 'any',
  intlWhitelist: a?.intlWhitelist?.join(', ') ?? '',
  premiumAllowed: a?.premiumAllowed ?? false,
});

export const countries = (text: string): string[] => text.split(/[\s,;]+/).map((c) => c.trim().toUpperCase()).filter(Boolean);
export const int = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));

export function whitelistText(a: Account): string {
  if (a.intlWhitelist === null) return 'Any country';
  if (a.intlWhitelist.length === 0) return 'None';
  return a.intlWhitelist.join(', ');
}

/** The account's own settings (both forms). */
export function SettingsFields({ s, set, error, creating }: { s: Settings; set: (s: Settings) => void; error: ApiError | null; creating: boolean }) {
  return (
    <>
      <TextField label="Account name" required maxLength={100} value={s.name} onChange={(e) => set({ ...s, name: e.target.value })} error={fieldError(error, 'name')} />
      <TextField label="Country" required maxLength={2} value={s.country} onChange={(e) => set({ ...s, country: e.target.value.toUpperCase() })}
        hint="ISO 3166 code, e.g. DE: how numbers are read and which emergency numbers apply" error={fieldError(error, 'country')} />
      <div className="field-row">
        <TextField label="Shortest extension" type="number" min={2} max={6} value={s.extMinLength} onChange={(e) => set({ ...s, extMinLength: e.target.value })}
          {...(creating ? { hint: 'digits; empty: the default' } : {})} error={fieldError(error, 'extMinLength')} />
        <TextField label="Longest extension" type="number" min={2} max={6} value={s.extMaxLength} onChange={(e) => set({ ...s, extMaxLength: e.target.value })}
          {...(creating ? { hint: 'digits; empty: the default' } : {})} error={fieldError(error, 'extMaxLength')} />
      </div>
      <SelectField label="International calls" value={s.intl} onChange={(e) => set({ ...s, intl: e.target.value as Settings['intl'] })}>
        <option value="any">To any country</option>
        <option value="list">Only to the countries listed</option>
      </SelectField>
      {s.intl === 'list' && (
        <TextField label="Allowed countries" value={s.intlWhitelist} onChange={(e) => set({ ...s, intlWhitelist: e.target.value })}
          hint="ISO codes separated by commas, e.g. AT, FR; empty: no international calls" error={fieldError(error, 'intlWhitelist')} />
      )}
      <Checkbox label="Premium-rate numbers allowed" checked={s.premiumAllowed} onChange={(e) => set({ ...s, premiumAllowed: e.target.checked })} error={fieldError(error, 'premiumAllowed')} />
    </>
  );
}

/** The settings of `account`, saved as one change; the server's refusal beside the field it names. */
export function AccountSettingsForm({ account, onSaved, onCancel }: { account: Account; onSaved: (a: Account) => void; onCancel?: () => void }) {
  const [s, setS] = useState<Settings>(settingsOf(account));
  const submit = useSubmit();
  const onSubmit = (ev: FormEvent) => {
    ev.preventDefault();
    const body: Body<'/v1/accounts/{accountId}', 'patch'> = {
      name: s.name.trim(), country: s.country.trim(), intlWhitelist: s.intl === 'any' ? null : countries(s.intlWhitelist), premiumAllowed: s.premiumAllowed,
      ...(int(s.extMinLength) !== undefined ? { extMinLength: int(s.extMinLength)! } : {}),
      ...(int(s.extMaxLength) !== undefined ? { extMaxLength: int(s.extMaxLength)! } : {}),
    };
    void submit.run(async () => onSaved(await call(api.PATCH('/v1/accounts/{accountId}', { params: { path: { accountId: account.id } }, body }))));
  };
  return (
    <form onSubmit={onSubmit}>
      <SettingsFields s={s} set={setS} error={submit.error} creating={false} />
      <dl className="details">
        <dt>SIP domain</dt><dd>{account.sipDomain} <span className="hint">(fixed)</span></dd>
      </dl>
      <FormError error={submit.error} fields={ACCOUNT_FIELDS} />
      <Actions>
        {onCancel && <button type="button" onClick={onCancel}>Cancel</button>}
        <button type="submit" className="primary" disabled={submit.busy}>{submit.busy ? 'Saving…' : 'Save'}</button>
      </Actions>
    </form>
  );
}
