/**
 * Number features (spec §4) in a real browser: the rules visible in the form (busy forward and call
 * waiting exclude each other), the server's refusal next to the field when a rule is broken anyway
 * (a form loaded before another change), an invalid forwarding destination, CLI offering only the
 * allowed numbers, saving and the server's values, and the main number shown read-only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator } from 'playwright-core';
import { accountSnapshot, activeNumbers, allocate, makeAccount, makeUser, nextNumber } from '../../support/harness.ts';
import { eventually, requireBrowser, shot, startPortal } from '../support/portal.ts';

const skip = requireBrowser();

/** The texts a control's aria-describedby points at: its hint and the error shown beneath it. */
const description = (l: Locator): Promise<string> =>
  l.evaluate((el) => (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean).map((id) => document.getElementById(id)?.textContent ?? '').join(' | '));

test('features: rules in the form, the server refusing a stale busy forward, invalid destination, CLI choices, save', { skip }, async () => {
  const p = await startPortal();
  try {
    const t = await makeAccount(p.h, { name: 'Acme Features' });
    const token = t.adminToken;
    const [num, sibling] = await activeNumbers(p.h, t, 2);
    const [reserved] = await allocate(p.h, t, 1);
    const branch = await p.h.call('POST', '/v1/sites', { token, body: { name: 'Branch', timeZone: 'Europe/Berlin', mainNumber: nextNumber() } });
    assert.equal(branch.status, 201, branch.text);
    const [elsewhere] = await activeNumbers(p.h, t, 1, branch.body.id);
    const stranger = await makeAccount(p.h);
    const [foreign] = await activeNumbers(p.h, stranger, 1);
    const user = await makeUser(p.h, t, { firstName: 'Frida', lastName: 'Forward' });
    assert.equal((await p.h.call('PUT', `/v1/numbers/${num!.id}/assignment`, { token, body: { userId: user.id } })).status, 200);
    const features = async () => (await p.h.call('GET', `/v1/numbers/${num!.id}/features`, { token })).body;

    const page = await p.openAs(token, `/numbers/${num!.id}/features`);
    await page.getByRole('heading', { level: 1, name: `Features of ${num!.e164} (ext. ${user.extension})` }).waitFor();
    assert.equal(await page.getByRole('link', { name: '← Numbers' }).getAttribute('href'), `/numbers?site=${t.siteId}`);

    // (a) call waiting is on by default: forward when busy is disabled, with the reason
    const busy = page.getByLabel('Forward when busy', { exact: true });
    const waiting = page.getByLabel('Call waiting', { exact: true });
    await eventually(() => waiting.isChecked(), true, 'waiting isChecked');
    assert.equal(await busy.isDisabled(), true);
    assert.match(await description(busy), /Call waiting is on/);
    await waiting.uncheck();
    assert.equal(await busy.isEnabled(), true);
    await busy.check();
    assert.equal(await waiting.isDisabled(), true, 'with forward on busy, call waiting cannot be turned on');
    assert.match(await description(waiting), /forwarded when busy/);
    await page.getByLabel('Forward when busy to').fill('030 901820');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    let now = await features();
    assert.equal(now.forwardBusy, '+4930901820');
    assert.equal(now.callWaiting, false);
    // the page shows the server's values (the destination as the server normalised it)
    await eventually(() => page.getByLabel('Forward when busy to').inputValue(), '+4930901820', 'page.getByLabel(Forward when busy to) inputValue');
    await eventually(() => page.getByRole('definition').filter({ hasText: '+4930901820' }).first().innerText(), /\+4930901820/, 'page.getByRole(definition).filter({ hasText: +4930901820 }).first() innerText');

    // turn forward busy off again: both free in this form
    await busy.uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    assert.equal((await features()).forwardBusy, null);
    assert.equal(await busy.isEnabled(), true);

    // (b) someone turns call waiting on meanwhile; this form, loaded before, sets forward busy: refused
    assert.equal((await p.h.call('PATCH', `/v1/numbers/${num!.id}/features`, { token, body: { callWaiting: true } })).status, 200);
    const expected = await p.h.call('PATCH', `/v1/numbers/${num!.id}/features`, { token, body: { forwardBusy: '+4930901820' } });
    assert.equal(expected.status, 409);
    assert.equal(expected.body.field, 'forwardBusy');
    const snap = await accountSnapshot(p.h, t.accountId);
    await busy.check();
    const busyTo = page.getByLabel('Forward when busy to');
    await busyTo.fill('+4930901820');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.field.has-error').filter({ has: busyTo }).getByRole('alert').waitFor();
    await eventually(() => page.locator('.field.has-error').filter({ has: busyTo }).getByRole('alert').innerText(), expected.body.detail, 'page.locator(.field.has-error).filter({ has: busyTo }).getByRole(alert) innerText');
    assert.match(await description(busyTo), /call waiting is on/);
    assert.equal(await busyTo.getAttribute('aria-invalid'), 'true');
    assert.equal(await accountSnapshot(p.h, t.accountId), snap, 'the refused save changed nothing');
    now = await features();
    assert.deepEqual([now.forwardBusy, now.callWaiting], [null, true]);
    // reloading shows the server's state, with the rule applied
    await page.getByRole('button', { name: 'Discard changes and reload' }).click();
    await page.getByLabel('Call waiting', { exact: true }).and(page.locator(':checked')).waitFor();
    assert.equal(await page.getByLabel('Forward when busy', { exact: true }).isDisabled(), true);

    // an invalid destination: the server's sentence under that destination, nothing changed
    const invalid = await p.h.call('PATCH', `/v1/numbers/${num!.id}/features`, { token, body: { forwardAlways: '12345' } });
    assert.equal(invalid.body.field, 'forwardAlways');
    const snap2 = await accountSnapshot(p.h, t.accountId);
    await page.getByLabel('Forward always', { exact: true }).check();
    const alwaysTo = page.getByLabel('Forward always to');
    await alwaysTo.fill('12345');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.field.has-error').filter({ has: alwaysTo }).getByRole('alert').waitFor();
    await eventually(() => page.locator('.field.has-error').filter({ has: alwaysTo }).getByRole('alert').innerText(), invalid.body.detail, 'page.locator(.field.has-error).filter({ has: alwaysTo }).getByRole(alert) innerText');
    await eventually(() => page.getByLabel('Forward when busy to').count(), 0, 'page.getByLabel(Forward when busy to) count');
    assert.equal(await accountSnapshot(p.h, t.accountId), snap2);
    // an authorization code is disabled while forwarding is on
    assert.equal(await page.getByLabel('Require an authorization code').isDisabled(), true);
    await page.getByLabel('Forward always', { exact: true }).uncheck();
    assert.equal(await page.getByLabel('Require an authorization code').isEnabled(), true);

    // CLI: only the active numbers of this account at this site are offered
    await page.getByLabel('CLI', { exact: true }).check();
    const select = page.getByLabel('Number to present');
    const offered = (await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).filter(Boolean).sort();
    assert.deepEqual(offered, [t.mainNumber, num!.e164, sibling!.e164].sort());
    for (const not of [reserved!.e164, elsewhere!.e164, foreign!.e164]) assert.ok(!offered.includes(not), `${not} is not offered`);
    await select.selectOption(sibling!.e164);
    await page.getByLabel('Voicemail to e-mail').check();
    await page.getByLabel('E-mail address for voicemail').fill(`frida@${t.domain}`);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved' }).waitFor();
    now = await features();
    assert.deepEqual(now.cli, { enabled: true, number: sibling!.e164 });
    assert.equal(now.voicemailToEmail, `frida@${t.domain}`);
    assert.equal(now.forwardAlways, null);
    assert.equal(now.callWaiting, true);
    await page.evaluate(() => window.scrollTo(0, 0));
    await shot(page, 'features');
    p.assertNoConsoleErrors(page);

    // the main number is read-only: shown, not offered for change
    const main = await p.openAs(token, `/numbers/${t.mainNumberId}/features`);
    await main.getByText("is the site's main number, which is read-only").waitFor();
    await eventually(() => main.getByRole('button', { name: 'Save' }).count(), 0, 'main.getByRole(button, { name: Save }) count');
    // a number that does not exist (or is another account's): the server's refusal
    const missing = await p.openAs(token, `/numbers/${foreign!.id}/features`);
    await missing.getByRole('alert').filter({ hasText: 'not found' }).waitFor();
    await missing.getByRole('button', { name: 'Try again' }).waitFor();
    p.assertNoConsoleErrors(main);
    p.assertNoConsoleErrors(missing);
  } finally {
    await p.close();
  }
});
