/**
 * The dial-plan simulator in a real browser (spec §9): a plain extension of a linked account resolved
 * across an active linked federation (route, callee and office, caller ID, metering, explanation), a
 * dial the user's call rule refuses (the engine's reason and SIP status), and the inbound plan of a
 * number called from a public number (what rings, how long, what follows).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeNumbers, makeAccount, makeUser } from '../../support/harness.ts';
import { distinctAdminExtensions, federate } from '../../support/federation.ts';
import { eventually, requireBrowser, shot, startPortal } from '../support/portal.ts';

const skip = requireBrowser();

test('a cross-account extension call resolved, a refused dial, and an inbound plan', { skip }, async () => {
  const p = await startPortal();
  try {
    const a = await makeAccount(p.h, { name: 'Sim Alpha' });
    const b = await makeAccount(p.h, { name: 'Sim Beta' });
    await distinctAdminExtensions(p.h, [a, b]);
    const ana = await makeUser(p.h, a, { firstName: 'Ana', lastName: 'Alpha', extension: '4201' });
    await makeUser(p.h, b, { firstName: 'Bea', lastName: 'Beta', extension: '301' });
    await federate(p.h, [a, b], { preset: 'linked' });
    const rule = await p.h.call('POST', '/v1/call-rules', { token: a.adminToken, body: { name: 'Internal', dialPlan: 'internal_only' } });
    assert.equal(rule.status, 201, rule.text);
    assert.equal((await p.h.call('PUT', `/v1/call-rules/${rule.body.id}/users`, { token: a.adminToken, body: { userIds: [ana.id] } })).status, 200);
    const [n] = await activeNumbers(p.h, a, 1);
    assert.equal((await p.h.call('PUT', `/v1/numbers/${n!.id}/assignment`, { token: a.adminToken, body: { userId: ana.id } })).status, 200);
    assert.equal((await p.h.call('POST', '/v1/devices', { token: a.adminToken, body: { siteId: a.siteId, phoneId: '00AABBCC4201' } })).status, 201);
    assert.equal((await p.h.call('PUT', `/v1/numbers/${n!.id}/handset`, { token: a.adminToken, body: { phoneId: '00AABBCC4201' } })).status, 200);
    const sim = async (dial: string) => (await p.h.call('POST', '/v1/routing/simulate/outbound', { token: a.adminToken, body: { from: ana.id, dial } })).body;

    const page = await p.openAs(a.adminToken, '/simulator');
    await page.getByRole('heading', { name: 'Dial-plan simulator', level: 1 }).waitFor();

    // Ana dials 301: the extension of Bea in the linked account
    const form = page.getByRole('form', { name: 'Outbound simulation' });
    await form.getByLabel('Calling user').selectOption({ label: `Ana Alpha · 4201 · ${n!.e164}` });
    await form.getByLabel('Dialled digits').fill('301');
    await form.getByRole('button', { name: 'Simulate' }).click();
    const result = page.getByRole('region', { name: 'Simulation result' });
    await result.getByText(/dials 301: routed as Extension in a linked account to Bea Beta · extension 301 at Sim Beta/).waitFor();
    const decision = result.getByRole('region', { name: 'Decision' });
    const expected = (await sim('301')).decision;
    assert.equal(expected.routeClass, 'linked_extension');
    assert.equal(expected.metering, 'on_net_linked');
    await decision.getByText('Extension in a linked account').waitFor();
    await decision.getByText('On-net, linked account').waitFor();
    await decision.getByText('Free').waitFor();
    await decision.getByText(/Ana Alpha · extension 4201 · \(Sim Alpha\)/).waitFor();
    assert.equal(expected.callerId.source, 'federation_name_extension');
    await decision.getByText(/federation policy: name \+ extension/).waitFor();
    const steps = result.getByRole('region', { name: 'Explanation' }).getByRole('listitem');
    await eventually(() => steps.count(), expected.explanation.length, 'steps count');
    await steps.filter({ hasText: 'linked_extension' }).getByText(expected.explanation.find((s: { rule: string }) => s.rule === 'linked_extension').why).waitFor();
    await result.getByText('Raw answer (JSON)').click();
    await eventually(() => result.locator('details.raw pre').innerText(), /"routeClass": "linked_extension"/, 'result.locator(details.raw pre) innerText');
    await shot(page, 'simulator');

    // a national number under the internal-only rule: refused, with the engine's reason and status
    const refused = (await sim('0301234567')).decision;
    assert.equal(refused.ok, false);
    assert.equal(refused.sipStatus, 403);
    await form.getByLabel('Dialled digits').fill('0301234567');
    await form.getByRole('button', { name: 'Simulate' }).click();
    await result.getByText(`dials 0301234567: refused — ${refused.reason}`, { exact: false }).waitFor();
    await result.getByRole('region', { name: 'Decision' }).getByText('SIP 403 Forbidden').waitFor();
    await eventually(() => result.getByRole('region', { name: 'Decision' }).getByText('Refused', { exact: true }).count(), 1, 'result.getByRole(region, { name: Decision }).getByText(Refused, { exact: true }) count');

    // inbound: Ana's number called from a public number
    await page.getByRole('tab', { name: 'A number is called' }).click();
    const inbound = page.getByRole('form', { name: 'Inbound simulation' });
    await inbound.getByLabel('Called number or extension').fill(n!.e164);
    await inbound.getByLabel('Calling number (optional)').fill('+4930123456');
    await inbound.getByRole('button', { name: 'Simulate' }).click();
    const plan = (await p.h.call('POST', '/v1/routing/simulate/inbound', { token: a.adminToken, body: { to: n!.e164, from: '+4930123456' } })).body;
    assert.equal(plan.ok, true, JSON.stringify(plan));
    assert.deepEqual(plan.ring.map((e: { phoneId: string }) => e.phoneId), ['00AABBCC4201'], JSON.stringify(plan));
    const inResult = page.getByRole('region', { name: 'Simulation result' }).filter({ hasText: 'calls' });
    const callPlan = inResult.getByRole('region', { name: 'Call plan' });
    await callPlan.getByText(/Ana Alpha · extension 4201/).waitFor();
    await callPlan.getByText('Handset 00AABBCC4201').waitFor();
    await callPlan.getByText(`${plan.ringSeconds} s`, { exact: true }).waitFor();
    assert.equal(plan.ringSeconds, 18);
    assert.equal(plan.onNoAnswer.action, 'voicemail');
    await callPlan.getByText(`Voicemail of ${n!.e164}`).first().waitFor();

    p.assertNoConsoleErrors(page);
  } finally {
    await p.close();
  }
});
