import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './fake-clock.ts';

test('fake clock runs due timers in time order, ties in set order, with the clock at each timer time', () => {
  const c = new FakeClock(1000);
  const log: string[] = [];
  c.setTimeout((x) => log.push(`${x}@${c.now()}`), 300, 'b');
  c.setTimeout((x) => log.push(`${x}@${c.now()}`), 100, 'a');
  c.setTimeout((x) => log.push(`${x}@${c.now()}`), 300, 'c');
  const d = c.setTimeout((x) => log.push(`${x}@${c.now()}`), 200, 'd');
  assert.equal(c.pending(), 4);
  c.clearTimeout(d);
  c.clearTimeout(d);
  assert.equal(c.pending(), 3);
  c.advance(299);
  assert.deepEqual(log, ['a@1100']);
  assert.equal(c.now(), 1299);
  c.advance(1);
  assert.deepEqual(log, ['a@1100', 'b@1300', 'c@1300']);
  assert.equal(c.pending(), 0);
});

test('timers set by timers run within the same advance when due; runAll drains', () => {
  const c = new FakeClock();
  const times: number[] = [];
  const tick = (n: number) => {
    times.push(c.now());
    if (n > 0) c.setTimeout(tick, 10, n - 1);
  };
  c.setTimeout(tick, 10, 3);
  c.advance(25);
  assert.deepEqual(times, [10, 20]);
  assert.equal(c.nextAt(), 30);
  assert.equal(c.runAll(), 15);
  assert.deepEqual(times, [10, 20, 30, 40]);
  assert.equal(c.pending(), 0);
  assert.equal(c.nextAt(), null);
});

test('a cleared timer never fires and a zero delay fires on the next advance', () => {
  const c = new FakeClock();
  let fired = 0;
  const h = c.setTimeout(() => fired++, 50, null);
  c.setTimeout(() => c.clearTimeout(h), 10, null);
  c.setTimeout(() => fired += 10, 0, null);
  c.advance(0);
  assert.equal(fired, 10);
  c.advance(100);
  assert.equal(fired, 10);
});
