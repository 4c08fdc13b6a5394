import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupFacts } from './group-facts.ts';

test('groupFacts: facts per document in event order; each event knows where its facts went', () => {
  const events = [
    { n: 1, ids: ['a'] },
    { n: 2, ids: [] },
    { n: 3, ids: ['b', 'a'] },
  ];
  const { byId, placed } = groupFacts(events, (e) => e.ids.map((id) => ({ id, fact: `${e.n}${id}` })));
  assert.deepEqual(
    byId,
    new Map([
      ['a', ['1a', '3a']],
      ['b', ['3b']],
    ]),
  );
  assert.deepEqual(placed, [
    [{ id: 'a', index: 0 }],
    [],
    [
      { id: 'b', index: 0 },
      { id: 'a', index: 1 },
    ],
  ]);
});
