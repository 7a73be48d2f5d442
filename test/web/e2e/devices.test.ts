/**
 * Devices (handsets, spec §2, §6) in a real browser: the list per site with the number logged in, add
 * a handset (its SIP password shown once, and it really authenticates), a duplicate Phone ID refused
 * next to the field, a new SIP password (the old one stops working), edit and move, delete with
 * confirmation (not offered while a number is logged in).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildDigestAuthorization, parseDigestChallenge } from '../../../src/domain/digest.ts';
import { accountSnapshot, activeNumbers, makeAccount, nextNumber, type Harness } from '../../support/harness.ts';
import { eventually, requireBrowser, shot, startPortal } from '../support/portal.ts';

const skip = requireBrowser();

/** What a handset does: fetch its configuration, answering the digest challenge with its credentials. */
async function provision(h: Harness, phoneId: string, username: string, password: string): Promise<number> {
  const url = `/v1/provisioning/${phoneId}`;
  const first = await h.call('GET', url);
  assert.equal(first.status, 401, first.text);
  const raw = first.headers['www-authenticate'];
  const challenge = ((Array.isArray(raw) ? raw : [raw]) as string[]).map((c) => parseDigestChallenge(c)!).find((c) => c.algorithm === 'SHA-256')!;
  const r = await h.call('GET', url, { headers: { authorization: buildDigestAuthorization(challenge, { method: 'GET', uri: url, username, password }) } });
  return r.status;
}

