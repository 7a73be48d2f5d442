/**
 * The Numbers screen in a real browser (spec §3, §5, §6): the site picker, the list and its search,
 * the row actions (assign, display name, handset log in with the "handset taken" refusal, reset PIN,
 * details), and live updates when another admin (or a handset) changes a number.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { buildDigestAuthorization, parseDigestChallenge } from '../../../src/domain/digest.ts';
import { accountSnapshot, activeNumbers, allocate, makeAccount, makeUser, type Harness } from '../../support/harness.ts';
import { eventually, requireBrowser, shot, startPortal } from '../support/portal.ts';

const skip = requireBrowser();

/** The table row of a number. */
const row = (page: Page, e164: string) => page.getByRole('row').filter({ has: page.getByText(e164, { exact: true }) });

async function rowAction(page: Page, e164: string, action: string) {
  await row(page, e164).getByLabel(`Actions for ${e164}`).click();
  await row(page, e164).getByRole('button', { name: action }).click();
}

/** What a handset does when it fetches its provisioning: answers the digest challenge. */
async function provision(h: Harness, phoneId: string, username: string, password: string) {
  const url = `/v1/provisioning/${phoneId}`;
  const first = await h.call('GET', url);
  const raw = first.headers['www-authenticate'];
  const ch = ((Array.isArray(raw) ? raw : [raw]) as string[]).map((c) => parseDigestChallenge(c)!).find((c) => c.algorithm === 'SHA-256')!;
  const r = await h.call('GET', url, { headers: { authorization: buildDigestAuthorization(ch, { method: 'GET', uri: url, username, password }) } });
  assert.equal(r.status, 200, r.text);
}

