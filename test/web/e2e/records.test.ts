/**
 * The records screens in a real browser: the call log (newest first, Load more, the direction, user
 * and date filters, a leg's details and "call back" as the server works it out, the server's refusal
 * of a bad date range and of a withheld caller's callback), the monthly invoice (the current month by
 * default, a month without usage, a month's lines grouped by class with the server's totals) and the
 * audit log (actors by name, the action and request filters, before/after with the password redacted).
 *
 * Call records are written the way test/call-records.test.ts and test/invoices.test.ts write them:
 * through the call-record service the SIP service calls when a call ends (`recordCall`, and its batch
 * `recordCalls`), which checks, rates and stores each leg — no rows are inserted by hand.
 */
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { Party } from '../../../src/routing/types.ts';
import { recordCall, recordCalls, type CallLegInput } from '../../../src/services/call-records.ts';
import { makeAccount, makeUser, uniq } from '../../support/harness.ts';
import { eventually, requireBrowser, shot, startPortal } from '../support/portal.ts';

const skip = requireBrowser();

const DECK = ['prefix,description,per_minute,setup', '49,Germany,0.0200,0', '4915,Germany mobile,0.0900,0.0100', '4917,Germany mobile,0.0800,0', '43,Austria,0.0400,0.0050'].join('\n');

/** The rows of the page's table body (the list as shown). */
const bodyRows = (page: Page) => page.locator('main table tbody tr');

/** Waits until the table shows exactly `n` rows (the list reloads after a filter or a page). */
async function waitRows(page: Page, n: number): Promise<void> {
  await page.waitForFunction((want) => document.querySelectorAll('main table tbody tr').length === want && !document.querySelector('[aria-busy="true"]'), n);
}

const money = (units: number) => `${Math.floor(units / 10000)}.${String(units % 10000).padStart(4, '0')}`;

