import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from './rng.ts';

test('given the same seed, then the sequence repeats; a different seed or fork label gives another', () => {
  const draw = (seed: number | string) => {
    const r = createRng(seed);
    return [r.next(), r.int(1, 6), r.digits(10), r.bytes(4).toString('hex')];
  };
  assert.deepEqual(draw(42), draw(42));
  assert.deepEqual(draw('42'), draw(42));
  assert.notDeepEqual(draw(42), draw(43));
  assert.notEqual(createRng(1).fork('a').next(), createRng(1).fork('b').next());
});

test('given many draws, then int stays in range and digits never start with 0', () => {
  const r = createRng('range');
  for (let i = 0; i < 2000; i++) {
    const n = r.int(-3, 3);
    assert.ok(n >= -3 && n <= 3 && Number.isInteger(n));
    assert.match(r.digits(5), /^[1-9]\d{4}$/);
  }
});
