import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consumerTopics } from './consumers.ts';
import { OpsError } from './errors.ts';
import { parseSince } from './parse-since.ts';
import { recordMatches, traceIdOf } from './trace-event.ts';
import { eventHeaders, testEvent } from './test-dead-letter.test-support.ts';

const now = () => new Date('2025-03-01T12:00:00.000Z');

test('--since takes a duration back from now or an ISO time; anything else is WABUS_OPS_BAD_TIME', () => {
  assert.equal(parseSince('90m', now), Date.parse('2025-03-01T10:30:00.000Z'));
  assert.equal(parseSince('7d', now), Date.parse('2025-02-22T12:00:00.000Z'));
  assert.equal(parseSince('2025-02-28T08:00:00Z', now), Date.parse('2025-02-28T08:00:00Z'));
  for (const bad of ['yesterday', '10', '-5m', '2025-13-45', ''])
    assert.throws(
      () => parseSince(bad, now),
      (e) => OpsError.is(e, 'WABUS_OPS_BAD_TIME'),
      bad,
    );
});

test('an id matches the event with that id, and a wamid matches its message and every status of it', () => {
  const message = testEvent('wamid.T1');
  const status = testEvent('wamid.T1', { status: 'delivered' });
  const other = testEvent('wamid.T2');
  assert.ok(recordMatches(message.eventId, {}, message));
  assert.ok(recordMatches(message.eventId, eventHeaders(message), null), 'by header, without decoding');
  assert.ok(recordMatches('wamid.T1', {}, message) && recordMatches('wamid.T1', {}, status));
  assert.ok(!recordMatches('wamid.T1', eventHeaders(other), other));
  assert.ok(!recordMatches(message.eventId, eventHeaders(status), status));
});

test('the trace id is read from a W3C traceparent; anything else gives none', () => {
  assert.equal(traceIdOf({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }), '0af7651916cd43dd8448eb211c80319c');
  assert.equal(traceIdOf({ traceparent: 'garbage' }), null);
  assert.equal(traceIdOf({}), null);
});

test('consumer topics derive from the service and the events topic; an unknown consumer is WABUS_OPS_UNKNOWN_CONSUMER', () => {
  assert.deepEqual(consumerTopics('crm-sync'), {
    service: 'crm-sync',
    groupId: 'wabus.crm-sync',
    eventsTopic: 'whatsapp.events.v1',
    dlqTopic: 'whatsapp.events.v1.dlq.crm-sync',
    redriveTopic: 'whatsapp.events.v1.redrive.crm-sync',
    alsoReads: [],
  });
  assert.equal(consumerTopics('auto-reply', { eventsTopic: 't' }).redriveTopic, 't.redrive.auto-reply');
  // status-tracker also reads the sends topic, on a group of its own; the service's variable moves the topic.
  assert.deepEqual(consumerTopics('status-tracker', {}, {}).alsoReads, [{ name: 'sends', topic: 'whatsapp.sends.v1', groupId: 'wabus.status-tracker.sends' }]);
  assert.deepEqual(consumerTopics('status-tracker', { groupId: 'g' }, { STATUS_TRACKER_SENDS_TOPIC: 's.t' }).alsoReads, [
    { name: 'sends', topic: 's.t', groupId: 'g.sends' },
  ]);
  assert.throws(
    () => consumerTopics('message-stor'),
    (e) => OpsError.is(e, 'WABUS_OPS_UNKNOWN_CONSUMER'),
  );
  assert.throws(
    () => consumerTopics('toString'),
    (e) => OpsError.is(e, 'WABUS_OPS_UNKNOWN_CONSUMER'),
  );
});
