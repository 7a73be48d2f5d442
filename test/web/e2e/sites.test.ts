/**
 * The sites screen in a real browser (spec §2): sites alphabetically with time zone, address and main
 * number; adding a site with its main number (a taken number refused next to the field, nothing
 * created); editing (the main number read-only); the refused delete of a site in use shown in the
 * dialog with nothing changed, and the delete of an empty site.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { makeAccount, nextNumber } from '../../support/harness.ts';
import { eventually, requireBrowser, shot, startPortal } from '../support/portal.ts';

const skip = requireBrowser();

/** The error the form shows under a field (its aria-describedby error), once the field is marked invalid. */
async function errorUnder(field: Locator): Promise<string> {
  await field.and(field.page().locator('[aria-invalid="true"]')).waitFor();
  const id = ((await field.getAttribute('aria-describedby')) ?? '').split(' ').find((x) => x.endsWith('-error'));
  assert.ok(id, 'the field names its error');
  return field.page().locator(`[id="${id}"]`).innerText();
}

/** Waits until the table's first column shows exactly `names`, in this order. */
async function shows(page: Page, names: string[]): Promise<void> {
  const read = () => page.locator('table tbody tr td:first-child').allInnerTexts();
  const until = Date.now() + 10_000;
  let last = await read();
  while (JSON.stringify(last) !== JSON.stringify(names) && Date.now() < until) {
    await page.waitForTimeout(50);
    last = await read();
  }
  assert.deepEqual(last, names);
}

