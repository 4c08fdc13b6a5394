import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseItem } from './parse-item.ts';
import type { ParsedStatus } from './parsed-item.ts';
import { EVENT_KINDS } from './whatsapp-event.ts';

const raw = (value: unknown): Buffer => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

function parseStatus(item: object): ParsedStatus {
  const parsed = parseItem({ kind: 'status', field: 'messages', raw: raw(item) });
  assert.equal(parsed.kind, 'status');
  if (parsed.kind !== 'status') throw new Error('unreachable');
  return parsed.status;
}

const emptyStatus: ParsedStatus = {
  id: null,
  status: 'unknown',
  statusRaw: null,
  timestamp: null,
  recipientId: null,
  recipientUserId: null,
  recipientType: null,
  recipientParticipantId: null,
  recipientParticipantUserId: null,
  type: null,
  conversation: null,
  pricing: null,
  errors: [],
  bizOpaqueCallbackData: null,
};

describe('parseItem: statuses', () => {
  it('reads a sent status with conversation and pricing', () => {
    // given
    const item = {
      id: 'wamid.1',
      status: 'sent',
      timestamp: '1698266945',
      recipient_id: '972987654321',
      conversation: { id: 'c1', expiration_timestamp: '1698339900', origin: { type: 'service' } },
      pricing: { billable: true, pricing_model: 'CBP', category: 'service' },
      biz_opaque_callback_data: 'tracker',
    };
    // when / then
    assert.deepEqual(parseStatus(item), {
      ...emptyStatus,
      id: 'wamid.1',
      status: 'sent',
      statusRaw: 'sent',
      timestamp: 1698266945,
      recipientId: '972987654321',
      conversation: { id: 'c1', expirationTimestamp: 1698339900, originType: 'service' },
      pricing: { billable: true, pricingModel: 'CBP', category: 'service', type: null },
      bizOpaqueCallbackData: 'tracker',
    });
  });

  it('reads every known status value', () => {
    for (const value of ['sent', 'delivered', 'read', 'played', 'failed'] as const) {
      assert.equal(parseStatus({ id: 'w', status: value }).status, value);
    }
  });

  it('reads a failed status with its errors', () => {
    const s = parseStatus({
      id: 'wamid.2',
      status: 'failed',
      timestamp: 1689380458,
      recipient_id: '1',
      errors: [
        { code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', error_data: { details: 'more than 24 hours' }, href: 'https://h' },
        { code: 131053, title: 'ERROR_TITLE' },
      ],
    });
    assert.equal(s.status, 'failed');
    assert.equal(s.timestamp, 1689380458);
    assert.deepEqual(s.errors, [
      { code: 131047, title: 'Re-engagement message', message: 'Re-engagement message', details: 'more than 24 hours', href: 'https://h' },
      { code: 131053, title: 'ERROR_TITLE', message: null, details: null, href: null },
    ]);
  });

  it('reads group and business-scoped recipients', () => {
    const s = parseStatus({
      id: 'w',
      status: 'read',
      recipient_id: 'group-1',
      recipient_type: 'group',
      recipient_participant_id: '5511',
      recipient_participant_user_id: 'US.1',
      recipient_user_id: 'US.0',
    });
    assert.equal(s.recipientType, 'group');
    assert.equal(s.recipientParticipantId, '5511');
    assert.equal(s.recipientParticipantUserId, 'US.1');
    assert.equal(s.recipientUserId, 'US.0');
  });

  it('reads statuses it does not know (calls) as unknown, keeping the value', () => {
    const s = parseStatus({ id: 'wacid.1', status: 'RINGING', type: 'call', timestamp: '1671644824' });
    assert.equal(s.status, 'unknown');
    assert.equal(s.statusRaw, 'RINGING');
    assert.equal(s.type, 'call');
  });
});

describe('parseItem: value-level errors and changes', () => {
  it('reads a value-level error', () => {
    const parsed = parseItem({
      kind: 'error',
      field: 'messages',
      raw: raw({ code: 131000, title: 'Something went wrong', message: 'm', error_data: { details: 'Unsupported webhook payload' } }),
    });
    assert.deepEqual(parsed, {
      kind: 'error',
      error: { code: 131000, title: 'Something went wrong', message: 'm', details: 'Unsupported webhook payload', href: null },
    });
  });

  it('reads a change as generic JSON, big integers kept as digit strings', () => {
    const parsed = parseItem({
      kind: 'change',
      field: 'message_template_status_update',
      raw: raw('{"event":"REJECTED","message_template_id":905507062668800,"big":12345678901234567890,"reason":null}'),
    });
    assert.deepEqual(parsed, {
      kind: 'change',
      field: 'message_template_status_update',
      value: { event: 'REJECTED', message_template_id: 905507062668800, big: '12345678901234567890', reason: null },
    });
  });

  it('keeps a "__proto__" key as data', () => {
    const parsed = parseItem({ kind: 'change', field: 'x', raw: raw('{"__proto__":{"polluted":true}}') });
    assert.equal(parsed.kind, 'change');
    if (parsed.kind !== 'change') return;
    assert.deepEqual(Object.keys(parsed.value as object), ['__proto__']);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });
});

describe('parseItem: totality', () => {
  const weird = [
    'null',
    '[]',
    '"s"',
    '42',
    '{"type":7,"text":"x","timestamp":{},"context":[],"errors":{}}',
    '{"type":"image","image":"x"}',
    '{"status":["sent"],"errors":[1,null,{"code":"x"}]}',
    'not json',
    '',
  ];

  it('never throws, for any kind and any bytes', () => {
    for (const kind of EVENT_KINDS) {
      for (const text of weird) {
        assert.doesNotThrow(() => parseItem({ kind, field: 'messages', raw: Buffer.from(text) }), `${kind}: ${text}`);
      }
    }
  });

  it('reads garbage as empty items', () => {
    const m = parseItem({ kind: 'message', field: 'messages', raw: Buffer.from('not json') });
    assert.deepEqual(m.kind === 'message' && m.message.type === 'unknown' && m.message.unknown, { type: null, raw: 'not json' });
    assert.deepEqual(parseStatus([] as never), emptyStatus);
    assert.deepEqual(parseItem({ kind: 'change', field: 'f', raw: Buffer.from('{') }), { kind: 'change', field: 'f', value: null });
  });

  it('reads wrongly typed fields as null', () => {
    const parsed = parseItem({ kind: 'message', field: 'messages', raw: raw({ id: 5, type: 'image', image: 'x', timestamp: {}, context: [], errors: {} }) });
    assert.equal(parsed.kind, 'message');
    if (parsed.kind !== 'message') return;
    const m = parsed.message;
    assert.equal(m.id, '5');
    assert.equal(m.timestamp, null);
    assert.equal(m.context, null);
    assert.deepEqual(m.errors, []);
    assert.deepEqual(m.type === 'image' && m.image.id, null);
  });
});
