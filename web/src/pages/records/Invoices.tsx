/**
 * The account's monthly invoice (spec §12: "Calls are rated by metering class: on-net free; public
 * network by destination from a rate table; Office Anywhere legs are toll legs. Each account gets a
 * monthly invoice of its usage"). A month picker (default: the current month, in UTC like the
 * invoice), the server's lines grouped by metering class, the totals and the unrated legs; money in
 * the invoice's own unit scale.
 */
import type { ReactNode } from 'react';
import { useSearchParams } from 'react-router';
import { api, call, type Answer } from '../../api/client.ts';
import { useLoad } from '../../components/data.ts';
import { Empty, LoadError, Loading, Page, TextField, fieldError } from '../../components/ui.tsx';
import { CLASS_LABEL, formatMoney, isOnNet } from './format.ts';
import './records.css';

type Invoice = Answer<'/v1/invoices/{month}', 'get'>;
type Line = Invoice['lines'][number];

const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The current month in UTC (invoices are calendar months in UTC). */
function currentMonth(): string {
  return new Date().toISOString().slice(0, 7);
}

function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1 + by, 1)).toISOString().slice(0, 7);
}

function monthName(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y!, m! - 1, 1)));
}

/** The invoice's groups: on-net (free), emergency (free), the public network by destination, Office Anywhere legs (toll). */
function groupsOf(lines: Line[]): { title: string; lines: Line[] }[] {
  const groups = [
    { title: 'On-net calls (free)', lines: lines.filter((l) => isOnNet(l.class) && !l.officeAnywhere) },
    { title: 'Emergency calls (free)', lines: lines.filter((l) => l.class === 'emergency' && !l.officeAnywhere) },
    { title: 'Public network, by destination', lines: lines.filter((l) => !isOnNet(l.class) && l.class !== 'emergency' && !l.officeAnywhere) },
    { title: 'Office Anywhere legs (toll)', lines: lines.filter((l) => l.officeAnywhere) },
  ];
  return groups.filter((g) => g.lines.length > 0);
}

function Figure({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="card">
      <div className="label">{label}</div>
      <div className="figure">{children}</div>
    </div>
  );
}

function InvoiceView({ invoice }: { invoice: Invoice }) {
  const scale = invoice.currencyUnitScale;
  const money = (units: number) => formatMoney(units, scale);
  if (invoice.lines.length === 0) {
    return <Empty>No usage in {monthName(invoice.month)}: no calls were made or taken that count towards the invoice.</Empty>;
  }
  return (
    <>
      <div className="invoice-summary" role="group" aria-label="Totals">
        <Figure label="Total">{money(invoice.totals.cost)}</Figure>
        <Figure label="Calls">{invoice.totals.calls}</Figure>
        <Figure label="Billed minutes">{invoice.totals.minutes}</Figure>
        <Figure label="On-net calls (free)">{invoice.onNet.calls}</Figure>
      </div>
      <div className="table-wrap">
        <table className="invoice">
          <caption className="sr-only">Invoice lines for {monthName(invoice.month)}, by metering class and destination</caption>
          <thead>
            <tr>
              <th scope="col">Metering class</th>
              <th scope="col">Destination</th>
              <th scope="col" className="num">Calls</th>
              <th scope="col" className="num">Minutes</th>
              <th scope="col" className="num">Cost</th>
              <th scope="col" className="num">Unrated</th>
            </tr>
          </thead>
          {groupsOf(invoice.lines).map((g) => (
            <tbody key={g.title}>
              <tr><th scope="rowgroup" colSpan={6}>{g.title}</th></tr>
              {g.lines.map((l) => (
                <tr key={`${l.class}|${l.destination}|${l.officeAnywhere}`}>
                  <td>{CLASS_LABEL[l.class]}</td>
                  <td>{l.destination}</td>
                  <td className="num">{l.calls}</td>
                  <td className="num">{l.minutes}</td>
                  <td className="num">{money(l.cost)}</td>
                  <td className="num">{l.unrated || ''}</td>
                </tr>
              ))}
            </tbody>
          ))}
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>Total</th>
              <td className="num">{invoice.totals.calls}</td>
              <td className="num">{invoice.totals.minutes}</td>
              <td className="num">{money(invoice.totals.cost)}</td>
              <td className="num">{invoice.unrated || ''}</td>
            </tr>
          </tfoot>
        </table>
      </div>
      <div className="invoice-notes">
        <p>On-net: {invoice.onNet.calls} call{invoice.onNet.calls === 1 ? '' : 's'}, {invoice.onNet.minutes} minute{invoice.onNet.minutes === 1 ? '' : 's'}, free of charge.</p>
        {invoice.unrated > 0 && <p>Unrated: {invoice.unrated} call{invoice.unrated === 1 ? '' : 's'} to numbers no rate deck row covers, rated 0.</p>}
        <p>Amounts are in currency units of the platform's rate deck (rated in 1/{scale.toLocaleString()} of a unit); minutes are billed per started minute; the month is a calendar month in UTC.</p>
      </div>
    </>
  );
}

export default function Invoices() {
  const [params, setParams] = useSearchParams();
  const month = params.get('month') ?? currentMonth();
  const setMonth = (m: string) => {
    const next = new URLSearchParams(params);
    next.set('month', m);
    setParams(next, { replace: true });
  };
  const valid = MONTH_RE.test(month);
  const invoice = useLoad(async () => (valid ? call(api.GET('/v1/invoices/{month}', { params: { path: { month } } })) : null), [month, valid]);
  const monthError = !valid ? 'Choose a month (YYYY-MM).' : fieldError(invoice.error, 'month', 'params.month');

  return (
    <Page title="Invoices">
      <div className="toolbar invoice-head">
        <TextField label="Month" type="month" value={valid ? month : ''} onChange={(e) => e.target.value && setMonth(e.target.value)} error={monthError} required />
        <div className="filter-buttons">
          <button type="button" onClick={() => setMonth(shiftMonth(valid ? month : currentMonth(), -1))}>Previous month</button>
          <button type="button" onClick={() => setMonth(shiftMonth(valid ? month : currentMonth(), 1))}>Next month</button>
          {month !== currentMonth() && <button type="button" onClick={() => setMonth(currentMonth())}>This month</button>}
        </div>
      </div>
      {valid && <h2 className="invoice-title">Invoice for {monthName(month)}</h2>}
      {invoice.error && !monthError && <LoadError error={invoice.error} retry={() => void invoice.reload()} />}
      {!invoice.error && valid && (invoice.data === null || invoice.data.month !== month) && <Loading />}
      {!invoice.error && invoice.data && invoice.data.month === month && <InvoiceView invoice={invoice.data} />}
    </Page>
  );
}
