/**
 * My account in a real browser: reached from the name in the top bar; the password change with a
 * wrong current password refused beside that field, then done; an API token shown once that works
 * against the API, then revoked after a confirmation and refused from then on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeAccount, signIn } from '../../support/harness.ts';
import { eventually, requireBrowser, startPortal } from '../support/portal.ts';

const skip = requireBrowser();

test('my account: change password (wrong current password refused), API token created once, used and revoked', { skip }, async () => {
  const p = await startPortal();
  try {
    const t = await makeAccount(p.h, { name: 'Acme Me' });
    const page = await p.openAs(t.adminToken, '/numbers');
    await page.getByRole('banner').getByRole('link', { name: /^Admin Number/ }).click();
    await page.getByRole('heading', { name: 'My account', level: 1 }).waitFor();

    // the password: a wrong current one is refused next to its field, and nothing changes
    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password').fill('a brand new password');
    await page.getByRole('button', { name: 'Change password' }).click();
    const wrong = page.locator('.field', { has: page.getByLabel('Current password') }).getByRole('alert');
    await eventually(() => wrong.innerText(), 'The current password is wrong', 'wrong innerText');
    assert.equal(typeof (await signIn(p.h, t.adminEmail, 'admin password 1')), 'string', 'the old password still works');
    await page.getByLabel('Current password').fill('admin password 1');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password is changed.').waitFor();
    assert.equal(typeof (await signIn(p.h, t.adminEmail, 'a brand new password')), 'string', 'the new password works');
    assert.equal((await p.h.call('POST', '/v1/auth/login', { body: { email: t.adminEmail, password: 'admin password 1' } })).status, 401);

    // an API token: shown once, works as the admin, then revoked
    await page.getByText('You have no API tokens.').waitFor();
    await page.getByLabel('Token name').fill('Nightly export');
    await page.getByRole('button', { name: 'Create token' }).click();
    const shown = await page.getByLabel('New API token').inputValue();
    assert.ok(shown.length > 20, 'the token is shown');
    await page.getByRole('row', { name: /Nightly export/ }).waitFor();
    const me = await p.h.call('GET', '/v1/me', { token: shown });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.body.user.email, t.adminEmail);
    await page.reload();
    await page.getByRole('row', { name: /Nightly export/ }).waitFor();
    await eventually(() => page.getByLabel('New API token').count(), 0, 'shown once: gone after a reload');
    await page.getByRole('button', { name: 'Revoke Nightly export' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('You have no API tokens.').waitFor();
    assert.equal((await p.h.call('GET', '/v1/me', { token: shown })).status, 401);
    p.assertNoConsoleErrors(page);
  } finally {
    await p.close();
  }
});

test("account settings: the admin changes the account's own settings; a length the extensions in use do not fit is refused beside its field", { skip }, async () => {
  const p = await startPortal();
  try {
    const t = await makeAccount(p.h, { name: 'Acme Settings' });
    const page = await p.openAs(t.adminToken, '/numbers');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account settings' }).click();
    await page.getByRole('heading', { name: 'Account settings', level: 1 }).waitFor();
    await eventually(() => page.getByLabel('Account name').inputValue(), 'Acme Settings', 'the form shows the account');
    // the admin's extension is 100 (3 digits): 4–4 does not fit it
    await page.getByLabel('Shortest extension').fill('4');
    await page.getByLabel('Longest extension').fill('4');
    await page.getByRole('button', { name: 'Save' }).click();
    const refused = page.locator('.field', { has: page.getByLabel('Shortest extension') }).getByRole('alert');
    await eventually(() => refused.innerText(), /do not have 4–4 digits \(for example 100\)/, 'refused innerText');
    assert.equal((await p.h.call('GET', `/v1/accounts/${t.accountId}`, { token: t.adminToken })).body.extMinLength !== 4, true);
    // a good change: name and an international whitelist
    await page.getByLabel('Shortest extension').fill('3');
    await page.getByLabel('Account name').fill('Acme Settings Renamed');
    await page.getByLabel('International calls').selectOption('list');
    await page.getByLabel('Allowed countries').fill('at, fr');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.', { exact: false }).waitFor();
    const after = (await p.h.call('GET', `/v1/accounts/${t.accountId}`, { token: t.adminToken })).body;
    assert.equal(after.name, 'Acme Settings Renamed');
    assert.deepEqual(after.intlWhitelist, ['AT', 'FR']);
    await page.getByRole('banner').getByText('Acme Settings Renamed').waitFor(); // the top bar reads it again
    p.assertNoConsoleErrors(page);
  } finally {
    await p.close();
  }
});
