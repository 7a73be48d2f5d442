/** Deleting a user, after confirmation; the server's refusal (e.g. the last account admin) shown in the dialog. */
import { api, call } from '../../api/client.ts';
import { ConfirmDialog } from '../../components/ui.tsx';
import { fullName, type User } from './peopleCommon.ts';

export function DeleteUser({ user, onClose, onDeleted }: { user: User; onClose(): void; onDeleted(): void }) {
  return (
    <ConfirmDialog title="Delete user" open onClose={onClose} danger confirmLabel="Delete user" busyLabel="Deleting…" onConfirm={async () => {
      await call(api.DELETE('/v1/users/{userId}', { params: { path: { userId: user.id } } }));
      onDeleted();
    }}>
      <p>Delete <strong>{fullName(user)}</strong> ({user.email})? This cannot be undone.</p>
      {(user.number || user.extension) && (
        <ul>
          {user.number && <li>Their number {user.number} becomes unassigned.</li>}
          {user.extension && <li>Extension {user.extension} becomes free.</li>}
        </ul>
      )}
    </ConfirmDialog>
  );
}
