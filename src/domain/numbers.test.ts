/** Spec §3 number status machine and the "active, non-main only" guard. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from './errors.ts';
import { assertActionable, transition } from './numbers.ts';

const code = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (e) {
    assert.ok(e instanceof AppError);
    return e.code;
  }
};

describe('transition', () => {
  test('reserved → active → pending → active are allowed', () => {
    assert.equal(transition('reserved', 'active'), 'active');
    assert.equal(transition('active', 'pending'), 'pending');
    assert.equal(transition('pending', 'active'), 'active');
  });
  test('illegal moves throw', () => {
    assert.equal(code(() => transition('reserved', 'pending')), 'conflict');
    assert.equal(code(() => transition('active', 'active')), 'conflict');
    assert.equal(code(() => transition('pending', 'reserved')), 'conflict');
  });
});

describe('assertActionable', () => {
  test('only an active, non-main number passes', () => {
    assert.equal(code(() => assertActionable({ e164: '+4930901820', status: 'active', isMain: false })), null);
    assert.equal(code(() => assertActionable({ e164: '+4930901820', status: 'active', isMain: true })), 'number_is_main');
    assert.equal(code(() => assertActionable({ e164: '+4930901820', status: 'reserved', isMain: false })), 'number_not_active');
    assert.equal(code(() => assertActionable({ e164: '+4930901820', status: 'pending', isMain: false })), 'number_not_active');
  });
});
