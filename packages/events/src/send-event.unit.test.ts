import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSendEvent, type SendEvent } from './send-event.ts';

const TP = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const sent: SendEvent = {
  sendId: 'snd_1',
  state: 'sent',
  tenantId: 'acme',
  phoneNumberId: '106540352242922',
  customer: '5511999990001',
  type: 'text',
  wamid: 'wamid.X',
  error: null,
  at: '2026-01-02T03:04:05.000Z',
};
const bytes = (v: unknown) => Buffer.from(JSON.stringify(v));
const reason = (v: unknown) => {
  const r = readSendEvent(Buffer.isBuffer(v) || v === null ? v : bytes(v), {});
  assert.equal(r.ok, false, JSON.stringify(v));
  return r.ok ? '' : `${r.error.code}: ${r.error.message}`;
};

test('given a sent send with its traceparent, then the event and the traceparent', () => {
  assert.deepEqual(readSendEvent(bytes(sent), { traceparent: TP }), { ok: true, event: sent, traceparent: TP });
});

test('given failed and unknown sends, a read mark, a missing or invalid traceparent, then read (no traceparent)', () => {
  const failed = { ...sent, state: 'failed', wamid: null, error: { code: '131026', reason: 'undeliverable' } };
  assert.deepEqual(readSendEvent(bytes(failed), {}), { ok: true, event: failed, traceparent: null });
  const unknown = { ...sent, state: 'unknown', wamid: null, error: { code: 'unknown' } };
  assert.deepEqual(readSendEvent(bytes(unknown), { traceparent: 'garbage' }), { ok: true, event: unknown, traceparent: null });
  // Read marks were written with '' before the sender wrote null.
  const read = readSendEvent(bytes({ ...sent, type: 'read', customer: null, wamid: '' }), {});
  assert.deepEqual(read.ok && read.event.wamid, null);
  const zeros = readSendEvent(bytes(sent), { traceparent: `00-${'0'.repeat(32)}-b7ad6b7169203331-01` });
  assert.equal(zeros.ok && zeros.traceparent, null);
});

test('given malformed records, then WABUS_EVENTS_BAD_SEND_EVENT with the reason, never a throw', () => {
  const cases: [unknown, RegExp][] = [
    [null, /empty record/],
    [Buffer.alloc(0), /empty record/],
    [Buffer.from('{"sendId":'), /not JSON/],
    [Buffer.from('\x00\x01avro'), /not JSON/],
    [[sent], /not a JSON object/],
    [{ ...sent, sendId: '' }, /sendId: must be a non-empty string/],
    [{ ...sent, tenantId: 7 }, /tenantId: must be a non-empty string/],
    [{ ...sent, state: 'pending' }, /state: must be one of sent, failed, unknown/],
    [{ ...sent, customer: 5 }, /customer:/],
    [{ ...sent, wamid: 5 }, /wamid: must be/],
    [{ ...sent, state: 'failed' }, /wamid: a failed send has none/],
    [{ ...sent, at: 'yesterday' }, /at: must be an ISO time/],
    [{ ...sent, error: 'boom' }, /error: must be null or/],
    [{ ...sent, error: { reason: 'x' } }, /error: must be null or/],
  ];
  for (const [input, expected] of cases) assert.match(reason(input), new RegExp(`^WABUS_EVENTS_BAD_SEND_EVENT: .*${expected.source}`));
});
