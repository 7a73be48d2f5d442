/**
 * The users screens in a real browser (spec §2, §7, §8): the list (search as you type, site filter,
 * Load more), adding a user through the form (duplicate e-mail and taken extension shown next to the
 * field with nothing created, the account's user limit above the buttons), deleting after confirmation
 * (the last account admin refused in the dialog); the user detail page: editing, the
 * alternate phones (add, deactivate, delete), Office Anywhere enablement and the prerequisites check
 * going from failing to passing, and the user's outbound call rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { activeNumbers, makeAccount, makeUser, nextNumber } from '../../support/harness.ts';
import { eventually, requireBrowser, shot, startPortal } from '../support/portal.ts';

const skip = requireBrowser();

/** The error the form shows under a field (its aria-describedby error), once the field is marked invalid. */
async function errorUnder(field: Locator): Promise<string> {
  await field.and(field.page().locator('[aria-invalid="true"]')).waitFor();
  const ids = ((await field.getAttribute('aria-describedby')) ?? '').split(' ');
  const id = ids.find((x) => x.endsWith('-error'));
  assert.ok(id, 'the field names its error');
  return field.page().locator(`[id="${id}"]`).innerText();
}

/** The rows of the page's (first) table body. */
const rows = (page: Page): Locator => page.locator('table tbody tr');

/** Waits until the list is settled and its first column shows exactly `names` (in this order, or only the count). */
async function shows(page: Page, names: string[] | number): Promise<void> {
  const read = () => page.evaluate(() => ({
    busy: !!document.querySelector('[aria-busy="true"]'),
    names: [...document.querySelectorAll('table tbody tr td:first-child')].map((td) => td.textContent?.trim() ?? ''),
  }));
  const ok = (r: { busy: boolean; names: string[] }) => !r.busy && (typeof names === 'number' ? r.names.length === names : JSON.stringify(r.names) === JSON.stringify(names));
  const until = Date.now() + 10_000;
  let last = await read();
  while (!ok(last) && Date.now() < until) {
    await page.waitForTimeout(50);
    last = await read();
  }
  if (typeof names === 'number') assert.equal(last.names.length, names, `rows: ${last.names.join(', ')}`);
  else assert.deepEqual(last.names, names);
}

