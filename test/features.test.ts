/** Spec §4 number features through the API: the rules on every write, CLI, authorization code. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { accountSnapshot, activeNumbers, allocate, harness, makeAccount, makeUser, nextNumber, type Harness, type TenantFixture } from './support/harness.ts';

let h: Harness;
let a: TenantFixture;
let b: TenantFixture;
before(async () => {
  h = await harness();
  a = await makeAccount(h, { intlWhitelist: ['AT'] });
  b = await makeAccount(h);
});
after(async () => h.close());

const patch = (id: string, body: unknown, token = a.adminToken) => h.call('PATCH', `/v1/numbers/${id}/features`, { token, body });

/** Asserts a refusal with exact status, code and field, and that nothing in the account changed. */
async function refused(id: string, body: unknown, status: number, code: string, field: string | undefined, token = a.adminToken): Promise<void> {
  const snap = await accountSnapshot(h, a.accountId);
  const r = await patch(id, body, token);
  assert.equal(r.status, status, r.text);
  assert.equal(r.body.code, code);
  assert.equal(r.body.field, field);
  assert.equal(await accountSnapshot(h, a.accountId), snap);
}

describe('features', () => {
  test('defaults: voicemail and call waiting on, no-answer after 3 rings of 6 s', async () => {
    const [n] = await activeNumbers(h, a, 1);
    const r = await h.call('GET', `/v1/numbers/${n!.id}/features`, { token: a.adminToken });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, {
      forwardAlways: null, forwardBusy: null, forwardNoAnswer: null, noAnswerRingSeconds: 18, voicemail: true, voicemailToEmail: null,
      hideCallerId: false, callWaiting: true, doNotDisturb: false, cli: { enabled: false, number: null }, authorizationCode: { enabled: false },
    });
  });

  test('forward busy and call waiting are refused together, in both orders', async () => {
    const [n] = await activeNumbers(h, a, 1);
    // Call waiting is on by default: setting forward busy is refused.
    await refused(n!.id, { forwardBusy: '+4930901820' }, 409, 'busy_forward_with_call_waiting', 'forwardBusy');
    const ok = await patch(n!.id, { callWaiting: false, forwardBusy: '030 901820' });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.forwardBusy, '+4930901820');
    // Forward busy is set: turning call waiting on is refused.
    await refused(n!.id, { callWaiting: true }, 409, 'busy_forward_with_call_waiting', 'callWaiting');
  });

  test('no forwarding while an authorization code is on, and no code while forwarding', async () => {
    const [n1, n2] = await activeNumbers(h, a, 2);
    const on = await patch(n1!.id, { authorizationCode: { enabled: true, code: '86420975' } });
    assert.equal(on.status, 200, on.text);
    assert.deepEqual(on.body.authorizationCode, { enabled: true });
    assert.ok(!on.text.includes('86420975'));
    for (const f of ['forwardAlways', 'forwardBusy', 'forwardNoAnswer']) {
      await refused(n1!.id, { [f]: '+4930901820', callWaiting: false }, 409, 'forwarding_with_auth_code', f);
    }
    assert.equal((await patch(n2!.id, { forwardNoAnswer: '+4930901820' })).status, 200);
    await refused(n2!.id, { authorizationCode: { enabled: true, code: '86420975' } }, 409, 'forwarding_with_auth_code', 'authorizationCode');
    // The code is stored as argon2id only, never in clear, and never returned or audited.
    const stored = await h.db.owner((sql) => sql.query<{ auth_code_hash: string }>(`SELECT auth_code_hash FROM number_features WHERE number_id = $1`, [n1!.id]));
    assert.match(stored[0]!.auth_code_hash, /^\$argon2id\$/);
    const details = await h.call('GET', `/v1/numbers/${n1!.id}`, { token: a.adminToken });
    const audit = await h.call('GET', `/v1/audit?targetId=${n1!.id}`, { token: a.adminToken });
    assert.ok(audit.body.items.some((x: { action: string; after: { authorizationCodeEnabled: boolean } }) => x.action === 'number.features.update' && x.after.authorizationCodeEnabled === true));
    for (const text of [details.text, audit.text, (await h.call('GET', `/v1/numbers/${n1!.id}/features`, { token: a.adminToken })).text]) {
      assert.ok(!text.includes('86420975') && !text.includes('argon2'), text);
    }
    // Turning it off clears the hash; forwarding then works.
    const off = await patch(n1!.id, { authorizationCode: { enabled: false }, forwardAlways: '+4930901820' });
    assert.equal(off.status, 200, off.text);
    assert.equal(off.body.authorizationCode.enabled, false);
  });

  test('forwarding destinations: invalid, premium and non-whitelisted countries are refused', async () => {
    const [n] = await activeNumbers(h, a, 1);
    await refused(n!.id, { forwardAlways: '12345' }, 400, 'invalid_number', 'forwardAlways');
    await refused(n!.id, { forwardNoAnswer: '0900 1234567' }, 409, 'destination_not_allowed', 'forwardNoAnswer');
    await refused(n!.id, { forwardAlways: '+33 1 23 45 67 89' }, 409, 'destination_not_allowed', 'forwardAlways');
    const at = await patch(n!.id, { forwardAlways: '+43 1 23456789' });
    assert.equal(at.status, 200, at.text);
    assert.equal(at.body.forwardAlways, '+43123456789');
  });

  test('a number cannot forward to itself (issue 4: refused at save time, nothing changes)', async () => {
    const [n, other] = await activeNumbers(h, a, 2);
    const national = `0${n!.e164.slice(3)}`; // the same number typed in German national form
    await refused(n!.id, { forwardAlways: n!.e164 }, 400, 'forward_to_self', 'forwardAlways');
    await refused(n!.id, { forwardNoAnswer: national }, 400, 'forward_to_self', 'forwardNoAnswer');
    await refused(n!.id, { callWaiting: false, forwardBusy: n!.e164 }, 400, 'forward_to_self', 'forwardBusy');
    const ok = await patch(n!.id, { forwardAlways: other!.e164 });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.forwardAlways, other!.e164);
  });

  test('CLI: an active number of the same account and site only', async () => {
    const [n, same] = await activeNumbers(h, a, 2);
    const [reserved] = await allocate(h, a, 1);
    const site2 = await h.call('POST', '/v1/sites', { token: a.adminToken, body: { name: 'Other site', timeZone: 'Europe/Berlin', mainNumber: nextNumber() } });
    const [otherSite] = await activeNumbers(h, a, 1, site2.body.id);
    const [foreign] = await activeNumbers(h, b, 1);
    await refused(n!.id, { cli: { enabled: true, number: otherSite!.e164 } }, 409, 'cli_number_not_allowed', 'cli.number');
    await refused(n!.id, { cli: { enabled: true, number: reserved!.e164 } }, 409, 'cli_number_not_allowed', 'cli.number');
    await refused(n!.id, { cli: { enabled: true, number: foreign!.e164 } }, 409, 'cli_number_not_allowed', 'cli.number');
    await refused(n!.id, { cli: { enabled: true, number: nextNumber() } }, 409, 'cli_number_not_allowed', 'cli.number');
    const ok = await patch(n!.id, { cli: { enabled: true, number: same!.e164 } });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.body.cli, { enabled: true, number: same!.e164 });
    const main = await patch(n!.id, { cli: { enabled: true, number: a.mainNumber } });
    assert.equal(main.status, 200, 'the site main number is an active number of the same site');
    const off = await patch(n!.id, { cli: { enabled: false } });
    assert.deepEqual(off.body.cli, { enabled: false, number: null });
  });

  test('other values are validated; the merged result keeps untouched features', async () => {
    const [n] = await activeNumbers(h, a, 1);
    await refused(n!.id, { noAnswerRingSeconds: 5 }, 400, 'validation_failed', 'noAnswerRingSeconds');
    await refused(n!.id, { voicemailToEmail: 'nobody' }, 400, 'validation_failed', 'voicemailToEmail');
    await refused(n!.id, { authorizationCode: { enabled: true, code: '12' } }, 400, 'validation_failed', 'authorizationCode.code');
    await refused(n!.id, { authorizationCode: { enabled: true } }, 400, 'validation_failed', 'authorizationCode.code');
    await refused(n!.id, { unknown: true }, 400, 'validation_failed', 'unknown');
    const r = await patch(n!.id, { voicemailToEmail: 'ada@example.com', doNotDisturb: true, hideCallerId: true, noAnswerRingSeconds: 30 });
    assert.equal(r.status, 200, r.text);
    const r2 = await patch(n!.id, { voicemail: false });
    assert.equal(r2.body.voicemailToEmail, 'ada@example.com');
    assert.equal(r2.body.doNotDisturb, true);
    assert.equal(r2.body.noAnswerRingSeconds, 30);
    assert.equal(r2.body.voicemail, false);
  });

  test('the assigned user sets their own features; nobody else outside the site admins', async () => {
    const [mine, other] = await activeNumbers(h, a, 2);
    const u = await makeUser(h, a);
    await h.call('PUT', `/v1/numbers/${mine!.id}/assignment`, { token: a.adminToken, body: { userId: u.id } });
    const own = await patch(mine!.id, { doNotDisturb: true }, u.token);
    assert.equal(own.status, 200, own.text);
    assert.equal((await h.call('GET', `/v1/numbers/${mine!.id}/features`, { token: u.token })).body.doNotDisturb, true);
    await refused(other!.id, { doNotDisturb: true }, 404, 'not_found', undefined, u.token);
    const snap = await accountSnapshot(h, a.accountId);
    assert.equal((await patch(mine!.id, { doNotDisturb: false }, b.adminToken)).status, 404);
    assert.equal((await h.call('GET', `/v1/numbers/${mine!.id}/features`, { token: b.adminToken })).status, 404);
    assert.equal(await accountSnapshot(h, a.accountId), snap);
  });

  test('the database refuses a forbidden combination even if a service let one through', async () => {
    const [n] = await activeNumbers(h, a, 1);
    await assert.rejects(h.db.owner((sql) => sql.query(`UPDATE number_features SET forward_busy = '+4930901820', call_waiting = true WHERE number_id = $1`, [n!.id])));
    await assert.rejects(h.db.owner((sql) => sql.query(`UPDATE number_features SET forward_always = '+4930901820', auth_code_hash = 'x' WHERE number_id = $1`, [n!.id])));
  });
});
