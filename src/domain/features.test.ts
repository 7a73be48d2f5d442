/** Spec §4 rules as pure functions: validation of each value and the rules on the merged state. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from './errors.ts';
import { applyFeaturePatch, checkCliNumber, checkFeatureRules, DEFAULT_FEATURES, featureView, type FeatureState } from './features.ts';

/** The number whose features are changed is +4930123456 (spec: a number cannot forward to itself). */
const DE = { country: 'DE', intlWhitelist: null, premiumAllowed: false, ownNumber: '+4930123456' };

/** Asserts `fn` throws an AppError with this code and field. */
function refuses(fn: () => unknown, code: string, field: string | null): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof AppError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.field, field);
    return true;
  });
}

describe('defaults', () => {
  test('no-answer fires after three rings of 6 s; voicemail and call waiting on', () => {
    assert.equal(DEFAULT_FEATURES.noAnswerRingSeconds, 18);
    assert.equal(DEFAULT_FEATURES.voicemail, true);
    assert.equal(DEFAULT_FEATURES.callWaiting, true);
    assert.doesNotThrow(() => checkFeatureRules(DEFAULT_FEATURES));
  });
});

describe('forward busy and call waiting exclude each other', () => {
  test('setting forward busy while call waiting is on is refused naming forwardBusy', () => {
    refuses(() => applyFeaturePatch(DEFAULT_FEATURES, { forwardBusy: '+4930901820' }, DE), 'busy_forward_with_call_waiting', 'forwardBusy');
  });
  test('turning call waiting on while forward busy is set is refused naming callWaiting', () => {
    const busy: FeatureState = { ...DEFAULT_FEATURES, callWaiting: false, forwardBusy: '+4930901820' };
    refuses(() => applyFeaturePatch(busy, { callWaiting: true }, DE), 'busy_forward_with_call_waiting', 'callWaiting');
  });
  test('both in one patch in an allowed combination passes', () => {
    const r = applyFeaturePatch(DEFAULT_FEATURES, { callWaiting: false, forwardBusy: '030 901820' }, DE);
    assert.equal(r.state.forwardBusy, '+4930901820');
    assert.equal(r.state.callWaiting, false);
  });
});

describe('no forwarding while an authorization code is on', () => {
  const withCode: FeatureState = { ...DEFAULT_FEATURES, authCodeEnabled: true };
  test('a forward with the code on is refused naming the forward', () => {
    refuses(() => applyFeaturePatch(withCode, { forwardAlways: '+4930901820' }, DE), 'forwarding_with_auth_code', 'forwardAlways');
  });
  test('turning the code on with a forward set is refused naming authorizationCode', () => {
    const fwd: FeatureState = { ...DEFAULT_FEATURES, forwardNoAnswer: '+4930901820' };
    refuses(() => applyFeaturePatch(fwd, { authorizationCode: { enabled: true, code: '8642' } }, DE), 'forwarding_with_auth_code', 'authorizationCode');
  });
  test('turning the code off and forwarding in one patch passes', () => {
    const r = applyFeaturePatch(withCode, { authorizationCode: { enabled: false }, forwardAlways: '+4930901820' }, DE);
    assert.equal(r.state.authCodeEnabled, false);
    assert.equal(r.state.forwardAlways, '+4930901820');
  });
});

describe('forward destinations', () => {
  test('an invalid destination is refused naming the field', () => {
    refuses(() => applyFeaturePatch(DEFAULT_FEATURES, { forwardAlways: '12' }, DE), 'invalid_number', 'forwardAlways');
  });
  test('a premium number is refused unless the account allows premium', () => {
    refuses(() => applyFeaturePatch(DEFAULT_FEATURES, { forwardNoAnswer: '09001234567' }, DE), 'destination_not_allowed', 'forwardNoAnswer');
    const r = applyFeaturePatch(DEFAULT_FEATURES, { forwardNoAnswer: '09001234567' }, { ...DE, premiumAllowed: true });
    assert.equal(r.state.forwardNoAnswer, '+499001234567');
  });
  test('a country off the whitelist is refused; a listed one passes', () => {
    const policy = { ...DE, intlWhitelist: ['AT'] };
    refuses(() => applyFeaturePatch(DEFAULT_FEATURES, { forwardAlways: '+33123456789' }, policy), 'destination_not_allowed', 'forwardAlways');
    assert.equal(applyFeaturePatch(DEFAULT_FEATURES, { forwardAlways: '+43123456789' }, policy).state.forwardAlways, '+43123456789');
  });
  test('a number cannot forward to itself, in any form it is typed, for every kind of forward', () => {
    for (const kind of ['forwardAlways', 'forwardBusy', 'forwardNoAnswer'] as const) {
      for (const typed of ['+4930123456', '030 123456', '0049 30 123456']) {
        refuses(() => applyFeaturePatch({ ...DEFAULT_FEATURES, callWaiting: false }, { [kind]: typed }, DE), 'forward_to_self', kind);
      }
    }
    // Another number of the same range passes.
    assert.equal(applyFeaturePatch(DEFAULT_FEATURES, { forwardAlways: '030 123457' }, DE).state.forwardAlways, '+4930123457');
  });
  test("emergency numbers of the account's country are never a forward destination", () => {
    for (const typed of ['112', '110', ' 1 1 0 ']) {
      refuses(() => applyFeaturePatch(DEFAULT_FEATURES, { forwardAlways: typed }, DE), 'destination_not_allowed', 'forwardAlways');
    }
    refuses(() => applyFeaturePatch(DEFAULT_FEATURES, { forwardNoAnswer: '911' }, { ...DE, country: 'US' }), 'destination_not_allowed', 'forwardNoAnswer');
    // Not a subscriber number either, in any other form: refused as invalid.
    refuses(() => applyFeaturePatch(DEFAULT_FEATURES, { forwardAlways: '+49112' }, DE), 'invalid_number', 'forwardAlways');
    refuses(() => applyFeaturePatch(DEFAULT_FEATURES, { forwardAlways: '911' }, DE), 'invalid_number', 'forwardAlways');
  });
  test('null or empty turns a forward off', () => {
    const fwd: FeatureState = { ...DEFAULT_FEATURES, forwardAlways: '+4930901820' };
    assert.equal(applyFeaturePatch(fwd, { forwardAlways: null }, DE).state.forwardAlways, null);
    assert.equal(applyFeaturePatch(fwd, { forwardAlways: '' }, DE).state.forwardAlways, null);
  });
});