test('users: add through the form with its errors, search as you type, site filter, load more, delete', { skip }, async () => {
  const p = await startPortal();
  try {
    const t = await makeAccount(p.h, { name: 'Acme People' });
    const branch = await p.h.call('POST', '/v1/sites', { token: t.adminToken, body: { name: 'Branch office', timeZone: 'Europe/Berlin', mainNumber: nextNumber() } });
    assert.equal(branch.status, 201, branch.text);
    const existing = await makeUser(p.h, t, { firstName: 'Existing', lastName: 'Person', extension: '2100' });
    const admin = (await p.h.call('GET', `/v1/users/${t.adminId}`, { token: t.adminToken })).body;
    const adminName = `${admin.firstName} ${admin.lastName}`;

    const page = await p.openAs(t.adminToken, '/users');
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'Existing Person' }).waitFor();
    const existingRow = rows(page).filter({ hasText: 'Existing Person' });
    await eventually(() => existingRow.innerText(), /2100/, 'existingRow innerText');
    await eventually(() => existingRow.innerText(), /Head office/, 'existingRow innerText');

    // add: a taken e-mail, then a taken extension, each next to its field, nothing created
    await page.getByRole('button', { name: 'Add user' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add user' });
    await dialog.getByLabel('First name').fill('Ada');
    await dialog.getByLabel('Last name').fill('Lovelace');
    await dialog.getByLabel('E-mail').fill(existing.email);
    await dialog.getByLabel('Extension').fill('2100');
    await dialog.getByLabel('Site').selectOption({ label: 'Branch office' });
    await dialog.getByLabel('Role').selectOption({ label: 'Site admin' });
    await dialog.getByRole('button', { name: 'Add user' }).click();
    assert.match(await errorUnder(dialog.getByLabel('E-mail')), /already in use/);

    const email = `ada.lovelace@${t.domain}`;
    await dialog.getByLabel('E-mail').fill(email);
    await dialog.getByRole('button', { name: 'Add user' }).click();
    assert.equal(await errorUnder(dialog.getByLabel('Extension')), 'Extension 2100 is already used by a user in this account');
    assert.equal(await dialog.getByLabel('E-mail').getAttribute('aria-invalid'), 'false', 'the e-mail is no longer marked');
    const none = await p.h.call('GET', `/v1/users?q=${encodeURIComponent('Lovelace')}`, { token: t.adminToken });
    assert.deepEqual(none.body.items, [], 'nothing was created');

    await dialog.getByLabel('Extension').fill('2101');
    await dialog.getByLabel('Password').fill('a good password 1');
    await dialog.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('status').filter({ hasText: 'Ada Lovelace was added.' }).waitFor();
    assert.equal(await dialog.isVisible(), false);
    await page.getByRole('link', { name: 'Ada Lovelace' }).waitFor();
    const created = await p.h.call('GET', `/v1/users?q=${encodeURIComponent('Lovelace')}`, { token: t.adminToken });
    assert.equal(created.body.items.length, 1);
    const ada = created.body.items[0];
    assert.deepEqual(
      { firstName: ada.firstName, lastName: ada.lastName, email: ada.email, extension: ada.extension, siteId: ada.siteId, role: ada.role, hasPassword: ada.hasPassword },
      { firstName: 'Ada', lastName: 'Lovelace', email, extension: '2101', siteId: branch.body.id, role: 'site_admin', hasPassword: true },
    );
    const adaRow = rows(page).filter({ hasText: 'Ada Lovelace' });
    await eventually(() => adaRow.innerText(), /Branch office/, 'adaRow innerText');
    await eventually(() => adaRow.innerText(), /Site admin/, 'adaRow innerText');

    // search as you type (no Enter): name, then extension
    const search = page.getByLabel('Search');
    await shows(page, ['Ada Lovelace', adminName, 'Existing Person']);
    await search.pressSequentially('lovel', { delay: 30 });
    await shows(page, ['Ada Lovelace']);
    await search.fill('2100');
    await shows(page, ['Existing Person']);
    await search.fill('nobody-matches-this');
    await page.getByText('No user matches this search.').waitFor();
    await search.fill('');
    await shows(page, ['Ada Lovelace', adminName, 'Existing Person']);

    // filter by site
    await page.getByLabel('Site').selectOption({ label: 'Branch office' });
    await shows(page, ['Ada Lovelace']);
    assert.match(page.url(), new RegExp(`site=${branch.body.id}`));
    await page.getByLabel('Site').selectOption({ label: 'All sites' });
    await shows(page, ['Ada Lovelace', adminName, 'Existing Person']);

    // paged: 50 a page, Load more brings the rest
    for (let i = 0; i < 50; i++) {
      const r = await p.h.call('POST', '/v1/users', { token: t.adminToken, body: { siteId: t.siteId, firstName: 'Bulk', lastName: `Zz${String(i).padStart(2, '0')}`, email: `bulk${i}@${t.domain}` } });
      assert.equal(r.status, 201, r.text);
    }
    await page.reload();
    await shows(page, 50);
    await shot(page, 'users');
    await page.getByRole('button', { name: 'Load more' }).click();
    await shows(page, 53);
    await eventually(() => page.getByRole('button', { name: 'Load more' }).count(), 0, 'no further page');
    await eventually(() => rows(page).last().innerText(), /Bulk Zz49/, 'rows(page).last() innerText');

    // delete with confirmation: cancel keeps the user, confirm removes them
    await page.getByRole('button', { name: 'Delete Existing Person' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete user' });
    await eventually(() => confirm.innerText(), /Extension 2100 becomes free/, 'confirm innerText');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await p.h.call('GET', `/v1/users/${existing.id}`, { token: t.adminToken })).status, 200);
    await page.getByRole('button', { name: 'Delete Existing Person' }).click();
    await confirm.getByRole('button', { name: 'Delete user' }).click();
    await page.getByRole('status').filter({ hasText: 'Existing Person was deleted.' }).waitFor();
    await eventually(() => page.getByRole('link', { name: 'Existing Person' }).count(), 0, 'the list reloads without the deleted user');
    assert.equal((await p.h.call('GET', `/v1/users/${existing.id}`, { token: t.adminToken })).status, 404);

    // the last account admin cannot be deleted: the server's sentence in the dialog, nothing changed
    await page.getByLabel('Search').fill('Admin');
    await shows(page, [adminName]);
    await page.getByRole('button', { name: `Delete ${adminName}` }).click();
    await confirm.getByRole('button', { name: 'Delete user' }).click();
    await eventually(() => confirm.getByRole('alert').innerText(), /last account admin/, 'confirm.getByRole(alert) innerText');
    assert.equal((await p.h.call('GET', `/v1/users/${t.adminId}`, { token: t.adminToken })).status, 200);
    await confirm.getByRole('button', { name: 'Cancel' }).click();

    // the account's user limit (10,000 by default; lowered here to the current count) is a form error
    p.h.services.config.maxUsersPerAccount = 52;
    await page.getByRole('button', { name: 'Add user' }).click();
    await dialog.getByLabel('First name').fill('One');
    await dialog.getByLabel('Last name').fill('Toomany');
    await dialog.getByLabel('E-mail').fill(`one.toomany@${t.domain}`);
    await dialog.getByRole('button', { name: 'Add user' }).click();
    await eventually(() => dialog.getByRole('alert').innerText(), 'The account has 52 users and its limit is 52; no more users can be added', 'dialog.getByRole(alert) innerText');
    assert.deepEqual((await p.h.call('GET', '/v1/users?q=Toomany', { token: t.adminToken })).body.items, [], 'nothing was created');
    p.assertNoConsoleErrors(page);
  } finally {
    await p.close();
  }
});

