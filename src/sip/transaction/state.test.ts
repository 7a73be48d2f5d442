import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canTransition, checkTransition, IllegalTransitionError, INITIAL_STATE } from './state.ts';

test('initial states (RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.1, §17.2.2)', () => {
  assert.deepEqual(INITIAL_STATE, {
    'invite-client': 'Calling',
    'non-invite-client': 'Trying',
    'invite-server': 'Proceeding',
    'non-invite-server': 'Trying',
  });
});

test('legal moves include the RFC 6026 Accepted state', () => {
  assert.equal(checkTransition('invite-client', 'Calling', 'Accepted'), 'Accepted');
  assert.equal(checkTransition('invite-client', 'Proceeding', 'Accepted'), 'Accepted');
  assert.equal(checkTransition('invite-client', 'Accepted', 'Terminated'), 'Terminated');
  assert.equal(checkTransition('invite-server', 'Proceeding', 'Accepted'), 'Accepted');
  assert.equal(checkTransition('invite-server', 'Completed', 'Confirmed'), 'Confirmed');
  assert.equal(checkTransition('non-invite-server', 'Trying', 'Completed'), 'Completed');
});

test('illegal moves throw', () => {
  const illegal: Array<[Parameters<typeof checkTransition>[0], Parameters<typeof checkTransition>[1], Parameters<typeof checkTransition>[2]]> = [
    ['invite-client', 'Completed', 'Proceeding'],
    ['invite-client', 'Accepted', 'Completed'], // RFC 6026: no way back from Accepted
    ['invite-client', 'Terminated', 'Calling'],
    ['invite-client', 'Calling', 'Confirmed'],
    ['non-invite-client', 'Trying', 'Accepted'],
    ['non-invite-client', 'Completed', 'Proceeding'],
    ['invite-server', 'Accepted', 'Completed'],
    ['invite-server', 'Confirmed', 'Completed'],
    ['invite-server', 'Proceeding', 'Confirmed'],
    ['non-invite-server', 'Completed', 'Proceeding'],
    ['non-invite-server', 'Terminated', 'Trying'],
  ];
  for (const [m, from, to] of illegal) {
    assert.equal(canTransition(m, from, to), false, `${m} ${from}→${to}`);
    assert.throws(() => checkTransition(m, from, to), (e: unknown) => e instanceof IllegalTransitionError && e.from === from && e.to === to);
  }
});