test('sites: alphabetical, add with a main number, edit, refused and allowed delete', { skip }, async () => {
  const p = await startPortal();
  try {
    const t = await makeAccount(p.h, { name: 'Acme Sites' });
    const token = t.adminToken;
    const zurich = await p.h.call('POST', '/v1/sites', { token, body: { name: 'Zurich office', timeZone: 'Europe/Zurich', address: 'Bahnhofstrasse 1', mainNumber: nextNumber() } });
    const berlin = await p.h.call('POST', '/v1/sites', { token, body: { name: 'Berlin office', timeZone: 'Europe/Berlin', mainNumber: nextNumber() } });
    assert.equal(zurich.status, 201, zurich.text);
    assert.equal(berlin.status, 201, berlin.text);

    const page = await p.openAs(token, '/sites');
    await page.getByRole('heading', { name: 'Sites', level: 1 }).waitFor();
    await shows(page, ['Berlin office', 'Head office', 'Zurich office']);
    const zurichRow = page.getByRole('row').filter({ hasText: 'Zurich office' });
    await eventually(() => zurichRow.innerText(), new RegExp(`Europe/Zurich\\s+Bahnhofstrasse 1\\s+\\${zurich.body.mainNumber}`), 'zurichRow innerText');
    assert.equal(await zurichRow.getByRole('link', { name: zurich.body.mainNumber }).getAttribute('href'), `/numbers?site=${zurich.body.id}`);

    // add: a main number already allocated is refused next to the field, nothing is created
    await page.getByRole('button', { name: 'Add site' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add site' });
    await dialog.getByLabel('Name').fill('Amsterdam office');
    await dialog.getByLabel('Time zone').fill('Europe/Amsterdam');
    await dialog.getByLabel('Address').fill('Damrak 1, Amsterdam');
    await dialog.getByLabel('Main number').fill(t.mainNumber);
    await dialog.getByRole('button', { name: 'Add site' }).click();
    assert.equal(await errorUnder(dialog.getByLabel('Main number')), `${t.mainNumber} is already allocated`);
    assert.equal((await p.h.call('GET', '/v1/sites', { token })).body.items.length, 3, 'nothing created');

    // a bad time zone is refused next to its field
    const main = nextNumber();
    await dialog.getByLabel('Main number').fill(main);
    await dialog.getByLabel('Time zone').fill('Europe/Atlantis');
    await dialog.getByRole('button', { name: 'Add site' }).click();
    assert.match(await errorUnder(dialog.getByLabel('Time zone')), /time zone/i);
    assert.equal((await p.h.call('GET', '/v1/sites', { token })).body.items.length, 3, 'nothing created');

    await dialog.getByLabel('Time zone').fill('Europe/Amsterdam');
    await dialog.getByRole('button', { name: 'Add site' }).click();
    await page.getByRole('status').filter({ hasText: 'The site Amsterdam office was added.' }).waitFor();
    await shows(page, ['Amsterdam office', 'Berlin office', 'Head office', 'Zurich office']);
    const created = (await p.h.call('GET', '/v1/sites', { token })).body.items.find((s: { name: string }) => s.name === 'Amsterdam office');
    assert.deepEqual({ timeZone: created.timeZone, address: created.address, mainNumber: created.mainNumber }, { timeZone: 'Europe/Amsterdam', address: 'Damrak 1, Amsterdam', mainNumber: main });
    const mainRow = await p.h.call('GET', `/v1/sites/${created.id}/numbers?q=${encodeURIComponent(main)}`, { token });
    assert.equal(mainRow.body.items[0]?.status, 'active', 'the main number is active at the new site');

    // edit: rename and move Zurich; the main number is shown read-only
    await page.getByRole('button', { name: 'Edit Zurich office' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Zurich office' });
    await eventually(() => edit.innerText(), new RegExp(`Main number\\s+\\${zurich.body.mainNumber}\\s+\\(read-only\\)`), 'edit innerText');
    await eventually(() => edit.getByLabel('Main number').count(), 0, 'no field for the main number');
    await edit.getByLabel('Name').fill('Basel office');
    await edit.getByLabel('Address').fill('Marktplatz 9, Basel');
    await edit.getByRole('button', { name: 'Save site' }).click();
    await page.getByRole('status').filter({ hasText: 'The site Basel office was saved.' }).waitFor();
    await shows(page, ['Amsterdam office', 'Basel office', 'Berlin office', 'Head office']);
    const moved = (await p.h.call('GET', `/v1/sites/${zurich.body.id}`, { token })).body;
    assert.deepEqual({ name: moved.name, address: moved.address, timeZone: moved.timeZone, mainNumber: moved.mainNumber },
      { name: 'Basel office', address: 'Marktplatz 9, Basel', timeZone: 'Europe/Zurich', mainNumber: zurich.body.mainNumber });

    // a duplicate name is refused next to the field
    await page.getByRole('button', { name: 'Edit Basel office' }).click();
    const again = page.getByRole('dialog', { name: 'Edit Basel office' });
    await again.getByLabel('Name').fill('Head office');
    await again.getByRole('button', { name: 'Save site' }).click();
    assert.match(await errorUnder(again.getByLabel('Name')), /A site named "Head office" exists/);
    await again.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await p.h.call('GET', `/v1/sites/${zurich.body.id}`, { token })).body.name, 'Basel office');

    // the head office still has its admin: the server's refusal in the dialog, nothing deleted
    await shot(page, 'sites');
    await page.getByRole('button', { name: 'Delete Head office' }).click();
    const del = page.getByRole('dialog', { name: 'Delete site' });
    await del.getByRole('button', { name: 'Delete site' }).click();
    await eventually(() => del.getByRole('alert').innerText(), /The site still has 1 user\(s\)/, 'del.getByRole(alert) innerText');
    await del.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await p.h.call('GET', `/v1/sites/${t.siteId}`, { token })).status, 200);
    await shows(page, ['Amsterdam office', 'Basel office', 'Berlin office', 'Head office']);

    // an empty site is deleted after confirmation
    await page.getByRole('button', { name: 'Delete Berlin office' }).click();
    await del.getByRole('button', { name: 'Delete site' }).click();
    await page.getByRole('status').filter({ hasText: 'The site Berlin office was deleted.' }).waitFor();
    await shows(page, ['Amsterdam office', 'Basel office', 'Head office']);
    assert.equal((await p.h.call('GET', `/v1/sites/${berlin.body.id}`, { token })).status, 404);
    p.assertNoConsoleErrors(page);
  } finally {
    await p.close();
  }
});
