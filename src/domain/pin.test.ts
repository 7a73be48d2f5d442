/** Spec §5 PIN rules as pure functions. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from './errors.ts';
import { checkCustomPin, DEFAULT_PIN_LENGTH, generateDefaultPin, MAX_PIN_FAILURES, weakPinReason } from './pin.ts';

const ctx = { extension: '2345', e164: '+4930901827', defaultPin: '480213' };

describe('weakPinReason', () => {
  test('repeated digits are weak', () => {
    assert.equal(weakPinReason('1111', ctx), 'A PIN cannot repeat one digit');
    assert.equal(weakPinReason('000000', ctx), 'A PIN cannot repeat one digit');
  });
  test('ascending and descending runs are weak', () => {
    assert.equal(weakPinReason('1234', ctx), 'A PIN cannot be a run of consecutive digits');
    assert.equal(weakPinReason('4321', ctx), 'A PIN cannot be a run of consecutive digits');
    assert.equal(weakPinReason('56789', ctx), 'A PIN cannot be a run of consecutive digits');
  });
  test('the extension is weak', () => {
    assert.equal(weakPinReason('2345', { ...ctx, extension: '2345' }), 'A PIN cannot be a run of consecutive digits');
    assert.equal(weakPinReason('7351', { ...ctx, extension: '7351' }), 'A PIN cannot be the extension');
  });
  test("the end of the number is weak", () => {
    assert.equal(weakPinReason('1827', ctx), 'A PIN cannot be the end of the phone number');
    assert.equal(weakPinReason('901827', ctx), 'A PIN cannot be the end of the phone number');
  });
  test('the default PIN cannot be the custom PIN', () => {
    assert.equal(weakPinReason('480213', ctx), 'The custom PIN must differ from the default PIN');
  });
  test('length and digits', () => {
    assert.equal(weakPinReason('975', ctx), 'A PIN has 4 to 10 digits');
    assert.equal(weakPinReason('97531086420', ctx), 'A PIN has 4 to 10 digits');
    assert.equal(weakPinReason('97a3', ctx), 'A PIN contains digits only');
  });
  test('a good PIN passes', () => {
    assert.equal(weakPinReason('7391', ctx), null);
    assert.equal(weakPinReason('739146', ctx), null);
  });
});

describe('checkCustomPin', () => {
  test('weak PINs are pin_weak, malformed ones validation_failed, both naming the field', () => {
    assert.throws(() => checkCustomPin('1111', ctx), (e: unknown) => e instanceof AppError && e.code === 'pin_weak' && e.field === 'newPin');
    assert.throws(() => checkCustomPin('12', ctx, 'pin'), (e: unknown) => e instanceof AppError && e.code === 'validation_failed' && e.field === 'pin');
    assert.doesNotThrow(() => checkCustomPin('7391', ctx));
  });
});

describe('default PIN', () => {
  test(`has ${DEFAULT_PIN_LENGTH} digits and is not weak itself`, () => {
    for (let i = 0; i < 200; i++) {
      const p = generateDefaultPin();
      assert.match(p, /^\d{6}$/);
      assert.equal(weakPinReason(p, { extension: null, e164: '' }), null);
    }
  });
  test('three failures lock', () => assert.equal(MAX_PIN_FAILURES, 3));
});
