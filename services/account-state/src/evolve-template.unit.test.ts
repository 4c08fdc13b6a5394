import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { contentHash } from '@wabus/projection';
import { everyOrder, foldAll, templateFact, templateStatusEvent, WABA, changeEvent } from './account-events.test-support.ts';
import { evolveTemplate } from './evolve-template.ts';
import type { TemplateFact } from './account-fact.ts';

const fold = (facts: readonly TemplateFact[]) => foldAll(facts, evolveTemplate)!;
const bytes = (facts: readonly TemplateFact[]) => {
  const d = fold(facts);
  return `${JSON.stringify(d)} ${contentHash(d as never)}`;
};

test('given APPROVED → PAUSED → APPROVED → PAUSED → APPROVED by Meta time, in every one of the 120 orders, then the template is APPROVED as of the latest', () => {
  const events = [
    { event: 'APPROVED', time: 1_000 },
    { event: 'PAUSED', time: 2_000 },
    { event: 'APPROVED', time: 3_000 },
    { event: 'PAUSED', time: 4_000 },
    { event: 'APPROVED', time: 5_000 },
  ].map((c) => templateFact(templateStatusEvent(c)));
  const expected = bytes(events);
  let orders = 0;
  for (const order of everyOrder(events)) {
    orders++;
    const doc = fold(order);
    assert.equal(doc.status?.value, 'APPROVED');
    assert.equal(doc.status?.timestamp, 5_000);
    assert.equal(doc.alert, null);
    assert.equal(doc.history.length, 5);
    assert.equal(bytes(order), expected, 'the same document, byte for byte, whatever the order');
  }
  assert.equal(orders, 120);
});

test('given the latest by Meta time is PAUSED, in every order (with a quality and a category update among them), then PAUSED and alerting', () => {
  const facts = [
    templateFact(templateStatusEvent({ event: 'PENDING', time: 100 })),
    templateFact(templateStatusEvent({ event: 'APPROVED', time: 200 })),
    templateFact(templateStatusEvent({ event: 'PAUSED', time: 400 })),
    templateFact(
      changeEvent(
        'message_template_quality_update',
        {
          previous_quality_score: 'GREEN',
          new_quality_score: 'RED',
          message_template_id: 1,
          message_template_name: 'order_update',
          message_template_language: 'en_US',
        },
        300,
      ),
    ),
    templateFact(
      changeEvent(
        'template_category_update',
        {
          message_template_id: 1,
          message_template_name: 'order_update',
          message_template_language: 'en_US',
          previous_category: 'UTILITY',
          new_category: 'MARKETING',
        },
        500,
      ),
    ),
  ];
  const expected = bytes(facts);
  for (const order of everyOrder(facts)) {
    const doc = fold(order);
    assert.deepEqual(
      [doc.status?.value, doc.status?.timestamp, doc.alert, doc.quality?.value, doc.category?.value],
      ['PAUSED', 400, 'PAUSED', 'RED', 'MARKETING'],
    );
    assert.equal(bytes(order), expected);
  }
});

test('given duplicates (Meta retries, a replay) spliced anywhere, then the history counts each event id once and the document does not change', () => {
  const a = templateFact(templateStatusEvent({ event: 'APPROVED', time: 10 }));
  const p = templateFact(templateStatusEvent({ event: 'PAUSED', time: 20 }));
  const once = bytes([a, p]);
  for (const order of everyOrder([a, p, a, p])) {
    assert.equal(fold(order).history.length, 2);
    assert.equal(bytes(order), once);
  }
  const doc = fold([a, p]);
  assert.deepEqual(evolveTemplate(doc, p), doc, 'folding an event already in the history returns the same content');
});

