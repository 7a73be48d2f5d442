/**
 * The directory screen in a real browser (spec §8 "Directory"): the own account by default, the full
 * directory across active federations, chosen offices; each contact's Office and the federated note;
 * search by name, e-mail, extension and number as the admin types, with what a federation hides
 * (a partner's extensions) neither shown nor searchable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { activeNumbers, makeAccount, makeUser, type TenantFixture } from '../../support/harness.ts';
import { distinctAdminExtensions, federate } from '../../support/federation.ts';
import { eventually, requireBrowser, shot, startPortal, type Portal } from '../support/portal.ts';

const skip = requireBrowser();

/** Waits until the directory is settled and its Name column shows exactly `names`, in this order. */
async function shows(page: Page, names: string[]): Promise<void> {
  const read = () => page.evaluate(() => ({
    busy: !!document.querySelector('[aria-busy="true"]'),
    names: [...document.querySelectorAll('table tbody tr td:first-child')].map((td) => td.textContent?.trim() ?? ''),
  }));
  const until = Date.now() + 10_000;
  let last = await read();
  while ((last.busy || JSON.stringify(last.names) !== JSON.stringify(names)) && Date.now() < until) {
    await page.waitForTimeout(50);
    last = await read();
  }
  assert.deepEqual(last.names, names);
}

/** The names the API answers, in its order (every page). */
async function apiNames(p: Portal, t: TenantFixture, query: Record<string, string>): Promise<string[]> {
  const qs = new URLSearchParams({ ...query, limit: '100' }).toString();
  const r = await p.h.call('GET', `/v1/directory?${qs}`, { token: t.adminToken });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.nextCursor, null);
  return r.body.items.map((e: { firstName: string; lastName: string }) => `${e.firstName} ${e.lastName}`);
}

test('directory: own account by default, full directory, chosen offices, Office and federated note, search as you type', { skip }, async () => {
  const p = await startPortal();
  try {
    const a = await makeAccount(p.h, { name: 'Alpha Works' });
    const b = await makeAccount(p.h, { name: 'Bravo Partners' });
    const c = await makeAccount(p.h, { name: 'Charlie Linked' });
    await distinctAdminExtensions(p.h, [a, b, c]);
    const ada = await makeUser(p.h, a, { firstName: 'Ada', lastName: 'Alpha', extension: '2300', email: `ada.alpha@${a.domain}` });
    await makeUser(p.h, b, { firstName: 'Bea', lastName: 'Bravo', extension: '2400', email: `bea.bravo@${b.domain}` });
    await makeUser(p.h, c, { firstName: 'Cy', lastName: 'Charlie', extension: '2500', email: `cy.charlie@${c.domain}` });
    const [num] = await activeNumbers(p.h, a, 1);
    assert.equal((await p.h.call('PUT', `/v1/numbers/${num!.id}/assignment`, { token: a.adminToken, body: { userId: ada.id } })).status, 200);
    // partners (names and numbers, no extensions) and a linked account (extensions shared)
    await federate(p.h, [a, b], { name: 'Alpha and Bravo partnership', preset: 'federated' });
    await federate(p.h, [a, c], { name: 'Alpha group', preset: 'linked' });
    const adminOf = async (t: TenantFixture) => {
      const u = (await p.h.call('GET', `/v1/users/${t.adminId}`, { token: t.adminToken })).body;
      return `${u.firstName} ${u.lastName}`;
    };
    const [adminA, adminB] = [await adminOf(a), await adminOf(b)];

    const page = await p.openAs(a.adminToken, '/directory');
    await page.getByRole('heading', { name: 'Directory', level: 1 }).waitFor();
    const row = (name: string) => page.getByRole('row').filter({ has: page.getByRole('cell', { name, exact: true }) });

    // default: the own account only, each contact with its Office, none federated
    await shows(page, ['Ada Alpha', adminA]);
    assert.deepEqual(await apiNames(p, a, {}), ['Ada Alpha', adminA]);
    await eventually(() => row('Ada Alpha').innerText(), new RegExp(`Alpha Works\\s+2300\\s+\\${num!.e164}\\s+ada\\.alpha@`), 'row(Ada Alpha) innerText');
    await eventually(() => page.locator('table').getByText('Federated').count(), 0, 'no federated contact in the own account');

    // the full directory: every federated office, in the API's order
    await page.getByLabel('Show').selectOption({ label: 'Full directory (all federated offices)' });
    const everyone = await apiNames(p, a, { scope: 'all' });
    assert.equal(everyone.length, 6);
    await shows(page, everyone);
    const bea = await row('Bea Bravo').innerText();
    assert.match(bea, /Bravo Partners\s+Federated\s+Another account, shared through Alpha and Bravo partnership/);
    assert.doesNotMatch(bea, /2400/, "a partner's extension is not shown");
    await eventually(() => row('Cy Charlie').innerText(), /Charlie Linked\s+Federated\s+Another account, shared through Alpha group\s+2500/, 'row(Cy Charlie) innerText');
    assert.doesNotMatch(await row('Ada Alpha').innerText(), /Federated/);
    await shot(page, 'directory');

    // chosen offices: none ticked yet, then Bravo, then Bravo and the own account
    await page.getByLabel('Show').selectOption({ label: 'Chosen offices' });
    await page.getByText('Tick one or more offices to search them.').waitFor();
    const offices = page.getByRole('group', { name: 'Offices' });
    assert.deepEqual(await offices.getByRole('checkbox').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).labels?.[0]?.textContent)),
      ['Alpha Works (your account)', 'Bravo Partners (federated)', 'Charlie Linked (federated)']);
    await offices.getByLabel('Bravo Partners (federated)').check();
    await shows(page, ['Bea Bravo', adminB]);
    assert.deepEqual(await apiNames(p, a, { scope: 'offices', offices: b.accountId }), ['Bea Bravo', adminB]);
    await offices.getByLabel('Alpha Works (your account)').check();
    await shows(page, await apiNames(p, a, { scope: 'offices', offices: `${a.accountId},${b.accountId}` }));
    await eventually(() => page.locator('table tbody tr').count(), 4, 'page.locator(table tbody tr) count');

    // search as the admin types (no Enter), over the full directory
    await page.getByLabel('Show').selectOption({ label: 'Full directory (all federated offices)' });
    await shows(page, everyone);
    const search = page.getByLabel('Search');
    await search.pressSequentially('bea', { delay: 40 });
    await shows(page, ['Bea Bravo']);
    await search.fill('cy.charlie');
    await shows(page, ['Cy Charlie']);
    await search.fill('2500');
    await shows(page, ['Cy Charlie']);
    await search.fill(num!.e164.slice(-5));
    await shows(page, ['Ada Alpha']);
    // a partner's hidden extension cannot be found either
    await search.fill('2400');
    await page.getByText('No contact matches this search.').waitFor();
    await search.fill('');
    await shows(page, everyone);
    p.assertNoConsoleErrors(page);
  } finally {
    await p.close();
  }
});
