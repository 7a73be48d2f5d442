/**
 * The account's own settings for its admins (spec §2, §9): name, country, extension length, the
 * international whitelist and premium numbers — the same form as the operator's, on the acting account.
 */
import { useState } from 'react';
import { api, call } from '../../api/client.ts';
import { useLoad } from '../../components/data.ts';
import { LoadError, Loading, Page } from '../../components/ui.tsx';
import { useSession } from '../../session.tsx';
import { AccountSettingsForm } from '../operator/account-settings.tsx';

export default function AccountSettings() {
  const { accountId, accountChanged } = useSession();
  const account = useLoad(() => call(api.GET('/v1/accounts/{accountId}', { params: { path: { accountId: accountId! } } })), [accountId]);
  const [saved, setSaved] = useState(0);
  return (
    <Page title="Account settings">
      {account.error ? <LoadError error={account.error} retry={() => void account.reload()} /> : !account.data ? <Loading /> : (
        <div className="card">
          <AccountSettingsForm key={JSON.stringify(account.data)} account={account.data} onSaved={() => { setSaved((n) => n + 1); accountChanged(); void account.reload(); }} />
          {saved > 0 && <p role="status" className="saved">Saved. The new settings apply to the next call.</p>}
        </div>
      )}
    </Page>
  );
}
