/**
 * A filter for one user (the call log's "User", the audit log's "Changed by"): a search box narrows the
 * choice to the users the server finds (it searches name, e-mail, extension and number), and the chosen
 * user stays in the list even when the search no longer finds them.
 */
import { useState } from 'react';
import { api, call, type Answer } from '../../api/client.ts';
import { useLoad } from '../../components/data.ts';
import { useDebounced } from '../../components/paging.tsx';
import { SelectField, TextField } from '../../components/ui.tsx';
import { fullName } from '../people/peopleCommon.ts';

type User = Answer<'/v1/users', 'get'>['items'][number];
const userLabel = (u: User) => `${fullName(u)}${u.extension ? ` (${u.extension})` : ''}`;

export function UserFilter({ label, anyone, userId, onChange, error }: {
  label: string;
  /** The option for no filter. */
  anyone: string;
  userId: string;
  onChange: (id: string) => void;
  /** The server's refusal of the chosen id, if any. */
  error?: string | null;
}) {
  const [typed, setTyped] = useState('');
  const q = useDebounced(typed.trim());
  const users = useLoad(async () => (await call(api.GET('/v1/users', { params: { query: { limit: 100, ...(q ? { q } : {}) } } }))).items, [q]);
  const chosen = useLoad(async () => (userId ? call(api.GET('/v1/users/{userId}', { params: { path: { userId } } })) : null), [userId]);
  const list = users.data ?? [];
  return (
    <>
      <TextField label="Find a user" type="search" value={typed} onChange={(e) => setTyped(e.target.value)} placeholder="name, extension, number" />
      <SelectField label={label} value={userId} onChange={(e) => onChange(e.target.value)} error={error ?? users.error?.problem.detail ?? null}>
        <option value="">{anyone}</option>
        {chosen.data && !list.some((u) => u.id === chosen.data!.id) && <option value={chosen.data.id}>{userLabel(chosen.data)}</option>}
        {userId && !chosen.data && !list.some((u) => u.id === userId) && <option value={userId}>{chosen.error ? 'Unknown user' : '…'}</option>}
        {list.map((u) => <option key={u.id} value={u.id}>{userLabel(u)}</option>)}
      </SelectField>
    </>
  );
}