test('given equal Meta times, then a status that is not APPROVED wins, in both orders (when in doubt, not sendable)', () => {
  const a = templateFact(templateStatusEvent({ event: 'APPROVED', time: 700 }));
  const p = templateFact(templateStatusEvent({ event: 'PAUSED', time: 700 }));
  assert.equal(fold([a, p]).status?.value, 'PAUSED');
  assert.equal(fold([p, a]).status?.value, 'PAUSED');
  assert.equal(bytes([a, p]), bytes([p, a]));
});

test('FLAGGED shows while no status event is newer; REINSTATED and UNARCHIVED are approved again; LOCKED is beside the status', () => {
  const f = (event: string, time: number) => templateFact(templateStatusEvent({ event, time }));
  let doc = fold([f('APPROVED', 1), f('FLAGGED', 2)]);
  assert.deepEqual([doc.status?.value, doc.flagged?.value, doc.alert], ['APPROVED', 'FLAGGED', null], 'flagged is a warning: the template is still sendable');
  doc = fold([f('FLAGGED', 2), f('APPROVED', 3)]);
  assert.equal(doc.flagged, null, 'a newer status clears the flag');
  doc = fold([f('DISABLED', 1), f('REINSTATED', 2)]);
  assert.deepEqual([doc.status?.value, doc.status?.detail['event'], doc.alert], ['APPROVED', 'REINSTATED', null]);
  doc = fold([f('ARCHIVED', 1), f('UNARCHIVED', 2)]);
  assert.equal(doc.status?.value, 'APPROVED');
  doc = fold([f('APPROVED', 1), f('LOCKED', 2), f('DISABLED', 3)]);
  assert.deepEqual([doc.status?.value, doc.lock?.value, doc.alert], ['DISABLED', 'LOCKED', 'DISABLED']);
  doc = fold([f('APPROVED', 1), f('SOMETHING_NEW', 2)]);
  assert.deepEqual([doc.status?.value, doc.history.length], ['APPROVED', 2], 'an event Meta adds later is history, not a status');
});

test('en-US and en_US are one template; names and WABAs are not', () => {
  const us = templateFact(templateStatusEvent({ event: 'APPROVED', time: 1, language: 'en-US' }));
  const us2 = templateFact(templateStatusEvent({ event: 'PAUSED', time: 2, language: 'en_US' }));
  assert.equal(us.id, us2.id);
  assert.equal(fold([us, us2]).language, 'en-US', 'the least spelling, whatever came first');
  assert.equal(fold([us2, us]).language, 'en-US');
  assert.notEqual(us.id, templateFact(templateStatusEvent({ event: 'APPROVED', time: 1, name: 'other' })).id);
  assert.notEqual(us.id, templateFact(templateStatusEvent({ event: 'APPROVED', time: 1, wabaId: `${WABA}9` })).id);
});

test('property: any set of status events with distinct times, in any order and with repeats, ends in the status of the latest', () => {
  const statuses = ['APPROVED', 'PAUSED', 'DISABLED', 'REJECTED', 'PENDING', 'IN_APPEAL'];
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 1, max: 2_000_000_000 }), { minLength: 1, maxLength: 12 }),
      fc.array(fc.constantFrom(...statuses), { minLength: 12, maxLength: 12 }),
      fc.array(fc.nat(), { maxLength: 30 }),
      (times, picks, shuffle) => {
        const facts = times.map((time, i) => templateFact(templateStatusEvent({ event: picks[i]!, time })));
        const latest = times.indexOf(Math.max(...times));
        // Another order with repeats: swap by the generated numbers, then add a third of the facts again.
        const scrambled = [...facts];
        for (const [k, n] of shuffle.entries()) {
          const i = k % scrambled.length;
          const j = n % scrambled.length;
          [scrambled[i], scrambled[j]] = [scrambled[j]!, scrambled[i]!];
        }
        const withRepeats = [...scrambled, ...facts.filter((_, i) => i % 3 === 0)];
        assert.equal(fold(withRepeats).status?.value, picks[latest]);
        assert.equal(bytes(withRepeats), bytes(facts));
      },
    ),
    { numRuns: 300 },
  );
});
