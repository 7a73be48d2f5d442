/**
 * Office Anywhere portal numbers (spec §7) in a real browser: the list, add (only eligible numbers
 * offered; a taken extension refused next to the field; the name defaulting to the number; scope
 * site), edit (the number is not editable; name and scope are), delete with confirmation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accountSnapshot, activeNumbers, allocate, makeAccount, makeUser, nextNumber } from '../../support/harness.ts';
import { eventually, requireBrowser, shot, startPortal } from '../support/portal.ts';

const skip = requireBrowser();

test('office anywhere: list, add with a taken extension then a free one, edit without the number, delete', { skip }, async () => {
  const p = await startPortal();
  try {
    const t = await makeAccount(p.h, { name: 'Acme Mobility' });
    const token = t.adminToken;
    const branch = await p.h.call('POST', '/v1/sites', { token, body: { name: 'Branch', timeZone: 'Europe/Berlin', mainNumber: nextNumber() } });
    assert.equal(branch.status, 201, branch.text);
    const [free, existing, assigned] = await activeNumbers(p.h, t, 3);
    const [atBranch] = await activeNumbers(p.h, t, 1, branch.body.id);
    const [reserved] = await allocate(p.h, t, 1);
    const user = await makeUser(p.h, t, { extension: '7100' });
    assert.equal((await p.h.call('PUT', `/v1/numbers/${assigned!.id}/assignment`, { token, body: { userId: user.id } })).status, 200);
    const made = await p.h.call('POST', '/v1/office-anywhere/portals', { token, body: { numberId: existing!.id, name: 'Mobility HQ', extension: '7200', scope: 'account' } });
    assert.equal(made.status, 201, made.text);
    const portals = async () => (await p.h.call('GET', '/v1/office-anywhere/portals', { token })).body.items as { id: string; numberId: string; number: string; name: string; extension: string | null; scope: string; siteId: string | null }[];

    const page = await p.openAs(token, '/office-anywhere');
    await page.getByRole('heading', { level: 1, name: 'Office Anywhere' }).waitFor();
    const hq = page.getByRole('row').filter({ hasText: 'Mobility HQ' });
    await hq.waitFor();
    for (const text of [existing!.e164, '7200', 'Account: all users']) assert.ok((await hq.innerText()).includes(text), text);

    // add: only eligible numbers are offered
    await page.getByRole('button', { name: 'Add portal number' }).click();
    const dialog = page.getByRole('dialog');
    const number = dialog.getByLabel('Number');
    await number.locator('option', { hasText: free!.e164 }).waitFor({ state: 'attached' });
    const offered = (await number.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).textContent))).filter((x) => x?.startsWith('+')).sort();
    assert.deepEqual(offered, [free!.e164, atBranch!.e164].sort(), 'not the main numbers, a portal, an assigned or a reserved number');
    assert.ok(!offered.includes(reserved!.e164));

    // a taken extension: the server's sentence next to the extension field, nothing created
    const taken = await p.h.call('POST', '/v1/office-anywhere/portals', { token, body: { numberId: free!.id, extension: '7100', scope: 'account' } });
    assert.equal(taken.status, 409, taken.text);
    assert.equal(taken.body.field, 'extension');
    const snap = await accountSnapshot(p.h, t.accountId);
    await number.selectOption({ label: free!.e164 });
    const extension = dialog.getByLabel('Extension');
    await extension.fill('7100');
    await dialog.getByRole('button', { name: 'Add portal number' }).click();
    const extError = dialog.locator('.field.has-error').filter({ has: page.getByLabel('Extension') }).getByRole('alert');
    await extError.waitFor();
    await eventually(() => extError.innerText(), taken.body.detail, 'extError innerText');
    assert.equal(await extension.getAttribute('aria-invalid'), 'true');
    assert.equal(await accountSnapshot(p.h, t.accountId), snap, 'the refused add changed nothing');

    // a free extension, scope: the users of Branch; the name left empty becomes the number
    await extension.fill('7300');
    await dialog.getByLabel('Scope').selectOption('site');
    await dialog.getByLabel('Site of the users').selectOption({ label: 'Branch' });
    await dialog.getByRole('button', { name: 'Add portal number' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const addedRow = page.getByRole('row').filter({ hasText: '7300' });
    await addedRow.waitFor();
    assert.ok((await addedRow.innerText()).includes('Site: Branch'));
    let added = (await portals()).find((x) => x.numberId === free!.id);
    assert.deepEqual([added?.name, added?.extension, added?.scope, added?.siteId], [free!.e164, '7300', 'site', branch.body.id]);
    await shot(page, 'office-anywhere');

    // edit: the number is shown but not editable; the name and scope are
    await page.getByRole('button', { name: 'Edit Mobility HQ' }).click();
    const numberField = dialog.getByLabel('Number');
    await eventually(() => numberField.inputValue(), existing!.e164, 'numberField inputValue');
    assert.equal(await numberField.isEditable(), false, 'a portal number\'s own number cannot be edited');
    await eventually(() => dialog.innerText(), /cannot be edited/, 'dialog innerText');
    await dialog.getByLabel('Name').fill('Mobility Head office');
    await dialog.getByLabel('Scope').selectOption('site');
    await dialog.getByLabel('Site of the users').selectOption({ label: 'Head office' });
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('row').filter({ hasText: 'Mobility Head office' }).filter({ hasText: 'Site: Head office' }).waitFor();
    const edited = (await portals()).find((x) => x.id === made.body.id);
    assert.deepEqual([edited?.name, edited?.number, edited?.extension, edited?.scope, edited?.siteId], ['Mobility Head office', existing!.e164, '7200', 'site', t.siteId]);

    // delete, after confirming: the portal goes, its extension is free again
    await page.getByRole('button', { name: `Delete ${free!.e164}` }).click();
    await eventually(() => dialog.innerText(), /extension 7300 becomes free/, 'dialog innerText');
    await dialog.getByRole('button', { name: 'Delete portal number' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await addedRow.waitFor({ state: 'detached' });
    added = (await portals()).find((x) => x.numberId === free!.id);
    assert.equal(added, undefined);
    assert.equal((await p.h.call('PATCH', `/v1/users/${user.id}`, { token, body: { extension: '7300' } })).status, 200, 'the extension is free');
    p.assertNoConsoleErrors(page);
  } finally {
    await p.close();
  }
});
