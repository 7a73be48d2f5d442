/**
 * Outbound call rules in a real browser (spec §8 Organization Connect): several prefix rows at once
 * with destinations offered only where a federation allows extension dialing; a prefix colliding with
 * an extension of the account or with another prefix refused beside its row with nothing saved; the
 * dial plan and whitelist edited; users assigned through the picker; deletion after confirmation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeAccount, makeUser } from '../../support/harness.ts';
import { distinctAdminExtensions, federate } from '../../support/federation.ts';
import { eventually, requireBrowser, shot, startPortal } from '../support/portal.ts';

const skip = requireBrowser();

test('Organization Connect rows, prefix collisions beside their row, whitelist, users, delete', { skip }, async () => {
  const p = await startPortal();
  try {
    const a = await makeAccount(p.h, { name: 'Rules Alpha' });
    const b = await makeAccount(p.h, { name: 'Rules Beta' });
    const c = await makeAccount(p.h, { name: 'Rules Gamma' });
    await distinctAdminExtensions(p.h, [a, b, c]);
    await federate(p.h, [a, b], { preset: 'linked' });
    await federate(p.h, [a, c], { preset: 'federated' }); // no extension dialing: not a destination
    const ursula = await makeUser(p.h, a, { firstName: 'Ursula', lastName: 'Usher', extension: '123' });
    await makeUser(p.h, a, { firstName: 'Victor', lastName: 'Vale', extension: '4300' });
    const rules = async () => (await p.h.call('GET', '/v1/call-rules', { token: a.adminToken })).body.items;

    const page = await p.openAs(a.adminToken, '/call-rules');
    await page.getByRole('heading', { name: 'Outbound call rules', level: 1 }).waitFor();
    await page.getByText('No outbound call rules yet.').waitFor();

    // a new rule with two Organization Connect rows
    await page.getByRole('button', { name: 'New rule' }).click();
    const dialog = page.getByRole('dialog', { name: 'New outbound call rule' });
    await dialog.getByLabel('Name').fill('Branch link');
    await eventually(() => dialog.getByLabel('Dial plan').inputValue(), 'national', 'dialog.getByLabel(Dial plan) inputValue');
    await dialog.getByRole('tab', { name: /Organization Connect/ }).click();
    await dialog.getByRole('button', { name: 'Add row' }).click();
    const destinations = await dialog.getByLabel('Destination account of row 1').locator('option').allInnerTexts();
    assert.deepEqual(destinations, ['Choose an account…', 'Rules Beta'], 'only accounts a federation lets this one reach by extension');
    await dialog.getByLabel('Prefix of row 1').fill('1');
    await dialog.getByLabel('Destination account of row 1').selectOption({ label: 'Rules Beta' });
    await dialog.getByRole('button', { name: 'Add row' }).click();
    await dialog.getByLabel('Prefix of row 2').fill('7');
    await dialog.getByLabel('Destination account of row 2').selectOption({ label: 'Rules Beta' });

    // prefix 1 collides with Ursula's extension 123: the sentence beside row 1, nothing saved
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    const row1Error = "Prefix 1 collides with extension 123 of this account: 123 starts with 1, and the account's own extensions are dialled first";
    await dialog.getByText(row1Error).waitFor();
    assert.equal(await dialog.getByLabel('Prefix of row 1').getAttribute('aria-invalid'), 'true');
    assert.equal(await dialog.getByLabel('Prefix of row 2').getAttribute('aria-invalid'), 'false');
    assert.deepEqual(await rules(), []);

    // prefix 7 twice: the sentence beside row 2, nothing saved
    await dialog.getByLabel('Prefix of row 1').fill('7');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await dialog.getByText('Prefix 7 is listed twice in this rule (also as organizationConnect[0])').waitFor();
    assert.equal(await dialog.getByLabel('Prefix of row 2').getAttribute('aria-invalid'), 'true');
    await eventually(() => dialog.getByText(row1Error).count(), 0, 'dialog.getByText(row1Error) count');
    assert.deepEqual(await rules(), []);

    await dialog.getByLabel('Prefix of row 2').fill('8');
    await dialog.getByRole('button', { name: 'Create rule' }).click();
    await page.getByText('Created “Branch link”.').waitFor();
    const table = page.getByRole('table', { name: 'Outbound call rules' });
    const row = table.getByRole('row', { name: /Branch link/ });
    await row.getByText('Rules Beta').first().waitFor();
    let [rule] = await rules();
    assert.equal(rule.name, 'Branch link');
    assert.equal(rule.dialPlan, 'national');
    assert.deepEqual(rule.organizationConnect.map((o: { prefix: string; destinationAccountId: string }) => [o.prefix, o.destinationAccountId]), [['7', b.accountId], ['8', b.accountId]]);

    // edit: international with a whitelist (an unknown code refused beside the field), one row removed
    await table.getByRole('button', { name: 'Edit Branch link' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit “Branch link”' });
    await edit.getByLabel('Dial plan').selectOption('international');
    await edit.getByLabel('Country whitelist (countries abroad)').fill('fr, xx');
    await edit.getByRole('tab', { name: /Organization Connect/ }).click();
    await edit.getByRole('button', { name: 'Remove row 2' }).click();
    await edit.getByRole('button', { name: 'Save rule' }).click();
    // the refusal names the whitelist: its tab is shown with the sentence beside the field
    await edit.getByText('"XX" is not an ISO 3166 country code Tandem knows').waitFor();
    assert.equal(await edit.getByLabel('Country whitelist (countries abroad)').getAttribute('aria-invalid'), 'true');
    assert.equal((await rules())[0].dialPlan, 'national');
    await edit.getByLabel('Country whitelist (countries abroad)').fill('FR');
    await edit.getByRole('button', { name: 'Save rule' }).click();
    await page.getByText('Saved “Branch link”.').waitFor();
    [rule] = await rules();
    assert.equal(rule.dialPlan, 'international');
    assert.deepEqual(rule.countryWhitelist, ['FR']);
    assert.deepEqual(rule.organizationConnect.map((o: { prefix: string }) => o.prefix), ['7']);

    // assign it to Ursula through the picker
    await table.getByRole('button', { name: 'Users of Branch link' }).click();
    const users = page.getByRole('dialog', { name: 'Users of “Branch link”' });
    await users.getByLabel('Find users').fill('ursu');
    await eventually(() => users.getByRole('group', { name: 'Users of the account' }).getByRole('checkbox').count(), 1, 'users.getByRole(group, { name: Users of the account }).getByRole(checkbox) count');
    await users.getByRole('checkbox', { name: /Ursula Usher · 123/ }).check();
    await users.getByRole('button', { name: 'Save users' }).click();
    await page.getByText('“Branch link” now applies to 1 user.').waitFor();
    await row.getByText('Ursula Usher').waitFor();
    assert.deepEqual((await rules())[0].userIds, [ursula.id]);
    assert.equal((await p.h.call('GET', `/v1/users/${ursula.id}/call-rule`, { token: a.adminToken })).body.rule.id, rule.id);
    await shot(page, 'call-rules');

    // delete: the confirmation says what goes; Cancel keeps it
    await table.getByRole('button', { name: 'Delete Branch link' }).click();
    const del = page.getByRole('dialog', { name: 'Delete “Branch link”' });
    await del.getByText('Its 1 user is left without an outbound call rule.', { exact: false }).waitFor();
    await del.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await rules()).length, 1);
    await table.getByRole('button', { name: 'Delete Branch link' }).click();
    await del.getByRole('button', { name: 'Delete rule' }).click();
    await page.getByText('Deleted “Branch link”.').waitFor();
    await page.getByText('No outbound call rules yet.').waitFor();
    assert.equal((await p.h.call('GET', `/v1/call-rules/${rule.id}`, { token: a.adminToken })).status, 404);
    assert.equal((await p.h.call('GET', `/v1/users/${ursula.id}/call-rule`, { token: a.adminToken })).body.rule, null);

    p.assertNoConsoleErrors(page);
  } finally {
    await p.close();
  }
});