describe('other values', () => {
  test('ring time is 6–120 s', () => {
    refuses(() => applyFeaturePatch(DEFAULT_FEATURES, { noAnswerRingSeconds: 5 }, DE), 'validation_failed', 'noAnswerRingSeconds');
    refuses(() => applyFeaturePatch(DEFAULT_FEATURES, { noAnswerRingSeconds: 121 }, DE), 'validation_failed', 'noAnswerRingSeconds');
    assert.equal(applyFeaturePatch(DEFAULT_FEATURES, { noAnswerRingSeconds: 24 }, DE).state.noAnswerRingSeconds, 24);
  });
  test('voicemail to e-mail needs an address', () => {
    refuses(() => applyFeaturePatch(DEFAULT_FEATURES, { voicemailToEmail: 'not-an-address' }, DE), 'validation_failed', 'voicemailToEmail');
    assert.equal(applyFeaturePatch(DEFAULT_FEATURES, { voicemailToEmail: ' ada@example.com ' }, DE).state.voicemailToEmail, 'ada@example.com');
  });
  test('an authorization code has 4–12 digits and is needed to turn it on', () => {
    refuses(() => applyFeaturePatch(DEFAULT_FEATURES, { authorizationCode: { enabled: true, code: '12a4' } }, DE), 'validation_failed', 'authorizationCode.code');
    refuses(() => applyFeaturePatch(DEFAULT_FEATURES, { authorizationCode: { enabled: true, code: '123' } }, DE), 'validation_failed', 'authorizationCode.code');
    refuses(() => applyFeaturePatch(DEFAULT_FEATURES, { authorizationCode: { enabled: true } }, DE), 'validation_failed', 'authorizationCode.code');
    const r = applyFeaturePatch(DEFAULT_FEATURES, { authorizationCode: { enabled: true, code: '97531' } }, DE);
    assert.equal(r.newAuthCode, '97531');
    assert.equal(r.state.authCodeEnabled, true);
    // Already on: enabled without a code keeps the stored one.
    const kept = applyFeaturePatch(r.state, { authorizationCode: { enabled: true } }, DE);
    assert.equal(kept.newAuthCode, null);
    assert.equal(kept.state.authCodeEnabled, true);
  });
  test('the view never carries the code', () => {
    const v = featureView({ ...DEFAULT_FEATURES, authCodeEnabled: true });
    assert.deepEqual(v.authorizationCode, { enabled: true });
    assert.deepEqual(v.cli, { enabled: false, number: null });
  });
  test('CLI on needs a number and parses it per the account country', () => {
    refuses(() => applyFeaturePatch(DEFAULT_FEATURES, { cli: { enabled: true } }, DE), 'validation_failed', 'cli.number');
    assert.equal(applyFeaturePatch(DEFAULT_FEATURES, { cli: { enabled: true, number: '030 901820' } }, DE).state.cliNumber, '+4930901820');
    assert.equal(applyFeaturePatch({ ...DEFAULT_FEATURES, cliNumber: '+4930901820' }, { cli: { enabled: false } }, DE).state.cliNumber, null);
  });
});

describe('CLI number', () => {
  const site = 'site-a';
  test('an active number of the same site passes', () => {
    assert.doesNotThrow(() => checkCliNumber('+4930901820', { siteId: site, status: 'active' }, site));
  });
  test('another account (not found), another site, or a reserved or pending number is refused', () => {
    refuses(() => checkCliNumber('+4930901820', null, site), 'cli_number_not_allowed', 'cli.number');
    refuses(() => checkCliNumber('+4930901820', { siteId: 'site-b', status: 'active' }, site), 'cli_number_not_allowed', 'cli.number');
    refuses(() => checkCliNumber('+4930901820', { siteId: site, status: 'reserved' }, site), 'cli_number_not_allowed', 'cli.number');
    refuses(() => checkCliNumber('+4930901820', { siteId: site, status: 'pending' }, site), 'cli_number_not_allowed', 'cli.number');
  });
});
