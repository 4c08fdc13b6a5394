import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideNotification } from './unanswered.ts';

test('notify an inbound message unless answered at or after it, once per unanswered streak per subscription', () => {
  assert.equal(decideNotification(100, null, 's'), 'notify', 'nothing known of the conversation');
  assert.equal(decideNotification(100, { _id: 'c', lastOutboundAt: 99 }, 's'), 'notify', 'the answer came before the message');
  assert.equal(decideNotification(100, { _id: 'c', lastOutboundAt: 100 }, 's'), 'answered', 'same second counts as an answer');
  assert.equal(decideNotification(100, { _id: 'c', lastOutboundAt: 130 }, 's'), 'answered');
  // Notified the message of 100; a second message of the same streak (no answer since) is not notified again...
  assert.equal(decideNotification(110, { _id: 'c', lastOutboundAt: 50, notified: { s: 100 } }, 's'), 'already_notified');
  // ...but another subscription notifies it, and after an answer a new streak is notified again.
  assert.equal(decideNotification(110, { _id: 'c', lastOutboundAt: 50, notified: { s: 100 } }, 'other'), 'notify');
  assert.equal(decideNotification(200, { _id: 'c', lastOutboundAt: 150, notified: { s: 100 } }, 's'), 'notify');
});