test('user detail: edit, alternate phones, Office Anywhere prerequisites from failing to passing, call rule', { skip }, async () => {
  const p = await startPortal();
  try {
    const t = await makeAccount(p.h, { name: 'Acme Detail' });
    const u = await makeUser(p.h, t, { firstName: 'Grace', lastName: 'Hopper', extension: '2200' });
    const page = await p.openAs(t.adminToken, '/users');
    await page.getByRole('link', { name: 'Grace Hopper' }).click();
    await page.getByRole('heading', { name: 'Grace Hopper', level: 1 }).waitFor();
    assert.match(page.url(), new RegExp(`/users/${u.id}$`));

    const check = (name: string) => page.getByRole('list', { name: 'Office Anywhere prerequisites' }).getByRole('listitem').filter({ hasText: name });
    // every prerequisite fails at first, each with the server's sentence
    await eventually(() => check('Portal number').innerText(), /Not met[\s\S]*No Office Anywhere portal number serves the site Head office/, 'check(Portal number) innerText');
    await eventually(() => check('User enabled').innerText(), /Not met[\s\S]*not enabled for Office Anywhere/, 'check(User enabled) innerText');
    await eventually(() => check('Active alternate phone').innerText(), /Not met[\s\S]*no alternate phone/, 'check(Active alternate phone) innerText');
    await page.getByText('Not ready').waitFor();
    await page.getByText('No outbound call rule is assigned to this user.').waitFor();

    // edit: a taken extension is refused next to the field and nothing changes
    const before = (await p.h.call('GET', `/v1/users/${u.id}`, { token: t.adminToken })).body;
    await page.getByLabel('First name').fill('Amazing Grace');
    await page.getByLabel('Extension').fill('100');
    await page.getByRole('button', { name: 'Save changes' }).click();
    assert.equal(await errorUnder(page.getByLabel('Extension')), 'Extension 100 is already used by a user in this account');
    assert.deepEqual((await p.h.call('GET', `/v1/users/${u.id}`, { token: t.adminToken })).body, before, 'nothing changed');

    // then a good edit, made a site admin of the head office
    await page.getByLabel('Extension').fill('2345');
    await page.getByLabel('E-mail').fill(`grace.hopper@${t.domain}`);
    await page.getByLabel('Role').selectOption({ label: 'Site admin' });
    await page.getByRole('group', { name: 'Sites this site admin manages' }).getByLabel('Head office').check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('status').filter({ hasText: 'The user was saved.' }).waitFor();
    await page.getByRole('heading', { name: 'Amazing Grace Hopper', level: 1 }).waitFor();
    const edited = (await p.h.call('GET', `/v1/users/${u.id}`, { token: t.adminToken })).body;
    assert.deepEqual(
      { firstName: edited.firstName, email: edited.email, extension: edited.extension, role: edited.role, adminSiteIds: edited.adminSiteIds },
      { firstName: 'Amazing Grace', email: `grace.hopper@${t.domain}`, extension: '2345', role: 'site_admin', adminSiteIds: [t.siteId] },
    );

    // alternate phones: an active mobile, an inactive landline
    await page.getByLabel('Alternate phone number').fill('+49 151 23456789');
    await page.getByLabel('Label').fill('Mobile');
    await page.getByRole('button', { name: 'Add phone' }).click();
    const phones = page.getByRole('table', { name: 'Alternate phones' });
    const mobile = phones.getByRole('row').filter({ hasText: '+4915123456789' });
    await mobile.waitFor();
    await eventually(() => mobile.innerText(), /Mobile[\s\S]*Active/, 'mobile innerText');
    await check('Active alternate phone').filter({ hasText: 'Passed' }).waitFor();
    await eventually(() => check('Active alternate phone').innerText(), /1 active alternate phone: \+4915123456789/, 'check(Active alternate phone) innerText');

    await page.getByLabel('Alternate phone number').fill('+494012345678');
    await page.getByLabel('Label').fill('Home');
    await page.getByLabel('Active', { exact: true }).uncheck();
    await page.getByRole('button', { name: 'Add phone' }).click();
    const landline = phones.getByRole('row').filter({ hasText: '+494012345678' });
    await landline.waitFor();
    await eventually(() => landline.innerText(), /Landline[\s\S]*Home[\s\S]*Inactive/, 'landline innerText');

    // a number of the account itself is refused next to the field
    await page.getByLabel('Alternate phone number').fill(t.mainNumber);
    await page.getByRole('button', { name: 'Add phone' }).click();
    assert.match(await errorUnder(page.getByLabel('Alternate phone number')), /one of this account's own numbers/);

    // deactivate the mobile: the prerequisite fails again
    await page.getByRole('button', { name: 'Deactivate +4915123456789' }).click();
    await page.getByRole('button', { name: 'Activate +4915123456789' }).waitFor();
    await eventually(() => mobile.innerText(), /Inactive/, 'the mobile reads inactive');
    await check('Active alternate phone').filter({ hasText: 'Not met' }).waitFor();
    await eventually(() => check('Active alternate phone').innerText(), /None of the user's 2 alternate phones is active/, 'check(Active alternate phone) innerText');
    const alts = (await p.h.call('GET', `/v1/users/${u.id}/alternate-phones`, { token: t.adminToken })).body.items;
    assert.deepEqual(alts.map((a: { number: string; kind: string; label: string; active: boolean }) => [a.number, a.kind, a.label, a.active]),
      [['+4915123456789', 'mobile', 'Mobile', false], ['+494012345678', 'landline', 'Home', false]]);

    // enable Office Anywhere for the user
    await page.getByLabel('Enabled for Office Anywhere').check();
    await check('User enabled').filter({ hasText: 'Passed' }).waitFor();
    assert.equal((await p.h.call('GET', `/v1/users/${u.id}`, { token: t.adminToken })).body.officeAnywhereEnabled, true);

    // a portal number for the account (through the API), the mobile active again: ready
    const [n] = await activeNumbers(p.h, t, 1);
    const portal = await p.h.call('POST', '/v1/office-anywhere/portals', { token: t.adminToken, body: { numberId: n!.id, scope: 'account' } });
    assert.equal(portal.status, 201, portal.text);
    await page.reload();
    await check('Portal number').filter({ hasText: 'Passed' }).waitFor();
    await eventually(() => check('Portal number').innerText(), new RegExp(`Portal number \\${n!.e164} serves the site Head office`), 'check(Portal number) innerText');
    await page.getByRole('button', { name: 'Activate +4915123456789' }).click();
    await check('Active alternate phone').filter({ hasText: 'Passed' }).waitFor();
    await page.getByText('Ready', { exact: true }).waitFor();
    const ready = (await p.h.call('GET', `/v1/users/${u.id}/office-anywhere`, { token: t.adminToken })).body;
    assert.equal(ready.ready, true);

    // delete the landline after confirmation
    await page.getByRole('button', { name: 'Delete +494012345678' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete alternate phone' });
    await confirm.getByRole('button', { name: 'Remove phone' }).click();
    await landline.waitFor({ state: 'detached' });
    assert.deepEqual((await p.h.call('GET', `/v1/users/${u.id}/alternate-phones`, { token: t.adminToken })).body.items.map((a: { number: string }) => a.number), ['+4915123456789']);

    // the outbound call rule the user has (set up through the API), with a link to the rules page
    const rule = await p.h.call('POST', '/v1/call-rules', { token: t.adminToken, body: { name: 'National only', dialPlan: 'national' } });
    assert.equal(rule.status, 201, rule.text);
    assert.equal((await p.h.call('PUT', `/v1/call-rules/${rule.body.id}/users`, { token: t.adminToken, body: { userIds: [u.id] } })).status, 200);
    await page.reload();
    const ruleCard = page.getByRole('region', { name: 'Outbound call rule' });
    await ruleCard.getByText('National only').waitFor();
    await eventually(() => ruleCard.innerText(), /Dial plan\s*National/, 'ruleCard innerText');
    assert.equal(await ruleCard.getByRole('link', { name: 'Outbound call rules' }).getAttribute('href'), '/call-rules');
    await shot(page, 'user-detail');
    p.assertNoConsoleErrors(page);
  } finally {
    await p.close();
  }
});
