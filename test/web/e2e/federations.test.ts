/**
 * Federations in a real browser (spec §8): proposing with a preset and one field changed, the consent
 * screen (the exact text, the tick before Consent, a stale text refused), a federation that stays
 * proposed until every account consented, the collision report and the last consent it blocks, two
 * accounts consenting in two pages; adding an account, and removing and leaving with the impact
 * preview shown before the change; declining with a recorded reason, withdrawing a proposal, and
 * dissolving an active federation after its preview.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { makeAccount, makeUser } from '../../support/harness.ts';
import { consentAs, distinctAdminExtensions, federate, propose } from '../../support/federation.ts';
import { eventually, requireBrowser, shot, startPortal } from '../support/portal.ts';

const skip = requireBrowser();

const consentButton = (page: Page) => page.getByRole('button', { name: 'Consent', exact: true });
const ackBox = (page: Page) => page.getByRole('checkbox', { name: /I have read this acknowledgement/ });

test('propose with a preset and a changed field; consent needs the tick, every account, and no collisions', { skip }, async () => {
  const p = await startPortal();
  try {
    const a = await makeAccount(p.h, { name: 'Fed Alpha' });
    const b = await makeAccount(p.h, { name: 'Fed Beta' }); // both admins have extension 100: a collision
    const get = async (id: string, token = a.adminToken) => (await p.h.call('GET', `/v1/federations/${id}`, { token })).body;

    const pa = await p.openAs(a.adminToken, '/federations');
    await pa.getByRole('heading', { name: 'Federations', level: 1 }).waitFor();
    await pa.getByText('This account is in no federation yet').waitFor();

    // the presets fill every field; each field stays editable
    await pa.getByRole('button', { name: 'Propose a federation' }).click();
    const dialog = pa.getByRole('dialog', { name: 'Propose a federation' });
    await dialog.getByLabel('Name').fill('Group companies');
    await dialog.getByRole('radio', { name: /Federated/ }).check();
    await eventually(() => dialog.getByLabel("Dial the other accounts' extensions (plain, or main number * extension)").isChecked(), false, 'dialog.getByLabel(Dial the other accounts extensions (plain, or main number * extension)) isChecked');
    await eventually(() => dialog.getByLabel('Share presence and status message').isChecked(), true, 'dialog.getByLabel(Share presence and status message) isChecked');
    await eventually(() => dialog.getByLabel('Caller ID, call log and notifications show').inputValue(), 'name_number', 'dialog.getByLabel(Caller ID, call log and notifications show) inputValue');
    await dialog.getByRole('radio', { name: /Linked/ }).check();
    await eventually(() => dialog.getByLabel("Dial the other accounts' extensions (plain, or main number * extension)").isChecked(), true, 'dialog.getByLabel(Dial the other accounts extensions (plain, or main number * extension)) isChecked');
    await eventually(() => dialog.getByLabel('Share presence and status message').isChecked(), false, 'dialog.getByLabel(Share presence and status message) isChecked');
    await eventually(() => dialog.getByLabel('Caller ID, call log and notifications show').inputValue(), 'name_extension', 'dialog.getByLabel(Caller ID, call log and notifications show) inputValue');
    await dialog.getByLabel('Share presence and status message').check();
    await dialog.getByText(/Custom: differs from the linked preset in share presence and status message/).waitFor();

    // an unknown SIP domain: the server's sentence beside that row, and nothing proposed
    await dialog.getByLabel('SIP domain of member account 1').fill('nobody.example.net');
    await dialog.getByRole('button', { name: 'Propose', exact: true }).click();
    await dialog.getByText('No account has the SIP domain nobody.example.net').waitFor();
    assert.equal(await dialog.getByLabel('SIP domain of member account 1').getAttribute('aria-invalid'), 'true');
    assert.deepEqual((await p.h.call('GET', '/v1/federations', { token: a.adminToken })).body.items, []);

    await dialog.getByLabel('SIP domain of member account 1').fill(b.domain);
    await dialog.getByRole('button', { name: 'Propose', exact: true }).click();
    await pa.getByRole('heading', { name: 'Group companies', level: 1 }).waitFor();
    const id = pa.url().split('/federations/')[1]!;
    const proposed = await get(id);
    assert.equal(proposed.status, 'proposed');
    assert.equal(proposed.preset, 'custom');
    assert.deepEqual(proposed.policy, { directory: true, extensionDialing: true, metered: false, callerIdDisplay: 'name_extension', sharePresence: true, shareProfileImage: false, pager: false, chat: true });

    // the consent screen: the server's exact text; Consent stays disabled until it is ticked
    const consent = pa.getByRole('region', { name: 'Your consent' });
    const text1 = (await p.h.call('GET', `/v1/federations/${id}/consent-text`, { token: a.adminToken })).body.text as string;
    await eventually(() => consent.getByLabel('Acknowledgement text').innerText(), text1, 'consent.getByLabel(Acknowledgement text) innerText');
    assert.equal(await consentButton(pa).isDisabled(), true);
    await shot(pa, 'consent');
    await ackBox(pa).check();
    assert.equal(await consentButton(pa).isDisabled(), false);
    await ackBox(pa).uncheck();
    assert.equal(await consentButton(pa).isDisabled(), true);

    // the policy changes under the admin (a new round): the stale acknowledgement is refused, with the
    // server's sentence beside the tick box, the new text shown, and the tick to be given again
    const patch = await p.h.call('PATCH', `/v1/federations/${id}/policy`, { token: a.adminToken, body: { pager: true } });
    assert.equal(patch.status, 200, patch.text);
    await ackBox(pa).check();
    await consentButton(pa).click();
    await consent.getByText('Submit exactly the text GET /v1/federations/{id}/consent-text gives for the current round').waitFor();
    assert.equal((await get(id)).members.find((m: { accountId: string }) => m.accountId === a.accountId).consentedRound, null);
    const text2 = (await p.h.call('GET', `/v1/federations/${id}/consent-text`, { token: a.adminToken })).body.text as string;
    assert.notEqual(text2, text1);
    await consent.getByLabel('Acknowledgement text').getByText(text2).waitFor();
    await eventually(() => ackBox(pa).isChecked(), false, 'ackBox(pa) isChecked');
    assert.equal(await consentButton(pa).isDisabled(), true);

    // A consents: still proposed, B's consent awaited
    await ackBox(pa).check();
    await consentButton(pa).click();
    await pa.getByText(/This account consented to round 2\. Waiting for: Fed Beta/).waitFor();
    const members = pa.getByRole('table', { name: 'Member accounts and their consent' });
    await members.getByRole('row', { name: /Fed Beta/ }).getByText('Awaiting consent').waitFor();
    await members.getByRole('row', { name: /Fed Alpha/ }).getByText('Consented').waitFor();
    await pa.getByText(/Not active yet: it becomes active when every member account has consented \(1 of 2 have\)/).waitFor();
    assert.equal((await get(id)).status, 'proposed');

    // B sees the invitation highlighted on its list, in its own browser page
    const pb = await p.openAs(b.adminToken, '/federations');
    const awaiting = pb.getByRole('region', { name: 'Awaiting your consent' });
    await awaiting.getByText('Group companies', { exact: true }).waitFor();
    await pb.getByRole('table', { name: 'Federations of this account' }).getByText('Awaiting your consent (round 2)').waitFor();
    await shot(pb, 'federations');
    await awaiting.getByRole('link', { name: /Review and consent/ }).click();
    await pb.getByRole('heading', { name: 'Group companies', level: 1 }).waitFor();

    // the collision report lists the shared extension 100; the last consent is refused while it remains
    const report = pb.getByRole('table', { name: 'Extension collisions' });
    const row100 = report.getByRole('row', { name: /100/ });
    await row100.getByText('Fed Alpha').waitFor();
    await row100.getByText('Fed Beta').waitFor();
    await ackBox(pb).check();
    await consentButton(pb).click();
    await pb.getByRole('region', { name: 'Your consent' }).getByRole('alert').getByText(/1 extension\(s\) are used in more than one member account \(for example 100\)/).waitFor();
    const still = await get(id, b.adminToken);
    assert.equal(still.status, 'proposed');
    assert.equal(still.members.find((m: { accountId: string }) => m.accountId === b.accountId).consentedThisRound, false);

    // resolved (B's admin takes another extension): the report empties and B's consent activates it
    assert.equal((await p.h.call('PATCH', `/v1/users/${b.adminId}`, { token: b.adminToken, body: { extension: '5100' } })).status, 200);
    await pb.getByRole('button', { name: 'Refresh' }).click();
    await pb.getByText('No extension is used in more than one member account.').waitFor();
    await ackBox(pb).check();
    await consentButton(pb).click();
    await pb.getByText(/Active since .*: every member account consented/).waitFor();
    await eventually(() => pb.getByRole('region', { name: 'Your consent' }).count(), 0, 'pb.getByRole(region, { name: Your consent }) count');
    await shot(pb, 'federation-detail');
    assert.equal((await get(id)).status, 'active');

    // A's page shows it active after a refresh; the consent record names both consents
    await pa.getByRole('button', { name: 'Refresh' }).click();
    await pa.getByText(/Active since/).waitFor();
    const record = pa.getByRole('table', { name: 'Consent record' });
    await eventually(() => record.getByRole('row').filter({ hasText: 'consent' }).filter({ hasText: text2.slice(0, 40) }).count(), 1, 'record.getByRole(row).filter({ hasText: consent }).filter({ hasText: text2.slice(0, 40) }) count');
    await eventually(() => record.getByRole('row').filter({ hasText: /On behalf of Fed Beta/ }).count(), 1, 'record.getByRole(row).filter({ hasText: /On behalf of Fed Beta/ }) count');

    p.assertNoConsoleErrors(pa);
    p.assertNoConsoleErrors(pb);
  } finally {
    await p.close();
  }
});

test('add an account (fresh consent), remove one and leave, each after its impact preview', { skip }, async () => {
  const p = await startPortal();
  try {
    const a = await makeAccount(p.h, { name: 'Imp Alpha' });
    const b = await makeAccount(p.h, { name: 'Imp Beta' });
    const c = await makeAccount(p.h, { name: 'Imp Gamma' });
    await distinctAdminExtensions(p.h, [a, b, c]);
    await makeUser(p.h, a, { extension: '4201' });
    const id = await federate(p.h, [a, b], { name: 'Group', preset: 'linked' });
    const rule = await p.h.call('POST', '/v1/call-rules', { token: a.adminToken, body: { name: 'To Beta', dialPlan: 'national', organizationConnect: [{ prefix: '9', destinationAccountId: b.accountId }] } });
    assert.equal(rule.status, 201, rule.text);
    const get = async () => (await p.h.call('GET', `/v1/federations/${id}`, { token: a.adminToken })).body;

    const page = await p.openAs(a.adminToken, `/federations/${id}`);
    await page.getByRole('heading', { name: 'Group', level: 1 }).waitFor();

    // add C: a new round that every account, old and new, must consent to
    await page.getByRole('button', { name: 'Add member account' }).click();
    const add = page.getByRole('dialog', { name: 'Add a member account' });
    await add.getByRole('region', { name: 'Impact preview' }).getByText(/Round 2 starts: every account — .*Imp Alpha.* and the new one — must consent again/).waitFor();
    await add.getByLabel('SIP domain of the account to add').fill(c.domain);
    await add.getByRole('button', { name: 'Invite the account' }).click();
    const members = page.getByRole('table', { name: 'Member accounts and their consent' });
    await members.getByRole('row', { name: /Imp Gamma/ }).getByText('Invited').waitFor();
    await page.getByRole('region', { name: 'Your consent' }).waitFor();
    let f = await get();
    assert.equal(f.round, 2);
    assert.equal(f.members.find((m: { accountId: string }) => m.accountId === c.accountId).status, 'pending');
    await ackBox(page).check();
    await consentButton(page).click();
    await page.getByText(/This account consented to round 2\. Waiting for: Imp Beta, Imp Gamma/).waitFor();
    for (const t of [b, c]) assert.equal((await consentAs(p.h, t, id)).status, 200);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await members.getByRole('row', { name: /Imp Gamma/ }).getByText('Member', { exact: true }).waitFor();

    // remove B: the impact preview first; Cancel changes nothing
    await members.getByRole('button', { name: 'Remove Imp Beta' }).click();
    const remove = page.getByRole('dialog', { name: 'Remove Imp Beta' });
    const impact = remove.getByRole('region', { name: 'Impact preview' });
    await impact.getByText(/Imp Alpha: 2 users lose sight of the users of Imp Beta/).waitFor();
    await impact.getByText(/Imp Alpha can no longer dial the extensions of Imp Beta/).waitFor();
    await impact.getByText(/1 outbound call rule of this account stops reaching its destination by prefix: “To Beta”/).waitFor();
    await remove.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await get()).members.find((m: { accountId: string }) => m.accountId === b.accountId).status, 'active');
    await members.getByRole('button', { name: 'Remove Imp Beta' }).click();
    await impact.waitFor();
    await remove.getByRole('button', { name: 'Remove Imp Beta' }).click();
    await members.getByRole('row', { name: /Imp Beta/ }).getByText('Removed').waitFor();
    f = await get();
    assert.equal(f.status, 'active');
    assert.equal(f.members.find((m: { accountId: string }) => m.accountId === b.accountId).status, 'removed');
    assert.equal((await p.h.call('GET', `/v1/call-rules/${rule.body.id}`, { token: a.adminToken })).body.active, false);

    // the policy of an active federation: sharing more is refused beside that field; sharing less is saved
    await page.getByRole('button', { name: 'Edit policy' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit the policy' });
    await edit.getByLabel('Share presence and status message').check();
    await edit.getByRole('button', { name: 'Save policy' }).click();
    await edit.getByText(/^Sharing more \(sharePresence\) in an active federation needs every account's fresh consent/).waitFor();
    assert.equal(await edit.getByLabel('Share presence and status message').getAttribute('aria-invalid'), 'true');
    assert.equal((await get()).policy.sharePresence, false);
    await edit.getByLabel('Share presence and status message').uncheck();
    await edit.getByLabel('Chat (1:1 and channels) and meetings').uncheck();
    await edit.getByRole('button', { name: 'Save policy' }).click();
    await edit.waitFor({ state: 'hidden' });
    assert.deepEqual({ ...(await get()).policy }, { directory: true, extensionDialing: true, metered: false, callerIdDisplay: 'name_extension', sharePresence: false, shareProfileImage: false, pager: false, chat: false });

    // leave: the preview names what this account loses; the federation (one member left) is dissolved
    await page.getByRole('button', { name: 'Leave federation' }).click();
    const leave = page.getByRole('dialog', { name: 'Leave the federation' });
    await leave.getByRole('region', { name: 'Impact preview' }).getByText(/Imp Alpha: 2 users lose sight of the users of Imp Gamma/).waitFor();
    await leave.getByRole('button', { name: 'Leave', exact: true }).click();
    await page.getByText(/Ended .*Nothing is shared through it any more/).waitFor();
    await eventually(() => page.getByRole('button', { name: 'Leave federation' }).count(), 0, 'page.getByRole(button, { name: Leave federation }) count');
    f = await get();
    assert.equal(f.status, 'dissolved');
    assert.equal(f.members.find((m: { accountId: string }) => m.accountId === a.accountId).status, 'left');
    assert.deepEqual((await p.h.call('GET', '/v1/federation-grants', { token: a.adminToken })).body.items, []);

    p.assertNoConsoleErrors(page);
  } finally {
    await p.close();
  }
});

test('decline a proposal with a reason, withdraw one, and dissolve an active federation after its impact preview', { skip }, async () => {
  const p = await startPortal();
  try {
    const a = await makeAccount(p.h, { name: 'End Alpha' });
    const b = await makeAccount(p.h, { name: 'End Beta' });
    const c = await makeAccount(p.h, { name: 'End Gamma' });
    await distinctAdminExtensions(p.h, [a, b, c]);
    const get = async (id: string) => (await p.h.call('GET', `/v1/federations/${id}`, { token: a.adminToken })).body;
    const ended = (page: Page) => page.getByText(/Ended .*Nothing is shared through it any more/).waitFor();

    // B declines A's proposal with a reason: it ends for every account, and the consent record keeps the reason
    const declinedId = await propose(p.h, a, [b], { name: 'Declined group', preset: 'linked' });
    const pb = await p.openAs(b.adminToken, `/federations/${declinedId}`);
    await pb.getByRole('heading', { name: 'Declined group', level: 1 }).waitFor();
    await pb.getByRole('region', { name: 'Your consent' }).getByRole('button', { name: 'Decline', exact: true }).click();
    const decline = pb.getByRole('dialog', { name: 'Decline the proposal' });
    await decline.getByText('Declining ends the proposal "Declined group" for every account.').waitFor();
    await decline.getByLabel('Reason (optional, recorded)').fill('We merge next year instead');
    await decline.getByRole('button', { name: 'Decline', exact: true }).click();
    await ended(pb);
    const declined = await get(declinedId);
    assert.equal(declined.status, 'declined');
    assert.equal(declined.members.find((m: { accountId: string }) => m.accountId === b.accountId).status, 'declined');
    await pb.getByRole('table', { name: 'Consent record' }).getByRole('row', { name: /decline/ }).getByText(/We merge next year instead/).waitFor();
    await eventually(() => pb.getByRole('region', { name: 'Your consent' }).count(), 0, 'nothing left to consent to');

    // A withdraws its proposal to C: Cancel first changes nothing; then it ends, nothing was shared
    const withdrawnId = await propose(p.h, a, [c], { name: 'Withdrawn group', preset: 'linked' });
    const pa = await p.openAs(a.adminToken, `/federations/${withdrawnId}`);
    await pa.getByRole('heading', { name: 'Withdrawn group', level: 1 }).waitFor();
    await pa.getByRole('button', { name: 'Withdraw proposal' }).click();
    const withdraw = pa.getByRole('dialog', { name: 'Withdraw the proposal' });
    await withdraw.getByText('The proposal "Withdrawn group" ends for every account; nothing was shared.').waitFor();
    await withdraw.getByRole('button', { name: 'Cancel' }).click();
    await withdraw.waitFor({ state: 'hidden' });
    assert.equal((await get(withdrawnId)).status, 'proposed');
    await pa.getByRole('button', { name: 'Withdraw proposal' }).click();
    await withdraw.getByRole('button', { name: 'Withdraw', exact: true }).click();
    await ended(pa);
    assert.equal((await get(withdrawnId)).status, 'withdrawn');
    await eventually(() => pa.getByRole('button', { name: 'Withdraw proposal' }).count(), 0, 'no withdraw button on an ended proposal');

    // dissolve an active federation of three: the preview names what every account loses, then it ends for all
    const activeId = await federate(p.h, [a, b, c], { name: 'Dissolved group', preset: 'linked' });
    const pd = await p.openAs(a.adminToken, `/federations/${activeId}`);
    await pd.getByRole('heading', { name: 'Dissolved group', level: 1 }).waitFor();
    await pd.getByRole('button', { name: 'Dissolve federation' }).click();
    const dissolve = pd.getByRole('dialog', { name: 'Dissolve the federation' });
    const impact = dissolve.getByRole('region', { name: 'Impact preview' });
    await impact.getByText(/End Alpha: \d+ (user loses|users lose) sight of the users of End Beta, End Gamma/).waitFor();
    await impact.getByText(/End Beta can no longer dial the extensions of End Alpha, End Gamma/).waitFor();
    await dissolve.getByText(/"Dissolved group" ends at once for every member account/).waitFor();
    await dissolve.getByRole('button', { name: 'Dissolve', exact: true }).click();
    await ended(pd);
    assert.equal((await get(activeId)).status, 'dissolved');
    for (const t of [a, b, c]) assert.deepEqual((await p.h.call('GET', '/v1/federation-grants', { token: t.adminToken })).body.items, [], 'no account shares anything any more');

    for (const page of [pa, pb, pd]) p.assertNoConsoleErrors(page);
  } finally {
    await p.close();
  }
});
