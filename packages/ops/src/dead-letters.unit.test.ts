import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeEvent } from '@wabus/events';
import { parseDeadLetter, REDRIVE_OF_HEADER } from './dead-letters.ts';
import { redriveDeadLetters, redriveMessage } from './redrive-dead-letters.ts';
import { OpsError } from './errors.ts';
import { deadLetterRecord, eventHeaders, KEY, testEvent } from './test-dead-letter.test-support.ts';

const text = (v: unknown) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v));

test('given a dead letter written by the consumer runtime, when parsed, then error, origin, group, time and the decoded event are read back', () => {
  const event = testEvent('wamid.A1', { type: 'sticker' });
  const d = parseDeadLetter(deadLetterRecord({ dlqTopic: 'dlq.ms', offset: 7, value: encodeEvent(event), headers: eventHeaders(event) }));
  assert.equal(d.id, 'dlq.ms/0/7');
  assert.deepEqual(d.error, { code: 'WABUS_EVENT_REJECTED', message: 'sticker not supported' });
  assert.deepEqual(d.source, { topic: 'whatsapp.events.v1', partition: 4, offset: '41' });
  assert.equal(d.group, 'wabus.message-store');
  assert.equal(d.failedAt, new Date(1_700_000_200_000).toISOString());
  assert.equal(d.key, KEY);
  assert.equal(d.eventId, event.eventId);
  assert.equal(d.event?.itemId, 'wamid.A1');
  assert.equal(d.decodeError, null);
  assert.equal(d.redriveOf, null);
  assert.deepEqual(d.headers, eventHeaders(event), 'only the original headers remain');
});

test('given a dead letter whose value cannot be decoded, then it is still read, with the decode error and the event id from its header', () => {
  const event = testEvent('wamid.A2');
  const d = parseDeadLetter(
    deadLetterRecord({ dlqTopic: 'dlq.ms', offset: 0, value: Buffer.from('not avro'), headers: eventHeaders(event), code: 'WABUS_EVENTS_BAD_MAGIC' }),
  );
  assert.equal(d.event, null);
  assert.equal(d.decodeError?.code, 'WABUS_EVENTS_BAD_MAGIC');
  assert.equal(d.error.code, 'WABUS_EVENTS_BAD_MAGIC');
  assert.equal(d.eventId, event.eventId);
});

test('given a dead letter, when re-driven, then the record has its original key, value and headers, no wabus-dlq-* header, and wabus-redrive-of', () => {
  const event = testEvent('wamid.A3');
  const value = encodeEvent(event);
  const m = redriveMessage(parseDeadLetter(deadLetterRecord({ dlqTopic: 'dlq.ms', offset: 12, value, headers: eventHeaders(event) })));
  assert.equal(m.key, KEY);
  assert.ok(Buffer.isBuffer(m.value) && m.value.equals(value));
  const headers = Object.fromEntries(Object.entries(m.headers ?? {}).map(([k, v]) => [k, text(v)]));
  assert.deepEqual(headers, { ...eventHeaders(event), [REDRIVE_OF_HEADER]: 'dlq.ms/0/12' });
});

test('given a re-driven record that was dead-lettered again, then redriveOf names the first dead letter and a new re-drive names the new one', () => {
  const event = testEvent('wamid.A4');
  const d = parseDeadLetter(
    deadLetterRecord({ dlqTopic: 'dlq.ms', offset: 30, value: encodeEvent(event), headers: { ...eventHeaders(event), [REDRIVE_OF_HEADER]: 'dlq.ms/0/12' } }),
  );
  assert.equal(d.redriveOf, 'dlq.ms/0/12');
  assert.equal(text(redriveMessage(d).headers?.[REDRIVE_OF_HEADER]), 'dlq.ms/0/30');
});

test('given a dead letter written without its value (too large for the dead-letter topic), then it says where the original is, and re-driving it is refused before anything is sent', async () => {
  const event = testEvent('wamid.BIG');
  const whole = deadLetterRecord({ dlqTopic: 'dlq.ms', offset: 9, value: encodeEvent(event), headers: eventHeaders(event) });
  const omitted = { ...whole, value: null, headers: { ...whole.headers, 'wabus-dlq-value-omitted': '3999000' } };
  const d = parseDeadLetter(omitted);
  assert.equal(d.valueOmitted, 3_999_000);
  assert.equal(d.decodeError?.code, 'WABUS_DLQ_VALUE_OMITTED');
  assert.match(d.decodeError!.message, /3999000 bytes.*whatsapp\.events\.v1\/4\/41/);
  assert.equal(parseDeadLetter(whole).valueOmitted, null);
  // Refused before Kafka is touched: the admin and client are not even there.
  await assert.rejects(
    redriveDeadLetters({} as never, {} as never, [parseDeadLetter(whole), d], { redriveTopic: 'r', ledgerTopic: 'l', by: 'ana', now: () => new Date() }),
    (e) => OpsError.is(e, 'WABUS_OPS_VALUE_OMITTED') && /dlq\.ms\/0\/9 ← whatsapp\.events\.v1\/4\/41/.test((e as Error).message),
  );
});