test('numbers: site picker, search, assign, display name, handset taken, reset PIN, details, live updates', { skip }, async () => {
  const p = await startPortal();
  try {
    const { h } = p;
    const t = await makeAccount(h, { name: 'Numbers Co' });
    // a second site that sorts first: the picker lists alphabetically and opens on it
    const annex = await h.call('POST', '/v1/sites', { token: t.adminToken, body: { name: 'Berlin Annex', timeZone: 'Europe/Berlin', mainNumber: '+4930912' + String(Date.now()).slice(-5) } });
    assert.equal(annex.status, 201, annex.text);
    const [n1, n2, n3] = await activeNumbers(h, t, 3);
    const [reserved] = await allocate(h, t, 1);
    const ada = await makeUser(h, t, { firstName: 'Ada', lastName: 'Lovelace', extension: '201' });
    const grace = await makeUser(h, t, { firstName: 'Grace', lastName: 'Hopper', extension: '202' });
    const other = await makeUser(h, t, { firstName: 'Otto', lastName: 'Owner', extension: '203' });
    assert.equal((await h.call('PUT', `/v1/numbers/${n3!.id}/assignment`, { token: t.adminToken, body: { userId: other.id } })).status, 200);
    // two handsets: one already has n3 logged in
    const devA = await h.call('POST', '/v1/devices', { token: t.adminToken, body: { siteId: t.siteId, phoneId: '00AA11BB22CC', name: 'Reception desk' } });
    const devB = await h.call('POST', '/v1/devices', { token: t.adminToken, body: { siteId: t.siteId, phoneId: '00AA11BB22DD', name: 'Meeting room' } });
    assert.equal(devA.status, 201, devA.text);
    assert.equal(devB.status, 201, devB.text);
    assert.equal((await h.call('PUT', `/v1/numbers/${n3!.id}/handset`, { token: t.adminToken, body: { phoneId: '00AA11BB22CC' } })).status, 200);
    await provision(h, '00AA11BB22CC', devA.body.credentials.username, devA.body.credentials.password);

    const page = await p.openAs(t.adminToken, '/numbers');
    const site = page.getByLabel('Site');
    await page.getByText('Berlin Annex has no numbers', { exact: false }).or(page.getByRole('table')).first().waitFor();
    assert.deepEqual(await site.locator('option').allTextContents(), ['Berlin Annex', 'Head office']);
    await eventually(() => site.inputValue(), annex.body.id, 'site inputValue');
    await site.selectOption({ label: 'Head office' });
    await row(page, n1!.e164).waitFor();
    await page.getByText('Live', { exact: true }).waitFor();

    // the main number is read-only; a reserved number has no actions; the default PIN shows
    await eventually(() => row(page, t.mainNumber).innerText(), /Main number[\s\S]*Read-only/, 'row(page, t.mainNumber) innerText');
    // the status filter: only the reserved number, then every number again
    const status = page.getByLabel('Status', { exact: true });
    await status.selectOption('reserved');
    await page.waitForFunction((e) => document.querySelectorAll('tbody tr').length === 1 && document.querySelector('tbody')?.textContent?.includes(e), reserved!.e164);
    await status.selectOption('pending');
    await page.getByText('No pending number of Head office.').waitFor();
    await status.selectOption('');
    await row(page, n1!.e164).waitFor();
    // a reserved number offers only activation (after a confirmation)
    await row(page, reserved!.e164).getByRole('button', { name: `Activate ${reserved!.e164}` }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Activate' }).click();
    await row(page, reserved!.e164).getByLabel(`Actions for ${reserved!.e164}`).waitFor();
    assert.equal((await h.call('GET', `/v1/numbers/${reserved!.id}`, { token: t.adminToken })).body.status, 'active');
    const pin1 = (await h.call('GET', `/v1/numbers/${n1!.id}/pin`, { token: t.adminToken })).body.defaultPin as string;
    await eventually(() => row(page, n1!.e164).innerText(), new RegExp(pin1), 'row(page, n1!.e164) innerText');

    // search filters as the admin types: on "assigned to" text, case-insensitively, and on number fragments
    await page.getByLabel('Search').fill('owner');
    await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
    await eventually(() => page.locator('tbody').innerText(), /Otto Owner/, 'page.locator(tbody) innerText');
    await page.getByLabel('Search').fill(n2!.e164.slice(-6));
    await page.waitForFunction((e) => document.querySelector('tbody')?.textContent?.includes(e) && document.querySelectorAll('tbody tr').length === 1, n2!.e164);
    await page.getByLabel('Search').fill('no such thing');
    await page.getByText('No number of Head office matches').waitFor();
    await page.getByLabel('Search').fill('');
    await row(page, n1!.e164).waitFor();

    // assign: only users without a number are offered (Otto has one)
    await rowAction(page, n1!.e164, 'Assign user');
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('User', { exact: true }).locator('option', { hasText: 'Ada Lovelace' }).waitFor({ state: 'attached' });
    const userOptions = await dialog.getByLabel('User', { exact: true }).locator('option').allTextContents();
    assert.ok(userOptions.some((o) => o.startsWith('Ada Lovelace')), userOptions.join('|'));
    assert.ok(!userOptions.some((o) => o.startsWith('Otto Owner')), 'a user with a number is not offered');
    await dialog.getByLabel('User', { exact: true }).selectOption({ label: userOptions.find((o) => o.startsWith('Ada Lovelace'))! });
    await dialog.getByRole('button', { name: 'Assign' }).click();
    await row(page, n1!.e164).getByRole('link', { name: 'Ada Lovelace' }).waitFor();
    assert.equal((await h.call('GET', `/v1/numbers/${n1!.id}`, { token: t.adminToken })).body.userId, ada.id);
    await eventually(() => row(page, n1!.e164).innerText(), /201/, 'row(page, n1!.e164) innerText'); // her extension

    // display name: two lines, shown instead of the user's name; the assignment stays
    await rowAction(page, n1!.e164, 'Display name');
    await dialog.getByLabel('Line 1').fill('Front');
    await dialog.getByLabel('Line 2').fill('Desk');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await row(page, n1!.e164).getByText('Front Desk').waitFor();
    const afterName = (await h.call('GET', `/v1/numbers/${n1!.id}`, { token: t.adminToken })).body;
    assert.deepEqual(afterName.displayName, { line1: 'Front', line2: 'Desk' });
    assert.equal(afterName.userId, ada.id);

    // handset taken: the picker offers the taken handset (marked); choosing it is refused with the
    // server's sentence next to the Phone ID, and nothing changes
    const before = await accountSnapshot(h, t.accountId);
    await rowAction(page, n2!.e164, 'Log into handset');
    const phone = dialog.getByLabel('Phone ID');
    await phone.locator('option', { hasText: '00AA11BB22DD' }).waitFor({ state: 'attached' });
    assert.ok((await phone.locator('option').allTextContents()).some((o) => o.includes(`(has ${n3!.e164})`)));
    await phone.selectOption('00AA11BB22CC');
    await dialog.getByRole('button', { name: 'Log in' }).click();
    const err = dialog.locator('.field-error');
    await err.waitFor();
    await eventually(() => err.innerText(), new RegExp(`already has \\${n3!.e164} logged in`), 'err innerText');
    assert.equal(await phone.getAttribute('aria-invalid'), 'true');
    assert.equal(await accountSnapshot(h, t.accountId), before, 'a refused handset login changes nothing');
    await shot(page, 'numbers-handset-taken');
    // a free handset: the number goes pending until the handset fetches its provisioning …
    await phone.selectOption('00AA11BB22DD');
    await dialog.getByRole('button', { name: 'Log in' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row(page, n2!.e164).getByText('pending', { exact: true }).waitFor();
    await eventually(() => row(page, n2!.e164).innerText(), /00AA11BB22DD/, 'row(page, n2!.e164) innerText');
    // … and turns active on the page by itself (live) when the handset does
    await provision(h, '00AA11BB22DD', devB.body.credentials.username, devB.body.credentials.password);
    await row(page, n2!.e164).getByText('active', { exact: true }).waitFor();

    // reset PIN: Grace's number with a custom PIN shows no default PIN; the reset shows it again
    assert.equal((await h.call('PUT', `/v1/numbers/${n2!.id}/assignment`, { token: t.adminToken, body: { userId: grace.id } })).status, 200);
    const pin2 = (await h.call('GET', `/v1/numbers/${n2!.id}/pin`, { token: t.adminToken })).body.defaultPin as string;
    const setPin = await h.call('PUT', `/v1/numbers/${n2!.id}/pin`, { token: grace.token, body: { currentPin: pin2, newPin: '739146' } });
    assert.equal(setPin.status, 200, setPin.text);
    await row(page, n2!.e164).getByText('Custom PIN set').waitFor(); // live again: the user's own change
    await rowAction(page, n2!.e164, 'Reset PIN');
    await dialog.getByRole('button', { name: 'Reset PIN' }).click();
    await dialog.getByRole('status').getByText(pin2).waitFor();
    await dialog.getByRole('button', { name: 'Done' }).click();
    await row(page, n2!.e164).getByText(pin2).waitFor();
    assert.equal((await h.call('GET', `/v1/numbers/${n2!.id}/pin`, { token: t.adminToken })).body.state, 'default');

    // details: a read-only view of everything
    await rowAction(page, n1!.e164, 'Details');
    await dialog.locator('dl.details').waitFor();
    const details = await dialog.innerText();
    for (const s of [n1!.e164, 'Ada Lovelace', 'Front', 'Desk', 'Default PIN', 'Call waiting']) assert.ok(details.includes(s), `details show ${s}`);
    await dialog.getByRole('button', { name: 'Close' }).first().click();

    // live: another admin's change appears without a refresh
    const second = await makeUser(h, t, { role: 'account_admin' });
    assert.equal((await h.call('DELETE', `/v1/numbers/${n1!.id}/display-name`, { token: second.token })).status, 200);
    await row(page, n1!.e164).getByRole('link', { name: 'Ada Lovelace' }).waitFor();
    // unassign through the confirmation
    await rowAction(page, n1!.e164, 'Unassign user');
    await dialog.getByRole('button', { name: 'Unassign' }).click();
    await row(page, n1!.e164).getByText('Unassigned').waitFor();
    assert.equal((await h.call('GET', `/v1/numbers/${n1!.id}`, { token: t.adminToken })).body.userId, null);

    // features: the row's link opens the number's features page
    await page.keyboard.press('Escape');
    await shot(page, 'numbers');
    await row(page, n1!.e164).locator('summary').click();
    await row(page, n1!.e164).getByRole('link', { name: 'Features' }).click();
    await page.waitForURL(new RegExp(`/numbers/${n1!.id}/features`));
    p.assertNoConsoleErrors(page);
  } finally {
    await p.close();
  }
});
