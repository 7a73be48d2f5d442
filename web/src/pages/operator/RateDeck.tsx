/**
 * The operator's rate deck (spec §12 "public network by destination … from a rate table"): the rows
 * by prefix (narrowed to a prefix, paged), and replacing the whole deck from a CSV file, chosen with a
 * file input or pasted (PUT /v1/rate-deck takes the file's text). A file with any bad row is refused
 * whole: the server's sentence names the first bad row, every bad row it lists is shown, and the deck
 * stays as it was.
 */
import { useState, type ChangeEvent, type FormEvent } from 'react';
import { api, call, type Answer } from '../../api/client.ts';
import { useSubmit } from '../../components/data.ts';
import { Actions, Dialog, Field, FormError, LoadError, Loading, Page, Table, TextField, fieldError, type Column } from '../../components/ui.tsx';
import { formatMoney, formatTime } from '../records/format.ts';
import { LoadMore, usePaged } from '../../components/paging.tsx';
import '../records/records.css';
import './operator.css';

type Row = Answer<'/v1/rate-deck', 'get'>['items'][number];
type Imported = Answer<'/v1/rate-deck', 'put'>;

/** A bad row as the refusal lists it (problem+json `problems`). */
interface CsvProblem {
  line: number;
  row: number;
  column: string | null;
  reason: string;
}

const problemsOf = (error: unknown): CsvProblem[] => {
  const p = (error as { problems?: unknown } | undefined)?.problems;
  return Array.isArray(p) ? (p as CsvProblem[]) : [];
};

function Import({ onClose, onImported, onRefused }: { onClose: () => void; onImported: (r: Imported) => void; onRefused: () => void }) {
  const [csv, setCsv] = useState('');
  const [fileName, setFileName] = useState<string | null>(null);
  const [problems, setProblems] = useState<CsvProblem[]>([]);
  const submit = useSubmit();

  const pick = async (ev: ChangeEvent<HTMLInputElement>) => {
    const file = ev.target.files?.[0];
    if (!file) return;
    setCsv(await file.text());
    setFileName(file.name);
    setProblems([]);
    submit.clear();
  };
  const onSubmit = (ev: FormEvent) => {
    ev.preventDefault();
    setProblems([]);
    void submit.run(async () => {
      const answer = await api.PUT('/v1/rate-deck', { body: { csv } });
      if (!answer.response.ok) {
        setProblems(problemsOf(answer.error));
        onRefused();
      }
      onImported(await call(Promise.resolve(answer)));
    });
  };
  return (
    <Dialog title="Replace the rate deck" open onClose={onClose} wide>
      <form onSubmit={onSubmit}>
        <p>The file replaces the whole deck: rows it does not list are removed. Calls are rated with the new deck from the next call on; past calls keep their rating.</p>
        <Field label="CSV file" hint={fileName ? `Read ${fileName}; you can still edit it below.` : 'or paste the file below'}>
          {(p) => <input {...p} type="file" accept=".csv,text/csv,text/plain" onChange={(ev) => void pick(ev)} />}
        </Field>
        <Field label="CSV" hint="A header line naming prefix and per_minute, optionally description and setup; prices in currency units with at most four decimals (0.0123)."
          error={fieldError(submit.error, 'csv')}>
          {(p) => <textarea {...p} rows={10} spellCheck={false} required value={csv} placeholder={'prefix,description,per_minute,setup\n49,Germany,0.0200,0\n4915,Germany mobile,0.0900,0.0100'}
            onChange={(ev) => setCsv(ev.target.value)} />}
        </Field>
        {problems.length > 0 && (
          <div className="form-error" role="group" aria-label="Bad rows">
            <p><strong>Nothing was imported; the deck is unchanged.</strong> {problems.length === 1 ? 'The bad row:' : `The ${problems.length} bad rows:`}</p>
            <ul className="csv-problems">
              {problems.map((p) => <li key={`${p.line}-${p.column ?? ''}`}>Line {p.line} (row {p.row}){p.column ? `, ${p.column}` : ''}: {p.reason}</li>)}
            </ul>
          </div>
        )}
        <FormError error={submit.error} fields={['csv']} />
        <Actions>
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={submit.busy || !csv.trim()}>{submit.busy ? 'Importing…' : 'Replace the deck'}</button>
        </Actions>
      </form>
    </Dialog>
  );
}

export default function RateDeck() {
  const [prefix, setPrefix] = useState('');
  const [importing, setImporting] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const valid = prefix.trim() === '' || /^\+?[0-9]{1,15}$/.test(prefix.trim());
  const list = usePaged(async (cursor) => call(api.GET('/v1/rate-deck', {
    params: { query: { limit: 200, ...(cursor ? { cursor } : {}), ...(valid && prefix.trim() ? { prefix: prefix.trim() } : {}) } },
  })), [valid ? prefix.trim() : '']);

  const columns: Column<Row>[] = [
    { header: 'Prefix', cell: (r) => <code>+{r.prefix}</code> },
    { header: 'Description', cell: (r) => r.description },
    { header: 'Per minute', cell: (r) => formatMoney(r.perMinute), className: 'num' },
    { header: 'Setup', cell: (r) => formatMoney(r.setup), className: 'num' },
    { header: 'Updated', cell: (r) => formatTime(r.updatedAt), className: 'nowrap' },
  ];

  return (
    <Page title="Rate deck" actions={<button type="button" className="primary" onClick={() => setImporting(true)}>Import a CSV</button>}>
      <div className="toolbar">
        <TextField label="Prefix starts with" inputMode="numeric" value={prefix} onChange={(e) => setPrefix(e.target.value)} placeholder="e.g. 49"
          error={valid ? fieldError(list.error, 'prefix', 'query.prefix') : 'A prefix is 1 to 15 digits'} />
      </div>
      {notice && <p className="notice" role="status"><span>{notice}</span></p>}
      <p className="hint">Prices are in currency units per started minute and per connected call; the longest matching prefix rates a call.</p>
      {list.error && !fieldError(list.error, 'prefix', 'query.prefix') && <LoadError error={list.error} retry={() => void list.reload()} />}
      {!list.error && list.items === null && <Loading />}
      {!list.error && list.items && (
        <div aria-busy={list.loading}>
          <Table caption="Rate deck rows by prefix" columns={columns} rows={list.items} rowKey={(r) => r.prefix}
            empty={prefix.trim() ? 'No row starts with that prefix.' : 'The rate deck is empty: calls to the public network are not rated until a deck is imported.'} />
          <LoadMore list={list} />
        </div>
      )}
      {importing && (
        <Import
          onClose={() => setImporting(false)}
          onRefused={() => void list.reload()}
          onImported={(r) => {
            setImporting(false);
            setNotice(`Imported ${r.rows} row${r.rows === 1 ? '' : 's'}; the deck had ${r.replaced} before.`);
            void list.reload();
          }}
        />
      )}
    </Page>
  );
}
