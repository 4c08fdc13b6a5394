import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBodyGenerator } from './body-generator.ts';
import { SimulatorError } from './errors.ts';
import { expandKinds, KINDS, STATUS_KINDS } from './kinds.ts';
import { walkBody } from './walk-body.test-support.ts';

const now = () => 1_760_000_000_000;

test('given the same seed and clock, then the bodies and expected items are byte-identical', () => {
  const a = createBodyGenerator({ seed: 7, batch: 5, now });
  const b = createBodyGenerator({ seed: 7, batch: 5, now });
  for (let i = 0; i < 50; i++) {
    const x = a.next();
    const y = b.next();
    assert.ok(x.body.equals(y.body), `body ${i}`);
    assert.deepEqual(x.items, y.items);
  }
  const c = createBodyGenerator({ seed: 8, batch: 5, now });
  assert.ok(!createBodyGenerator({ seed: 7, batch: 5, now }).next().body.equals(c.next().body));
});

test('given batch N, then every body parses, has the envelope structure, N items, and its items match the body', () => {
  const g = createBodyGenerator({ seed: 'structure', batch: 7, now, mix: 'uniform' });
  for (let i = 0; i < 100; i++) {
    const { body, items } = g.next();
    const parsed = JSON.parse(body.toString()) as { object: string; entry: { id: string; changes: { field: string; value: object }[] }[] };
    assert.equal(parsed.object, 'whatsapp_business_account');
    assert.ok(parsed.entry.length >= 1);
    for (const e of parsed.entry) {
      assert.equal(typeof e.id, 'string');
      for (const ch of e.changes) assert.deepEqual(Object.keys(ch).sort(), ['field', 'value']);
    }
    assert.equal(items.length, 7);
    assert.deepEqual(items, walkBody(parsed));
  }
});

test('given all kinds asked for, then every kind is produced', () => {
  const g = createBodyGenerator({ seed: 'coverage', batch: 20, now, mix: 'uniform' });
  const seen = new Set<string>();
  for (let i = 0; i < 100; i++) g.next().generated.forEach((item) => seen.add(item.simKind));
  assert.deepEqual([...seen].sort(), [...KINDS].sort());
});

test('given a kinds filter with aliases, then only those kinds are produced', () => {
  const g = createBodyGenerator({ seed: 'filter', batch: 10, now, kinds: ['text', 'image', 'status', 'account'] });
  const allowed = new Set(expandKinds(['text', 'image', 'status', 'account']));
  assert.equal(allowed.size, 2 + STATUS_KINDS.length + 4);
  const seen = new Set<string>();
  for (let i = 0; i < 100; i++) g.next().generated.forEach((item) => seen.add(item.simKind));
  for (const k of seen) assert.ok(allowed.has(k as never), k);
  assert.ok(seen.has('text') && seen.has('status_sent'));
});

test('given an unknown kind, then WABUS_SIM_UNKNOWN_KIND names it', () => {
  assert.throws(
    () => createBodyGenerator({ seed: 1, kinds: ['txt'] }),
    (e) => SimulatorError.is(e, 'WABUS_SIM_UNKNOWN_KIND') && e.message.includes('"txt"'),
  );
});

test('given a configured pool of business numbers, then bodies use only those', () => {
  const businesses = [{ wabaId: '100000000000001', phoneNumberId: '200000000000001', displayPhoneNumber: '15550001111' }];
  const g = createBodyGenerator({ seed: 3, batch: 5, now, businesses, kinds: ['message', 'status'] });
  for (let i = 0; i < 20; i++) {
    const { items, body } = g.next();
    assert.ok(items.every((it) => it.phoneNumberId === '200000000000001'));
    assert.ok(body.toString().includes('"id":"100000000000001"'));
  }
});
