/**
 * The directory (spec §8 "Directory"): the own account by default; a filter turns on the full
 * directory (every account a federation shares its directory with), another narrows it to chosen
 * offices (accounts). Each contact shows its Office (account name) and a note when it is federated.
 * Search matches name, extension, number and e-mail as the admin types.
 */
import { useState } from 'react';
import { api, call, type Answer } from '../../api/client.ts';
import { useLoad } from '../../components/data.ts';
import { Badge, Checkbox, Empty, LoadError, Loading, Page, SelectField, Table, TextField, type Column } from '../../components/ui.tsx';
import { LoadMore, useDebounced, usePaged } from '../../components/paging.tsx';
import './directory.css';

type Entry = Answer<'/v1/directory', 'get'>['items'][number];
type Office = Answer<'/v1/directory/offices', 'get'>['items'][number];
type Scope = 'own' | 'all' | 'offices';

const PAGE = 50;

export default function Directory() {
  const offices = useLoad(async () => (await call(api.GET('/v1/directory/offices'))).items, []);
  const [scope, setScope] = useState<Scope>('own');
  const [chosen, setChosen] = useState<string[]>([]);
  const [q, setQ] = useState('');
  const query = useDebounced(q.trim());
  const officeList = offices.data ?? [];
  const own = officeList.find((o) => !o.federated);
  const chosenKey = chosen.join(',');
  const waiting = scope === 'offices' && chosen.length === 0;

  const entries = usePaged(
    async (cursor) => {
      if (waiting) return { items: [], nextCursor: null };
      return call(api.GET('/v1/directory', {
        params: { query: { limit: PAGE, scope, ...(scope === 'offices' ? { offices: chosenKey } : {}), ...(query ? { q: query } : {}), ...(cursor ? { cursor } : {}) } },
      }));
    },
    [scope, chosenKey, query, waiting],
  );

  const toggle = (id: string, on: boolean) => setChosen((prev) => (on ? [...prev, id] : prev.filter((x) => x !== id)));

  const columns: Column<Entry>[] = [
    { header: 'Name', cell: (e) => <span className="contact-name">{e.firstName} {e.lastName}</span> },
    {
      header: 'Office',
      cell: (e) => (
        <>
          <span className="office">{e.office}</span>
          {e.federated && (
            <span className="federated-note">
              <Badge tone="warn">Federated</Badge>
              <small>
                {' '}Another account{e.grantedBy && e.grantedBy.length > 0 ? `, shared through ${e.grantedBy.map((g) => g.name).join(', ')}` : ''}
              </small>
            </span>
          )}
        </>
      ),
    },
    { header: 'Extension', cell: (e) => e.extension ?? <span className="muted" title={e.federated ? 'Not shared by the federation' : undefined}>—</span> },
    { header: 'Number', cell: (e) => e.number ?? <span className="muted">—</span> },
    { header: 'E-mail', cell: (e) => e.email },
    { header: 'Presence', cell: (e) => e.presence ?? <span className="muted" title="Not shared">—</span> },
  ];

  const scopeHint = scope === 'own'
    ? `Only ${own?.name ?? 'your account'}`
    : scope === 'all'
      ? `Your account and ${officeList.length - 1} federated office${officeList.length - 1 === 1 ? '' : 's'}`
      : 'Only the offices you tick';

  return (
    <Page title="Directory">
      <div className="toolbar filters directory-filters" role="search">
        <TextField label="Search" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name, extension, number or e-mail" />
        <SelectField label="Show" value={scope} onChange={(e) => setScope(e.target.value as Scope)} hint={scopeHint}>
          <option value="own">My account</option>
          <option value="all">Full directory (all federated offices)</option>
          <option value="offices">Chosen offices</option>
        </SelectField>
      </div>
      {offices.error && <LoadError error={offices.error} retry={() => void offices.reload()} />}
      {scope === 'offices' && (
        <fieldset className="offices">
          <legend>Offices</legend>
          {offices.data === null && !offices.error && <Loading />}
          {officeList.map((o: Office) => (
            <Checkbox key={o.accountId} label={o.federated ? `${o.name} (federated)` : `${o.name} (your account)`} checked={chosen.includes(o.accountId)} onChange={(e) => toggle(o.accountId, e.target.checked)} />
          ))}
        </fieldset>
      )}
      {entries.error && <LoadError error={entries.error} retry={() => void entries.reload()} />}
      {waiting ? (
        <Empty>Tick one or more offices to search them.</Empty>
      ) : entries.items === null ? (
        !entries.error && <Loading />
      ) : (
        <div aria-busy={entries.loading}>
          <Table caption="Directory contacts" columns={columns} rows={entries.items} rowKey={(e) => e.userId} empty={query ? 'No contact matches this search.' : 'No contacts.'} />
          <LoadMore list={entries} />
        </div>
      )}
    </Page>
  );
}
