/** Outbound call rules (spec §8 Organization Connect, §9): prefix logic, dial plans, row state. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from './errors.ts';
import type { Grant } from './federation.ts';
import {
  checkDialPlan, checkPrefixesAgainstExtensions, checkPrefixTable, collidingExtension, dialPlanAllows, matchPrefix, NO_EXTENSION_DIALING_REASON,
  NO_FEDERATION_REASON, overlaps, rowState,
} from './call-rules.ts';

const fails = (code: string, field: string, message?: RegExp) => (e: unknown) =>
  e instanceof AppError && e.code === code && e.field === field && (message === undefined || message.test(e.message));

test('two prefixes overlap when equal or when one starts the other', () => {
  assert.equal(overlaps('1', '1'), true);
  assert.equal(overlaps('1', '123'), true);
  assert.equal(overlaps('123', '12'), true);
  assert.equal(overlaps('12', '13'), false);
  assert.equal(overlaps('2', '12'), false);
});

test('a rule table: 1–4 digits not starting with 0, no duplicate or overlapping prefixes', () => {
  checkPrefixTable([]);
  checkPrefixTable([{ prefix: '1' }, { prefix: '2' }, { prefix: '39' }, { prefix: '9999' }]);
  assert.throws(() => checkPrefixTable([{ prefix: '12345' }]), fails('validation_failed', 'organizationConnect[0].prefix', /1 to 4 digits/));
  assert.throws(() => checkPrefixTable([{ prefix: '' }]), fails('validation_failed', 'organizationConnect[0].prefix'));
  assert.throws(() => checkPrefixTable([{ prefix: '1' }, { prefix: '05' }]), fails('validation_failed', 'organizationConnect[1].prefix', /starts with 0/));
  assert.throws(() => checkPrefixTable([{ prefix: '1' }, { prefix: '2' }, { prefix: '2' }]),
    fails('prefix_collision', 'organizationConnect[2].prefix', /^Prefix 2 is listed twice in this rule \(also as organizationConnect\[1\]\)$/));
  assert.throws(() => checkPrefixTable([{ prefix: '12' }, { prefix: '1' }]),
    fails('prefix_collision', 'organizationConnect[1].prefix', /^Prefix 1 collides with prefix 12 \(organizationConnect\[0\]\) of this rule: 12 starts with 1/));
  assert.throws(() => checkPrefixTable([{ prefix: '3' }, { prefix: '345' }]), fails('prefix_collision', 'organizationConnect[1].prefix', /345 starts with 3/));
  assert.throws(() => checkPrefixTable(Array.from({ length: 101 }, (_, i) => ({ prefix: String(1000 + i) }))), fails('validation_failed', 'organizationConnect'));
});

test('a prefix collides with an extension that starts with it, or that starts the prefix', () => {
  assert.equal(collidingExtension('1', ['200', '123', '100']), '100');
  assert.equal(collidingExtension('1234', ['200', '123']), '123');
  assert.equal(collidingExtension('12', ['123']), '123');
  assert.equal(collidingExtension('13', ['123', '200']), null);
  assert.equal(collidingExtension('2', ['123', '1200']), null);
  assert.throws(() => checkPrefixesAgainstExtensions([{ prefix: '9' }, { prefix: '1' }], ['123']),
    fails('prefix_collision', 'organizationConnect[1].prefix', /^Prefix 1 collides with extension 123 of this account: 123 starts with 1/));
  assert.throws(() => checkPrefixesAgainstExtensions([{ prefix: '1234' }], ['123']),
    fails('prefix_collision', 'organizationConnect[0].prefix', /^Prefix 1234 collides with extension 123 of this account: the prefix starts with 123/));
  checkPrefixesAgainstExtensions([{ prefix: '9' }, { prefix: '13' }], ['123', '200']);
});

test('the dialled digits match the row whose prefix starts them, with an extension after it', () => {
  const rows = [{ prefix: '1', to: 'B' }, { prefix: '2', to: 'C' }, { prefix: '35', to: 'D' }];
  assert.deepEqual(matchPrefix(rows, '1201'), { row: rows[0], extension: '201' });
  assert.deepEqual(matchPrefix(rows, '2124'), { row: rows[1], extension: '124' });
  assert.deepEqual(matchPrefix(rows, '35100'), { row: rows[2], extension: '100' });
  assert.equal(matchPrefix(rows, '1'), null);
  assert.equal(matchPrefix(rows, '3100'), null);
  assert.equal(matchPrefix(rows, '*1201'), null);
});

test('dial plans: the whitelist belongs to the international plan and stays within the account list', () => {
  const de = { country: 'DE', intlWhitelist: null };
  assert.deepEqual(checkDialPlan('international', ['FR', 'AT'], de), ['FR', 'AT']);
  assert.deepEqual(checkDialPlan('national', [], de), []);
  assert.deepEqual(checkDialPlan('internal_only', [], de), []);
  assert.throws(() => checkDialPlan('national', ['FR'], de), fails('validation_failed', 'countryWhitelist', /only to the international dial plan/));
  assert.throws(() => checkDialPlan('international', ['FR', 'XX'], de), fails('validation_failed', 'countryWhitelist[1]', /"XX" is not an ISO 3166 country/));
  assert.throws(() => checkDialPlan('international', ['FR', 'AT', 'FR'], de), fails('validation_failed', 'countryWhitelist[2]', /FR is listed twice \(also as countryWhitelist\[0\]\)/));
  assert.throws(() => checkDialPlan('international', ['DE'], de), fails('validation_failed', 'countryWhitelist[0]', /own country/));
  assert.throws(() => checkDialPlan('international', ['US'], { country: 'DE', intlWhitelist: ['FR'] }), fails('validation_failed', 'countryWhitelist[0]', /not on this account's list/));
});

test('what each dial plan lets a user call on the public network', () => {
  assert.equal(dialPlanAllows('internal_only', [], 'DE', 'DE'), false);
  assert.equal(dialPlanAllows('national', [], 'DE', 'DE'), true);
  assert.equal(dialPlanAllows('national', [], 'DE', 'FR'), false);
  assert.equal(dialPlanAllows('international', [], 'DE', 'US'), true);
  assert.equal(dialPlanAllows('international', [], 'DE', null), true);
  assert.equal(dialPlanAllows('international', ['FR'], 'DE', 'FR'), true);
  assert.equal(dialPlanAllows('international', ['FR'], 'DE', 'US'), false);
  assert.equal(dialPlanAllows('international', ['FR'], 'DE', null), false);
  assert.equal(dialPlanAllows('international', ['FR'], 'DE', 'DE'), true);
});

test('a row is active while a grant allows extension dialing, and says why not otherwise', () => {
  const grant = (extensionDialing: boolean): Grant => ({
    accountId: 'b', accountName: 'Beta GmbH', directory: true, extensionDialing, metered: false, showExtension: true, sharePresence: false,
    shareProfileImage: false, pager: false, chat: true, federations: [{ id: 'f', name: 'Group' }],
  });
  assert.deepEqual(rowState(grant(true)), { active: true, destinationName: 'Beta GmbH', inactiveReason: null });
  assert.deepEqual(rowState(grant(false)), { active: false, destinationName: 'Beta GmbH', inactiveReason: NO_EXTENSION_DIALING_REASON });
  assert.deepEqual(rowState(undefined), { active: false, destinationName: null, inactiveReason: NO_FEDERATION_REASON });
});