test('call log, invoices and audit log', { skip }, async () => {
  const p = await startPortal();
  try {
    const h = p.h;
    assert.equal((await h.call('PUT', '/v1/rate-deck', { token: h.operatorToken, body: { csv: DECK } })).status, 200);
    const t = await makeAccount(h, { name: `Records Portal ${uniq()}` });
    const ida = await makeUser(h, t, { firstName: 'Ida', lastName: 'Invoice' });
    const carl = await makeUser(h, t, { firstName: 'Carl', lastName: 'Colleague' });
    const me: Party = { accountId: t.accountId, office: null, userId: ida.id, name: 'Ida Invoice', extension: ida.extension, number: null };
    const carlParty: Party = { accountId: t.accountId, office: null, userId: carl.id, name: 'Carl Colleague', extension: carl.extension, number: null };
    const pub = (number: string | null): Party => ({ accountId: null, office: null, userId: null, name: null, extension: null, number });
    const out = (start: Date | string, to: Party, metering: CallLegInput['metering'], seconds: number, extra: Partial<CallLegInput> = {}): CallLegInput => {
      const s = new Date(start);
      return { accountId: t.accountId, direction: 'outbound', userId: ida.id, from: me, to, routeClass: null, metering, startedAt: s, answeredAt: s, endedAt: new Date(s.getTime() + seconds * 1000), result: 'answered', ...extra };
    };
    // June 2025 (UTC, at noon so every time zone sees the same day)
    for (const leg of [
      out('2025-06-02T12:00:00Z', pub('+4915123456789'), 'national', 600, { routeClass: 'public_national' }),
      out('2025-06-06T12:00:00Z', pub('+43123456789'), 'international', 90, { routeClass: 'public_international' }),
      out('2025-06-07T12:00:00Z', pub('+33123456789'), 'international', 30, { routeClass: 'public_international' }),
      { ...out('2025-06-09T12:00:00Z', carlParty, 'on_net_own', 200, { routeClass: 'own_extension' }), direction: 'internal' as const },
      out('2025-06-10T12:00:00Z', pub('+4917612345678'), 'on_net_own', 180, { officeAnywhereLeg: true }),
      { ...out('2025-06-11T12:00:00Z', pub(null), 'none', 100), direction: 'inbound' as const, from: pub(null), to: me },
    ]) await recordCall(h.services, [leg]);
    // May 2025: enough calls for a second page (the SIP service's batch path)
    const may = Array.from({ length: 55 }, (_, i) => ({ interactionId: randomUUID(), legs: [out(new Date(Date.UTC(2025, 4, 1 + (i % 28), 9, i)), pub('+4930901820'), 'national', 60)] }));
    assert.deepEqual((await recordCalls(h.services, may)).refused, []);
    // and one call of this month, a minute ago
    const monthStart = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1);
    await recordCall(h.services, [out(new Date(Math.max(Date.now() - 120_000, monthStart)), pub('+4915111222333'), 'national', 61, { routeClass: 'public_national' })]);

    // ---- the call log: newest first, 50 at a time
    const page = await p.openAs(t.adminToken, '/call-log');
    await page.getByRole('heading', { name: 'Call log', level: 1 }).waitFor();
    await waitRows(page, 50);
    await eventually(() => bodyRows(page).first().innerText(), /\+4915111222333/, 'the newest call comes first');
    await page.getByRole('button', { name: 'Load more' }).click();
    await waitRows(page, 62);
    await eventually(() => page.getByRole('button', { name: 'Load more' }).count(), 0, 'no further page');

    // direction: the one inbound call, from a withheld number: the server refuses a callback and says why
    await page.getByLabel('Direction').selectOption('inbound');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitRows(page, 1);
    await eventually(() => bodyRows(page).first().innerText(), /Withheld[\s\S]*Ida Invoice[\s\S]*Inbound/, 'bodyRows(page).first() innerText');
    await page.getByRole('button', { name: /^Details of the call from Withheld/ }).click();
    const inboundDialog = page.getByRole('dialog', { name: 'Call details' });
    await inboundDialog.getByRole('button', { name: 'Show what to dial' }).click();
    await eventually(() => inboundDialog.getByRole('alert').innerText(), /This call cannot be called back: the other party withheld their number/, 'inboundDialog.getByRole(alert) innerText');
    await inboundDialog.getByRole('button', { name: 'Close' }).click();

    // user: Carl's calls are the internal one he took; its details and what the server says to dial back
    await page.getByLabel('Direction').selectOption('');
    await page.getByLabel('Find a user').fill('Colleague');
    await page.getByLabel('User', { exact: true }).locator('option', { hasText: 'Carl Colleague' }).waitFor({ state: 'attached' });
    await page.getByLabel('User', { exact: true }).selectOption({ label: `Carl Colleague (${carl.extension})` });
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitRows(page, 1);
    await eventually(() => bodyRows(page).first().innerText(), /Ida Invoice[\s\S]*Carl Colleague[\s\S]*Internal[\s\S]*Answered[\s\S]*3:20[\s\S]*On-net \(own account\)[\s\S]*0\.0000/, 'bodyRows(page).first() innerText');
    const internal = (await h.call('GET', `/v1/call-records?userId=${carl.id}`, { token: t.adminToken })).body.items[0];
    const callback = await h.call('GET', `/v1/call-records/${internal.id}/callback`, { token: t.adminToken });
    assert.equal(callback.status, 200, callback.text);
    await page.getByRole('button', { name: /^Details of the call from Ida Invoice to Carl Colleague/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Call details' });
    await eventually(() => dialog.innerText(), new RegExp(`Own extension[\\s\\S]*${internal.interactionId}`), 'dialog innerText');
    await dialog.getByRole('button', { name: 'Show what to dial' }).click();
    await eventually(() => dialog.locator('.dial').innerText(), callback.body.dial, 'dialog.locator(.dial) innerText');
    await eventually(() => dialog.getByRole('status').innerText(), new RegExp(callback.body.explanation.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'dialog.getByRole(status) innerText');
    await dialog.getByRole('button', { name: 'Close' }).click();

    // number: either party's, typed in the national form; something that is no number is refused next to the field
    await page.getByRole('button', { name: 'Clear' }).click();
    await waitRows(page, 50);
    const numberInput = page.getByLabel('Number', { exact: true });
    await numberInput.fill('0151 11222333');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitRows(page, 1);
    await eventually(() => bodyRows(page).first().innerText(), /\+4915111222333/, 'the one call with that number');
    await numberInput.fill('12ab');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const numberField = page.locator('.field', { has: numberInput });
    await eventually(() => numberField.getByRole('alert').innerText(), /"12ab" is not a valid phone number/, 'the refusal next to Number');

    // dates: June 2025 has the six calls; a range that ends before it starts is the server's refusal, next to "To"
    await page.getByRole('button', { name: 'Clear' }).click();
    await waitRows(page, 50);
    await page.getByLabel('From (date)').fill('2025-06-01');
    await page.getByLabel('To (date, inclusive)').fill('2025-06-30');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitRows(page, 6);
    await eventually(() => bodyRows(page).nth(0).innerText(), /Withheld/, 'newest first: June 11 on top');
    await eventually(() => bodyRows(page).nth(5).innerText(), /\+4915123456789[\s\S]*10:00[\s\S]*National[\s\S]*0\.9100/, 'June 2, 10 minutes: 0.0100 + 10 × 0.0900');
    await eventually(() => bodyRows(page).nth(3).innerText(), /\+33123456789[\s\S]*Unrated/, 'bodyRows(page).nth(3) innerText');
    await eventually(() => bodyRows(page).nth(1).innerText(), /\+4917612345678[\s\S]*National[\s\S]*Office Anywhere[\s\S]*0\.2400/, 'bodyRows(page).nth(1) innerText');
    await shot(page, 'call-log');
    await page.getByLabel('From (date)').fill('2025-06-05');
    await page.getByLabel('To (date, inclusive)').fill('2025-06-01');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const toField = page.locator('.field', { has: page.getByLabel('To (date, inclusive)') });
    await toField.getByRole('alert').waitFor();
    await eventually(() => toField.getByRole('alert').innerText(), /"to" must be later than "from"/, 'toField.getByRole(alert) innerText');
    p.assertNoConsoleErrors(page);

    // ---- the invoice: this month by default (UTC), then an empty month, then June 2025 as the server totals it
    const thisMonth = new Date().toISOString().slice(0, 7);
    const now = (await h.call('GET', `/v1/invoices/${thisMonth}`, { token: t.adminToken })).body;
    const inv = await p.openAs(t.adminToken, '/invoices');
    await inv.getByRole('heading', { name: 'Invoices', level: 1 }).waitFor();
    await eventually(() => inv.getByLabel('Month').inputValue(), thisMonth, 'inv.getByLabel(Month) inputValue');
    await inv.locator('table.invoice').waitFor();
    await eventually(() => inv.locator('table.invoice').innerText(), /Public network, by destination[\s\S]*National\s+Germany mobile\s+1\s+2\s+0\.1900/, 'inv.locator(table.invoice) innerText');
    await eventually(() => inv.locator('table.invoice tfoot').innerText(), new RegExp(`Total\\s+1\\s+2\\s+${money(now.totals.cost)}`), 'inv.locator(table.invoice tfoot) innerText');
    await inv.getByLabel('Month').fill('2024-02');
    await inv.getByText('No usage in February 2024').waitFor();
    await eventually(() => inv.locator('table.invoice').count(), 0, 'inv.locator(table.invoice) count');
    await inv.getByLabel('Month').fill('2025-06');
    await inv.getByRole('heading', { name: /Invoice for June 2025/ }).waitFor();
    await inv.locator('table.invoice').waitFor();
    const june = (await h.call('GET', '/v1/invoices/2025-06', { token: t.adminToken })).body;
    assert.equal(june.totals.cost, 9100 + 850 + 2400);
    const body = await inv.locator('table.invoice').innerText();
    assert.match(body, /On-net calls \(free\)\s+On-net \(own account\)\s+on-net\s+1\s+4\s+0\.0000/);
    assert.match(body, /Public network, by destination[\s\S]*National\s+Germany mobile\s+1\s+10\s+0\.9100[\s\S]*International\s+Austria\s+1\s+2\s+0\.0850[\s\S]*International\s+FR\s+1\s+1\s+0\.0000\s+1/);
    assert.match(body, /Office Anywhere legs \(toll\)\s+National\s+Germany mobile\s+1\s+3\s+0\.2400/);
    assert.match(body, new RegExp(`Total\\s+${june.totals.calls}\\s+${june.totals.minutes}\\s+${money(june.totals.cost)}\\s+${june.unrated}`));
    assert.equal(june.lines.length, 5);
    await eventually(() => inv.getByRole('group', { name: 'Totals' }).innerText(), /Total\s+1\.2350[\s\S]*Calls\s+5/, 'inv.getByRole(group, { name: Totals }) innerText');
    await eventually(() => inv.locator('.invoice-notes').innerText(), /Unrated: 1 call/, 'inv.locator(.invoice-notes) innerText');
    await shot(inv, 'invoices');
    p.assertNoConsoleErrors(inv);

    // ---- the audit log: a change with a password in it, shown with the password redacted
    const admin = (await h.call('GET', `/v1/users/${t.adminId}`, { token: t.adminToken })).body;
    const change = await h.call('PATCH', `/v1/users/${ida.id}`, { token: t.adminToken, body: { lastName: 'Renamed', password: 'a brand new password 9' } });
    assert.equal(change.status, 200, change.text);
    const audit = await p.openAs(t.adminToken, '/audit');
    await audit.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await bodyRows(audit).first().getByText(`${admin.firstName} ${admin.lastName}`).waitFor();
    await eventually(() => bodyRows(audit).first().innerText(), new RegExp(`${admin.firstName} ${admin.lastName}\\s+user\\.update\\s+user\\s+Ida Renamed`), 'bodyRows(audit).first() innerText');
    await shot(audit, 'audit');
    await audit.getByLabel('Action').fill('user.update');
    await audit.getByRole('button', { name: 'Apply filters' }).click();
    await waitRows(audit, 1);
    await audit.getByRole('button', { name: /^Details of user\.update/ }).click();
    const entry = audit.getByRole('dialog', { name: 'Audit entry: user.update' });
    const before = await entry.getByRole('region', { name: 'Before' }).innerText();
    const after = await entry.getByRole('region', { name: 'After' }).innerText();
    assert.match(before, /"lastName": "Invoice"/);
    assert.match(after, /"lastName": "Renamed"/);
    assert.match(after, /"password": "\[redacted\]"/);
    const changed = entry.getByRole('table', { name: 'Changed fields' });
    await eventually(() => changed.getByRole('row', { name: /lastName/ }).innerText(), /lastName\s+"Invoice"\s+"Renamed"/, 'changed.getByRole(row, { name: /lastName/ }) innerText');
    await eventually(() => changed.getByRole('row', { name: /password/ }).first().innerText(), /password\s+—\s+"\[redacted\]"/, 'changed.getByRole(row, { name: /password/ }).first() innerText');
    assert.ok(!(await audit.content()).includes('a brand new password 9'), 'the password is nowhere on the page');
    // every change of the same request: the one entry again, now by request id
    await entry.getByRole('button', { name: 'Every change of this request' }).click();
    await audit.waitForURL(/requestId=/);
    await waitRows(audit, 1);
    const requestId = new URL(audit.url()).searchParams.get('requestId');
    const byRequest = await h.call('GET', `/v1/audit?requestId=${encodeURIComponent(requestId!)}`, { token: t.adminToken });
    assert.deepEqual(byRequest.body.items.map((e: { action: string }) => e.action), ['user.update']);
    await eventually(() => audit.getByLabel('Request id').inputValue(), requestId, 'audit.getByLabel(Request id) inputValue');
    // who changed it: an actor's name filters to their changes; nothing by Carl; the admin's one user.update
    await audit.getByRole('button', { name: 'Clear' }).click();
    const changedBy = audit.getByLabel('Changed by', { exact: true });
    await bodyRows(audit).first().getByRole('button', { name: `Changes by ${admin.firstName} ${admin.lastName}` }).click();
    await audit.waitForURL(new RegExp(`actorId=${t.adminId}`));
    await eventually(() => changedBy.inputValue(), t.adminId, 'the picker shows the actor');
    await audit.getByRole('button', { name: 'Clear' }).click();
    await audit.getByLabel('Find a user').fill('Colleague');
    await changedBy.locator('option', { hasText: 'Carl Colleague' }).waitFor({ state: 'attached' });
    await changedBy.selectOption({ label: `Carl Colleague (${carl.extension})` });
    await audit.getByRole('button', { name: 'Apply filters' }).click();
    await audit.getByText('No audit entries match these filters.').waitFor();
    await audit.getByLabel('Find a user').fill(admin.lastName);
    await changedBy.locator('option', { hasText: `${admin.firstName} ${admin.lastName}` }).waitFor({ state: 'attached' });
    await changedBy.selectOption(t.adminId);
    await audit.getByLabel('Action').fill('user.update');
    await audit.getByRole('button', { name: 'Apply filters' }).click();
    await waitRows(audit, 1);
    await eventually(() => bodyRows(audit).first().innerText(), /user\.update\s+user\s+Ida Renamed/, 'the admin changed Ida');
    // dates: nothing before 2021; a range that ends before it starts is refused next to "To"
    await audit.getByRole('button', { name: 'Clear' }).click();
    await audit.getByLabel('To (date, inclusive)').fill('2020-12-31');
    await audit.getByRole('button', { name: 'Apply filters' }).click();
    await audit.getByText('No audit entries match these filters.').waitFor();
    await audit.getByLabel('From (date)').fill('2021-01-05');
    await audit.getByRole('button', { name: 'Apply filters' }).click();
    const auditTo = audit.locator('.field', { has: audit.getByLabel('To (date, inclusive)') });
    await eventually(() => auditTo.getByRole('alert').innerText(), /"to" must be later than "from"/, 'the refusal next to To');
    // a filter that matches nothing says so
    await audit.getByRole('button', { name: 'Clear' }).click();
    await audit.getByLabel('Action').fill('no.such.action');
    await audit.getByRole('button', { name: 'Apply filters' }).click();
    await audit.getByText('No audit entries match these filters.').waitFor();
    p.assertNoConsoleErrors(audit);
  } finally {
    await p.close();
  }
});