test('devices: list per site, add (secret once), duplicate Phone ID, new SIP password, edit and move, delete', { skip }, async () => {
  const p = await startPortal();
  try {
    const t = await makeAccount(p.h, { name: 'Acme Devices' });
    const token = t.adminToken;
    const branch = await p.h.call('POST', '/v1/sites', { token, body: { name: 'Branch', timeZone: 'Europe/Berlin', mainNumber: nextNumber() } });
    assert.equal(branch.status, 201, branch.text);
    const desk = await p.h.call('POST', '/v1/devices', { token, body: { siteId: t.siteId, phoneId: '00:04:13:10:20:30', name: 'Reception', model: 'Yealink T54W' } });
    assert.equal(desk.status, 201, desk.text);
    const [num] = await activeNumbers(p.h, t, 1);
    assert.equal((await p.h.call('PUT', `/v1/numbers/${num!.id}/handset`, { token, body: { phoneId: '000413102030' } })).status, 200);
    const devicesAt = async (siteId: string) => (await p.h.call('GET', `/v1/devices?siteId=${siteId}`, { token })).body.items as { id: string; phoneId: string; name: string; model: string; siteId: string; lastProvisionedAt: string | null }[];

    const page = await p.openAs(token, '/devices');
    await page.getByRole('heading', { level: 1, name: 'Devices' }).waitFor();
    // sites alphabetically, the first by default: Branch, which has no devices yet
    await page.getByText('No devices at Branch yet').waitFor();
    await page.getByLabel('Site').selectOption({ label: 'Head office' });
    const deskRow = page.getByRole('row').filter({ hasText: '000413102030' });
    await deskRow.waitFor();
    for (const text of ['Reception', 'Yealink T54W', num!.e164, 'Never']) assert.match(await deskRow.innerText(), new RegExp(text.replace('+', '\\+')));
    await eventually(() => deskRow.innerText(), /Not registered/, 'deskRow innerText');
    // registered: a binding as the registrar stores it (the SIP tests register real phones; see
    // test/sip/nat.test.ts for the API's view of one), shown with where it came from
    await p.h.db.owner((sql) => sql.query(
      `INSERT INTO sip_registrations (account_id, device_id, contact, call_id, cseq, expires_at, user_agent, transport, source_address, source_port)
       VALUES ($1, $2, 'sip:desk@192.168.1.50:5060', 'c1', 1, now() + interval '1 hour', 'Yealink SIP-T54W', 'UDP', '203.0.113.7', 40123)`, [t.accountId, desk.body.device.id]));
    await page.getByRole('button', { name: 'Refresh' }).click();
    await deskRow.getByText('Registered', { exact: true }).waitFor();
    await eventually(() => deskRow.innerText(), /UDP from 203\.0\.113\.7:40123/, 'deskRow innerText');

    // add a handset: its SIP credentials are shown once, and they work
    await page.getByRole('button', { name: 'Add device' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByLabel('Phone ID').fill('00-04-13-aa-bb-cc');
    await dialog.getByLabel('Name').fill('Meeting room');
    await dialog.getByLabel('Model').fill('Snom D785');
    await dialog.getByRole('button', { name: 'Add device' }).click();
    await dialog.getByText('Handset 000413AABBCC is added').waitFor();
    await eventually(() => dialog.getByRole('alert').innerText(), /Shown only now/, 'dialog.getByRole(alert) innerText');
    const firstPassword = (await dialog.locator('code.secret').innerText()).trim();
    assert.equal(firstPassword.length, 24);
    await eventually(() => dialog.innerText(), /000413aabbcc/, 'dialog innerText');
    await eventually(() => dialog.innerText(), new RegExp(`/v1/provisioning/000413AABBCC`), 'dialog innerText');
    let added = (await devicesAt(t.siteId)).find((d) => d.phoneId === '000413AABBCC');
    assert.deepEqual([added?.name, added?.model], ['Meeting room', 'Snom D785']);
    assert.equal(await provision(p.h, '000413AABBCC', '000413aabbcc', firstPassword), 200);
    await dialog.getByRole('button', { name: 'Done, the password is stored' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.ok(!(await page.content()).includes(firstPassword), 'the password is gone once the dialog is closed');
    assert.ok(!JSON.stringify(await devicesAt(t.siteId)).includes(firstPassword));
    await page.getByRole('row').filter({ hasText: '000413AABBCC' }).waitFor();

    // a duplicate Phone ID (another spelling of the desk phone's): the server's sentence under the field
    const dup = await p.h.call('POST', '/v1/devices', { token, body: { siteId: t.siteId, phoneId: '00.04.13.10.20.30' } });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.field, 'phoneId');
    const snap = await accountSnapshot(p.h, t.accountId);
    await page.getByRole('button', { name: 'Add device' }).click();
    dialog = page.getByRole('dialog');
    const phoneId = dialog.getByLabel('Phone ID');
    await phoneId.fill('00.04.13.10.20.30');
    await dialog.getByRole('button', { name: 'Add device' }).click();
    const phoneIdError = dialog.locator('.field.has-error').filter({ has: page.getByLabel('Phone ID') }).getByRole('alert');
    await phoneIdError.waitFor();
    await eventually(() => phoneIdError.innerText(), dup.body.detail, 'phoneIdError innerText');
    assert.equal(await phoneId.getAttribute('aria-invalid'), 'true');
    assert.equal(await accountSnapshot(p.h, t.accountId), snap, 'the refused add changed nothing');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // a new SIP password: shown once; the old one stops working, the new one works
    await page.getByRole('button', { name: 'New SIP password for 000413AABBCC' }).click();
    dialog = page.getByRole('dialog');
    await eventually(() => dialog.innerText(), /stops working at once/, 'dialog innerText');
    await dialog.getByRole('button', { name: 'Create a new password' }).click();
    const secret = dialog.locator('code.secret');
    await secret.waitFor();
    const newPassword = (await secret.innerText()).trim();
    assert.notEqual(newPassword, firstPassword);
    await eventually(() => dialog.getByRole('alert').innerText(), /Shown only now/, 'dialog.getByRole(alert) innerText');
    assert.equal(await provision(p.h, '000413AABBCC', '000413aabbcc', firstPassword), 401);
    assert.equal(await provision(p.h, '000413AABBCC', '000413aabbcc', newPassword), 200);
    await dialog.getByRole('button', { name: 'Done, the password is stored' }).click();
    await dialog.waitFor({ state: 'hidden' });
    assert.ok(!(await page.content()).includes(newPassword));
    // the handset fetched its configuration: the list shows when (after a refresh)
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.getByRole('row').filter({ hasText: '000413AABBCC' }).filter({ hasNotText: 'Never' }).waitFor();
    await shot(page, 'devices');

    // the desk phone has a number logged in: it cannot move or be deleted
    await page.getByRole('button', { name: 'Edit 000413102030' }).click();
    dialog = page.getByRole('dialog');
    assert.equal(await dialog.getByLabel('Site').isDisabled(), true);
    assert.equal(await dialog.getByLabel('Phone ID').isEditable(), false);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Delete 000413102030' }).click();
    dialog = page.getByRole('dialog');
    await eventually(() => dialog.innerText(), /logged into this handset/, 'dialog innerText');
    assert.equal(await dialog.getByRole('button', { name: 'Delete device' }).isDisabled(), true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    // edit: rename and move the meeting-room phone to Branch
    await page.getByRole('button', { name: 'Edit 000413AABBCC' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Board room');
    await dialog.getByLabel('Site').selectOption({ label: 'Branch' });
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('row').filter({ hasText: '000413AABBCC' }).waitFor({ state: 'detached' });
    added = (await devicesAt(branch.body.id)).find((d) => d.phoneId === '000413AABBCC');
    assert.deepEqual([added?.name, added?.siteId], ['Board room', branch.body.id]);

    // delete it, after confirming
    await page.getByLabel('Site').selectOption({ label: 'Branch' });
    await page.getByRole('row').filter({ hasText: 'Board room' }).waitFor();
    await page.getByRole('button', { name: 'Delete 000413AABBCC' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Delete device' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByText('No devices at Branch yet').waitFor();
    assert.equal((await p.h.call('GET', `/v1/devices/${added!.id}`, { token })).status, 404);
    assert.equal((await devicesAt(t.siteId)).length, 1, 'the desk phone stays');
    p.assertNoConsoleErrors(page);
  } finally {
    await p.close();
  }
});
