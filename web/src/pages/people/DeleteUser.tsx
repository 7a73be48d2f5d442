/** Deleting a user, after confirmation; the server's refusal (e.g. the last account admin) shown in the dialog. */
import { api, call } from '../../api/client.ts';
import { useSubmit } from '../../components/data.ts';
import { Actions, FormError } from '../../components/ui.tsx';
import { fullName, type User } from './peopleCommon.ts';

export function DeleteUser({ user, onCancel, onDeleted }: { user: User; onCancel(): void; onDeleted(): void }) {
  const submit = useSubmit();
  const confirm = async () => {
    if (await submit.run(() => call(api.DELETE('/v1/users/{userId}', { params: { path: { userId: user.id } } })))) onDeleted();
  };
  return (
    <>
      <p>Delete <strong>{fullName(user)}</strong> ({user.email})? This cannot be undone.</p>
      {(user.number || user.extension) && (
        <ul>
          {user.number && <li>Their number {user.number} becomes unassigned.</li>}
          {user.extension && <li>Extension {user.extension} becomes free.</li>}
        </ul>
      )}
      <FormError error={submit.error} />
      <Actions>
        <button type="button" onClick={onCancel}>Cancel</button>
        <button type="button" className="danger" onClick={() => void confirm()} disabled={submit.busy}>{submit.busy ? 'Deleting…' : 'Delete user'}</button>
      </Actions>
    </>
  );
}
