/** The dialling grammar, feature codes, `<main>*<ext>` and the emergency table (spec §9). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkGrammar, MAX_DIALLED, parseFeatureCode, splitMainStarExt, toE164 } from './dial.ts';
import { emergencyNumbers, isEmergency } from '../domain/emergency.ts';

test('the grammar accepts digits, "*", "#" and a leading "+" followed by a digit, up to 32 characters', () => {
  for (const s of ['0', '124', '*97', '#', '*21*01701234567#', '+4930123456', '0301234500*124', '+49301234500*124', '1'.repeat(MAX_DIALLED), `+${'4'.repeat(MAX_DIALLED - 1)}`]) {
    assert.deepEqual(checkGrammar(s), { ok: true, dialled: s }, s);
  }
});

test('the grammar refuses everything else: 484 for an incomplete string, 404 for a malformed one, with the reason', () => {
  const rows: [unknown, number, string][] = [
    ['', 484, 'Nothing was dialled'],
    ['+', 484, 'Only "+" was dialled; an international number follows it'],
    ['sip:1@x', 404, 'The dialled string contains "s" (U+0073) at position 1; only the digits 0-9, "*", "#" and a leading "+" can be dialled'],
    ['1234;user=phone', 404, 'The dialled string contains ";" (U+003B) at position 5; only the digits 0-9, "*", "#" and a leading "+" can be dialled'],
    ['12&3', 404, 'The dialled string contains "&" (U+0026) at position 3; only the digits 0-9, "*", "#" and a leading "+" can be dialled'],
    ['abc', 404, 'The dialled string contains "a" (U+0061) at position 1; only the digits 0-9, "*", "#" and a leading "+" can be dialled'],
    ['١٢٣', 404, 'The dialled string contains U+0661 at position 1; only the digits 0-9, "*", "#" and a leading "+" can be dialled'],
    ['１２３', 404, 'The dialled string contains U+FF11 at position 1; only the digits 0-9, "*", "#" and a leading "+" can be dialled'],
    ['12 34', 404, 'The dialled string contains U+0020 at position 3; only the digits 0-9, "*", "#" and a leading "+" can be dialled'],
    ['\n123', 404, 'The dialled string contains U+000A at position 1; only the digits 0-9, "*", "#" and a leading "+" can be dialled'],
    ['12😀', 404, 'The dialled string contains U+1F600 at position 3; only the digits 0-9, "*", "#" and a leading "+" can be dialled'],
    ['1+2', 404, '"+" may only start the dialled string (it was at position 2)'],
    ['+*97', 404, 'A digit must follow the leading "+"'],
    ['1'.repeat(40), 404, 'The dialled string has 40 characters; at most 32 can be dialled'],
    [null, 404, 'The dialled address is not a string of digits'],
    [124, 404, 'The dialled address is not a string of digits'],
  ];
  for (const [input, sipStatus, reason] of rows) {
    assert.deepEqual(checkGrammar(input), { ok: false, sipStatus, reason }, JSON.stringify(input));
  }
});

test('feature codes: a small table, exact codes and codes with a number argument', () => {
  assert.deepEqual(parseFeatureCode('*97'), { code: '*97', name: 'voicemail', argument: null });
  assert.deepEqual(parseFeatureCode('*21*01701234567#'), { code: '*21*', name: 'forward always on', argument: '01701234567' });
  assert.deepEqual(parseFeatureCode('*21*+491701234567'), { code: '*21*', name: 'forward always on', argument: '+491701234567' });
  assert.deepEqual(parseFeatureCode('*21'), { code: '*21', name: 'forward always off', argument: null });
  assert.deepEqual(parseFeatureCode('*78'), { code: '*78', name: 'do not disturb on', argument: null });
  assert.deepEqual(parseFeatureCode('*79'), { code: '*79', name: 'do not disturb off', argument: null });
  for (const s of ['*', '*9', '*970', '*21*', '*21*1', '*21**1', '*21*12#3', '*55', '97']) assert.equal(parseFeatureCode(s), null, s);
});

test('<main number>*<extension> splits into the main number (national or E.164) and the extension', () => {
  assert.deepEqual(splitMainStarExt('0301234500*124'), { main: '0301234500', extension: '124' });
  assert.deepEqual(splitMainStarExt('+49301234500*124'), { main: '+49301234500', extension: '124' });
  for (const s of ['*124', '0301234500*', '0301234500**124', '0301234500*12#', '0301234500#124', '0301234500']) assert.equal(splitMainStarExt(s), null, s);
});

test('toE164: E.164 as is, national and international forms parsed per country, no validity check', () => {
  assert.equal(toE164('+49301234500', 'DE'), '+49301234500');
  assert.equal(toE164('0301234500', 'DE'), '+49301234500');
  assert.equal(toE164('0049301234500', 'DE'), '+49301234500');
  assert.equal(toE164('2025550123', 'US'), '+12025550123');
  assert.equal(toE164('*97', 'DE'), null);
  assert.equal(toE164('0301234500', 'XX'), null);
});

test('emergency numbers per country, exact match only, 112 for a country not in the table', () => {
  assert.deepEqual(emergencyNumbers('DE'), ['110', '112']);
  assert.deepEqual(emergencyNumbers('GB'), ['112', '999']);
  assert.deepEqual(emergencyNumbers('FR'), ['112', '114', '115', '119', '15', '17', '18', '191', '196', '197']);
  assert.deepEqual(emergencyNumbers('US'), ['911']);
  assert.deepEqual(emergencyNumbers('CA'), ['911']);
  for (const eu of ['AT', 'BE', 'NL', 'PL', 'SE', 'IT', 'ES', 'IE', 'PT', 'CZ']) assert.ok(isEmergency(eu, '112'), eu);
  assert.deepEqual(emergencyNumbers('ZZ'), ['112']);
  assert.equal(isEmergency('DE', '112#'), false);
  assert.equal(isEmergency('DE', '+49112'), false);
  assert.equal(isEmergency('US', '933'), false);
  assert.equal(isEmergency('US', '112'), false);
});
