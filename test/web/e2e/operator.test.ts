/**
 * The operator's platform screens in a real browser: opening an account through the form (the
 * server's refusal of a bad main number next to the field, nothing created; then the account, whose
 * new admin signs in through the API), editing it (the server's refusal of extension lengths that
 * existing extensions do not fit), acting in it; allocating numbers to it (typed and a range) and
 * seeing them, a taken number in an allocation refused per number with nothing allocated, releasing
 * one; carrier trunks with a write-only password (never shown back, kept when left empty, replaced
 * when typed); the rate deck imported from a file, and a bad CSV refused row by row with the deck
 * unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadTrunksForSip } from '../../../src/services/trunks.ts';
import { nextNumber, signIn, uniq } from '../../support/harness.ts';
import { eventually, requireBrowser, shot, startPortal } from '../support/portal.ts';

const skip = requireBrowser();

test('accounts, number inventory, carrier trunks and the rate deck', { skip }, async () => {
  const p = await startPortal();
  try {
    const h = p.h;
    const op = await p.signIn(h.services.config.operatorEmail, 'operator password 1');
    await op.getByRole('heading', { name: 'Accounts', level: 1 }).waitFor();

    // ---- open an account: first a main number the server refuses, then one it takes
    const n = uniq();
    const name = `Portal Opened ${n}`;
    const domain = `opened${n}.example.net`;
    const email = `mia${n}@${domain}`;
    await op.getByRole('button', { name: 'Open an account' }).click();
    const create = op.getByRole('dialog', { name: 'Open an account' });
    await create.getByLabel('Account name').fill(name);
    await create.getByLabel('Country').fill('DE');
    await create.getByLabel('SIP domain').fill(domain);
    await create.getByLabel('Site name').fill('Head office');
    await create.getByLabel('Time zone').fill('Europe/Berlin');
    await create.getByLabel('Main number').fill('030 12');
    await create.getByLabel('First name').fill('Mia');
    await create.getByLabel('Last name').fill('Matrix');
    await create.getByLabel('Admin e-mail').fill(email);
    await create.getByLabel('Admin extension').fill('100');
    await create.getByLabel('Admin password').fill('admin password 1');
    await create.getByRole('button', { name: 'Open account' }).click();
    const mainField = create.locator('.field', { has: op.getByLabel('Main number') });
    await mainField.getByRole('alert').waitFor();
    await eventually(() => mainField.getByRole('alert').innerText(), '"030 12" is not a valid phone number for DE', 'mainField.getByRole(alert) innerText');
    assert.equal((await h.call('GET', `/v1/accounts?q=${encodeURIComponent(name)}`, { token: h.operatorToken })).body.items.length, 0, 'nothing was created');
    const mainNumber = nextNumber();
    await create.getByLabel('Main number').fill(mainNumber);
    await create.getByRole('button', { name: 'Open account' }).click();
    await op.getByRole('status').filter({ hasText: `${name} is open` }).waitFor();
    const listed = await h.call('GET', `/v1/accounts?q=${encodeURIComponent(name)}`, { token: h.operatorToken });
    assert.equal(listed.body.items.length, 1);
    const account = listed.body.items[0];
    assert.deepEqual([account.country, account.sipDomain, account.intlWhitelist, account.premiumAllowed], ['DE', domain, null, false]);
    // its first admin signs in (through the API) as the account admin of this account, at its site with its main number
    const adminToken = await signIn(h, email, 'admin password 1');
    const me = await h.call('GET', '/v1/me', { token: adminToken });
    assert.equal(me.body.role, 'account_admin');
    assert.equal(me.body.accountId, account.id);
    const sites = (await h.call('GET', '/v1/sites', { token: adminToken })).body.items;
    assert.deepEqual(sites.map((s: { name: string; mainNumber: string }) => [s.name, s.mainNumber]), [['Head office', mainNumber]]);
    await op.getByRole('row', { name: new RegExp(name) }).waitFor();
    await shot(op, 'operator-accounts');

    // ---- edit: lengths the admin's extension 100 does not fit are refused next to the field; then a real change
    await op.getByRole('button', { name: `Edit ${name}` }).click();
    const edit = op.getByRole('dialog', { name: `Edit ${name}` });
    await edit.getByLabel('Shortest extension').fill('2');
    await edit.getByLabel('Longest extension').fill('2');
    await edit.getByRole('button', { name: 'Save' }).click();
    const minField = edit.locator('.field', { has: op.getByLabel('Shortest extension') });
    await minField.getByRole('alert').waitFor();
    await eventually(() => minField.getByRole('alert').innerText(), /do not have 2–2 digits \(for example 100\); change them first/, 'minField.getByRole(alert) innerText');
    assert.equal((await h.call('GET', `/v1/accounts/${account.id}`, { token: h.operatorToken })).body.extMinLength, 3, 'unchanged');
    await edit.getByLabel('Account name').fill(`${name} GmbH`);
    await edit.getByLabel('Shortest extension').fill('3');
    await edit.getByLabel('Longest extension').fill('5');
    await edit.getByLabel('International calls').selectOption('list');
    await edit.getByLabel('Allowed countries').fill('at, FR');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'hidden' });
    const edited = (await h.call('GET', `/v1/accounts/${account.id}`, { token: h.operatorToken })).body;
    assert.deepEqual([edited.name, edited.extMinLength, edited.extMaxLength, edited.intlWhitelist], [`${name} GmbH`, 3, 5, ['AT', 'FR']]);
    await op.getByRole('row', { name: new RegExp(`${name} GmbH.*AT, FR`) }).waitFor();

    // ---- act in it: the session acts in the account, on its numbers
    await op.getByRole('button', { name: `Act in this account: ${name} GmbH` }).click();
    await op.getByRole('heading', { name: 'Numbers', level: 1 }).waitFor();
    await eventually(() => op.getByLabel('Acting in account').inputValue(), account.id, 'the account picker shows the new account');
    assert.equal(await op.evaluate(() => localStorage.getItem('tandem.actingAccount')), account.id);
    p.assertNoConsoleErrors(op);

    // ---- inventory: numbers typed and a range, allocated at once to the account's site
    await op.getByRole('link', { name: 'Number inventory' }).click();
    await op.getByRole('heading', { name: 'Number inventory', level: 1 }).waitFor();
    await eventually(() => op.getByLabel('Account', { exact: true }).inputValue(), account.id, 'the inventory opens on the acting account');
    const typed = [nextNumber(), nextNumber()];
    const rangeStart = `+4930877${String(uniq()).padStart(3, '0')}0`;
    const range = [0, 1, 2].map((i) => `+${BigInt(rangeStart.slice(1)) + BigInt(i)}`);
    await op.getByRole('button', { name: 'Allocate numbers' }).click();
    const alloc = op.getByRole('dialog', { name: `Allocate numbers to ${name} GmbH` });
    await eventually(() => alloc.getByLabel('To site').inputValue(), sites[0].id, 'the first site is chosen');
    await alloc.getByLabel('Numbers to allocate').fill(typed.join('\n'));
    await alloc.getByLabel('Range from').fill(rangeStart);
    await alloc.getByLabel('How many').fill('3');
    await alloc.getByRole('button', { name: 'Add range' }).click();
    await eventually(() => alloc.getByLabel('Numbers to allocate').inputValue(), [...typed, ...range].join('\n'), 'alloc.getByLabel(Numbers to allocate) inputValue');
    await alloc.getByRole('button', { name: 'Allocate 5 numbers' }).click();
    await op.getByRole('status').filter({ hasText: 'Allocated 5 numbers' }).waitFor();
    await alloc.waitFor({ state: 'hidden' });
    for (const e164 of [...typed, ...range]) await op.getByRole('row', { name: new RegExp(`\\${e164}.*Head office.*reserved`) }).waitFor();
    const inventory = async () => (await h.call('GET', `/v1/accounts/${account.id}/numbers?limit=500`, { token: h.operatorToken })).body.items as { id: string; e164: string; status: string; siteId: string }[];
    const held = await inventory();
    assert.deepEqual(held.filter((x) => x.status === 'reserved').map((x) => x.e164).sort(), [...typed, ...range].sort());
    assert.ok(held.every((x) => x.siteId === sites[0].id));
    await shot(op, 'inventory');

    // a taken number among fresh ones: the server names it, the list marks it, and nothing is allocated
    const fresh = [nextNumber(), nextNumber()];
    await op.getByRole('button', { name: 'Allocate numbers' }).click();
    await alloc.getByLabel('Numbers to allocate').fill([fresh[0], typed[1], fresh[1]].join('\n'));
    await alloc.getByRole('button', { name: 'Allocate 3 numbers' }).click();
    const refusals = alloc.getByRole('list', { name: 'What the server said about each number' });
    await refusals.waitFor();
    await eventually(() => refusals.locator('li.refused').innerText(), new RegExp(`^\\${typed[1]}\\s+Refused: \\${typed[1]} is already allocated$`), 'refusals.locator(li.refused) innerText');
    await eventually(() => refusals.locator('li').count(), 3, 'refusals.locator(li) count');
    await eventually(() => refusals.locator('li').nth(0).innerText(), new RegExp(`\\${fresh[0]}[\\s\\S]*Not allocated`), 'refusals.locator(li).nth(0) innerText');
    const textareaField = alloc.locator('.field', { has: op.getByLabel('Numbers to allocate') });
    await eventually(() => textareaField.getByRole('alert').innerText(), `${typed[1]}: ${typed[1]} is already allocated`, 'textareaField.getByRole(alert) innerText');
    assert.deepEqual((await inventory()).map((x) => x.e164).sort(), held.map((x) => x.e164).sort(), 'nothing was allocated');
    await alloc.getByRole('button', { name: 'Cancel' }).click();

    // release a reserved number (the main number offers no release)
    await eventually(() => op.getByRole('button', { name: `Release ${mainNumber}` }).count(), 0, 'op.getByRole(button, { name: Release ${mainNumber} }) count');
    await op.getByRole('button', { name: `Release ${range[2]}` }).click();
    await op.getByRole('dialog', { name: `Release ${range[2]}?` }).getByRole('button', { name: 'Release' }).click();
    await op.getByRole('status').filter({ hasText: `Released ${range[2]}` }).waitFor();
    assert.ok(!(await inventory()).some((x) => x.e164 === range[2]));
    p.assertNoConsoleErrors(op);

    // ---- carrier trunks: the password goes in and never comes back
    await op.getByRole('link', { name: 'Carrier trunks' }).click();
    await op.getByRole('heading', { name: 'Carrier trunks', level: 1 }).waitFor();
    await op.getByRole('button', { name: 'Add a trunk' }).click();
    const add = op.getByRole('dialog', { name: 'Add a carrier trunk' });
    await add.getByLabel('Name', { exact: true }).fill('Carrier Berlin');
    await add.getByLabel('Host').fill('sip.carrier.example');
    await add.getByLabel('Transport').selectOption('TLS');
    await add.getByLabel('Priority').fill('10');
    await add.getByLabel('User name').fill('tandem-01');
    await add.getByLabel('Password').fill('trunk secret 1');
    await add.getByLabel('Trusted inbound addresses').fill('203.0.113.0/28\n2001:db8:5::10');
    await add.getByRole('button', { name: 'Add trunk' }).click();
    await add.waitFor({ state: 'hidden' });
    const row = op.getByRole('row', { name: /Carrier Berlin/ });
    await row.waitFor();
    await eventually(() => row.innerText(), /10\s+Carrier Berlin\s+sip\.carrier\.example:5061\s+TLS\s+tandem-01\s+password set\s+203\.0\.113\.0\/28\s+2001:db8:5::10\s+enabled/, 'row innerText');
    const trunks = async () => (await h.call('GET', '/v1/trunks', { token: h.operatorToken })).body.items;
    const [trunk] = await trunks();
    assert.deepEqual([trunk.name, trunk.port, trunk.transport, trunk.username, trunk.hasPassword, trunk.priority, 'password' in trunk], ['Carrier Berlin', 5061, 'TLS', 'tandem-01', true, 10, false]);
    const stored = async () => (await loadTrunksForSip(h.db)).find((x) => x.id === trunk.id)!.password;
    assert.equal(await stored(), 'trunk secret 1');
    // the same name again is the server's refusal, next to the name
    await op.getByRole('button', { name: 'Add a trunk' }).click();
    await add.getByLabel('Name', { exact: true }).fill('carrier berlin');
    await add.getByLabel('Host').fill('198.51.100.7');
    await add.getByRole('button', { name: 'Add trunk' }).click();
    const nameField = add.locator('.field', { has: op.getByLabel('Name', { exact: true }) });
    await nameField.getByRole('alert').waitFor();
    await eventually(() => nameField.getByRole('alert').innerText(), /A carrier trunk named "carrier berlin" exists already/, 'nameField.getByRole(alert) innerText');
    await add.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await trunks()).length, 1);
    // edit: the password field starts empty and, left empty, keeps the stored password
    await op.getByRole('button', { name: 'Edit Carrier Berlin' }).click();
    const editTrunk = op.getByRole('dialog', { name: 'Edit Carrier Berlin' });
    await eventually(() => editTrunk.getByLabel('New password').inputValue(), '', 'editTrunk.getByLabel(New password) inputValue');
    await eventually(() => editTrunk.innerText(), /A password is stored \(never shown\)/, 'editTrunk innerText');
    await editTrunk.getByLabel('Priority').fill('5');
    await editTrunk.getByRole('button', { name: 'Save' }).click();
    await editTrunk.waitFor({ state: 'hidden' });
    await op.getByRole('status').filter({ hasText: 'Saved Carrier Berlin' }).waitFor();
    await eventually(() => op.getByRole('row', { name: /Carrier Berlin/ }).innerText(), /^5\s+Carrier Berlin/, 'the list shows the new priority');
    assert.equal((await trunks())[0].priority, 5);
    assert.equal(await stored(), 'trunk secret 1', 'an empty password field keeps the password');
    await op.getByRole('button', { name: 'Edit Carrier Berlin' }).click();
    await editTrunk.getByLabel('New password').fill('trunk secret 2');
    await editTrunk.getByRole('button', { name: 'Save' }).click();
    await editTrunk.waitFor({ state: 'hidden' });
    await op.getByRole('status').filter({ hasText: 'Saved Carrier Berlin' }).waitFor();
    assert.equal(await stored(), 'trunk secret 2');
    const html = await op.content();
    assert.ok(!html.includes('trunk secret 1') && !html.includes('trunk secret 2'), 'no password on the page');
    await shot(op, 'trunks');
    await op.getByRole('button', { name: 'Delete Carrier Berlin' }).click();
    await op.getByRole('dialog', { name: 'Delete Carrier Berlin?' }).getByRole('button', { name: 'Delete trunk' }).click();
    await op.getByText('No carrier trunks yet').waitFor();
    assert.equal((await trunks()).length, 0);
    p.assertNoConsoleErrors(op);

    // ---- the rate deck: a file chosen with the file input replaces the deck
    await op.getByRole('link', { name: 'Rate deck' }).click();
    await op.getByRole('heading', { name: 'Rate deck', level: 1 }).waitFor();
    const before = (await h.call('GET', '/v1/rate-deck', { token: h.operatorToken })).body.items.length;
    const deck = 'prefix,description,per_minute,setup\n49,Germany,0.0200,0\n4915,Germany mobile,0.0900,0.0100\n43,Austria,0.0400,0.0050\n';
    await op.getByRole('button', { name: 'Import a CSV' }).click();
    const imp = op.getByRole('dialog', { name: 'Replace the rate deck' });
    await imp.getByLabel('CSV file').setInputFiles({ name: 'deck.csv', mimeType: 'text/csv', buffer: Buffer.from(deck) });
    await op.waitForFunction(() => (document.querySelector('dialog textarea') as HTMLTextAreaElement | null)?.value.startsWith('prefix,'));
    await imp.getByRole('button', { name: 'Replace the deck' }).click();
    await op.getByRole('status').filter({ hasText: `Imported 3 rows; the deck had ${before} before.` }).waitFor();
    await op.getByRole('row', { name: /\+4915\s+Germany mobile\s+0\.0900\s+0\.0100/ }).waitFor();
    const rows = async () => (await h.call('GET', '/v1/rate-deck', { token: h.operatorToken })).body.items.map((r: { prefix: string; description: string; perMinute: number; setup: number }) => [r.prefix, r.description, r.perMinute, r.setup]);
    const good = await rows();
    assert.deepEqual(good, [['43', 'Austria', 400, 50], ['49', 'Germany', 200, 0], ['4915', 'Germany mobile', 900, 100]]);
    await shot(op, 'rate-deck');

    // a pasted file with bad rows: the server's sentence under the CSV, every bad row listed, the deck unchanged
    await op.getByRole('button', { name: 'Import a CSV' }).click();
    await imp.getByLabel('CSV', { exact: true }).fill('prefix,description,per_minute,setup\n44,UK,0.0300,0\n33,France,abc,0\n034,Spain,0.02,0\n');
    await imp.getByRole('button', { name: 'Replace the deck' }).click();
    const csvField = imp.locator('.field', { has: op.getByLabel('CSV', { exact: true }) });
    await csvField.getByRole('alert').waitFor();
    await eventually(() => csvField.getByRole('alert').innerText(), /^Row 2 \(line 3\) of the rate deck: the per_minute "abc" is not a price.*\(2 bad rows in all; nothing was imported\)$/, 'csvField.getByRole(alert) innerText');
    const bad = await imp.getByRole('group', { name: 'Bad rows' }).innerText();
    assert.match(bad, /Nothing was imported; the deck is unchanged\./);
    assert.match(bad, /Line 3 \(row 2\), per_minute: the per_minute "abc" is not a price/);
    assert.match(bad, /Line 4 \(row 3\), prefix: the prefix "034" starts with 0/);
    assert.deepEqual(await rows(), good, 'nothing changed');
    await imp.getByRole('button', { name: 'Cancel' }).click();
    await eventually(() => op.getByRole('row').filter({ hasText: 'Austria' }).count(), 1, 'op.getByRole(row).filter({ hasText: Austria }) count');
    p.assertNoConsoleErrors(op);
  } finally {
    await p.close();
  }
});
