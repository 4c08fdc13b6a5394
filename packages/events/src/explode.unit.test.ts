import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { explodeWebhook } from './explode.ts';
import type { ExplodeFailureReason } from './explode.ts';
import type { WhatsAppEvent } from './whatsapp-event.ts';

const RECEIVED_AT = 1_700_000_000_123;
const METADATA = { display_phone_number: '15550001111', phone_number_id: '100200300' };
const CONTACT = { profile: { name: 'Ana' }, wa_id: '5511999990000' };
const text = (id: string, body: string, from = '5511999990000') => ({ from, id, timestamp: '1700000000', type: 'text', text: { body } });
const status = (id: string, value: string) => ({ id, status: value, timestamp: '1700000001', recipient_id: '5511999990000' });

interface Change {
  field: string;
  value: unknown;
}
const envelope = (entries: Array<{ id?: unknown; time?: unknown; changes: Change[] }>): object => ({
  object: 'whatsapp_business_account',
  entry: entries,
});
const messagesChange = (value: object): Change => ({ field: 'messages', value: { messaging_product: 'whatsapp', metadata: METADATA, ...value } });
const oneChange = (change: Change, entry: { id?: unknown; time?: unknown } = { id: 'WABA1' }) => envelope([{ ...entry, changes: [change] }]);

function explodeOk(body: Buffer | object): WhatsAppEvent[] {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
  const result = explodeWebhook(buf, { receivedAt: RECEIVED_AT });
  assert.ok(result.ok, result.ok ? '' : `${result.reason}: ${result.detail}`);
  return result.events;
}

function explodeFails(body: string | object, reason: ExplodeFailureReason, detail?: RegExp): void {
  const buf = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const result = explodeWebhook(buf, { receivedAt: RECEIVED_AT });
  assert.equal(result.ok, false, `expected ${reason}`);
  if (result.ok) return;
  assert.equal(result.reason, reason, result.detail);
  assert.equal(result.deliveryId, createHash('sha256').update(buf).digest('hex'));
  if (detail) assert.match(result.detail, detail);
}

describe('explodeWebhook: splitting', () => {
  it('emits one event per item of every array of every change of every entry', () => {
    // given two entries, one with two changes, items of all four kinds
    const body = envelope([
      {
        id: 'WABA1',
        changes: [
          messagesChange({ contacts: [CONTACT], messages: [text('wamid.1', 'a'), text('wamid.2', 'b')], errors: [{ code: 131000, title: 'x' }] }),
          messagesChange({ statuses: [status('wamid.9', 'sent')] }),
        ],
      },
      {
        id: 'WABA2',
        changes: [
          {
            field: 'smb_message_echoes',
            value: {
              metadata: METADATA,
              message_echoes: [{ from: '15550001111', to: '5511999990000', id: 'wamid.E', timestamp: '1700000002', type: 'text', text: { body: 'hi' } }],
            },
          },
        ],
      },
    ]);
    // when exploded
    const events = explodeOk(body);
    // then every item is there once, in order, with its position
    assert.deepEqual(
      events.map((e) => [e.kind, e.wabaId, e.itemId, e.position]),
      [
        ['message', 'WABA1', 'wamid.1', { entry: 0, change: 0, item: 0 }],
        ['message', 'WABA1', 'wamid.2', { entry: 0, change: 0, item: 1 }],
        ['error', 'WABA1', null, { entry: 0, change: 0, item: 0 }],
        ['status', 'WABA1', 'wamid.9', { entry: 0, change: 1, item: 0 }],
        ['message_echo', 'WABA2', 'wamid.E', { entry: 1, change: 0, item: 0 }],
      ],
    );
    assert.ok(events.every((e) => e.receivedAt === RECEIVED_AT));
  });

  it('keeps each item as the exact bytes of the body', () => {
    // given an item with escapes, a 64-bit number and odd whitespace
    const item =
      '{ "from":"5511999990000","id":"wamid.\\u00e9","timestamp":"1700000000","type":"text",\n "text":{"body":"caf\\u00e9 \\ud83d\\ude2e image\\/jpeg"},"n":12345678901234567890}';
    const body = Buffer.from(
      `{"entry":[{"id":"W","changes":[{"value":{"metadata":{"phone_number_id":"P"},"contacts":[ {"wa_id":"5511999990000"} ],"messages":[ ${item} ]},"field":"messages"}]}],"object":"whatsapp_business_account"}`,
    );
    // when exploded
    const [event] = explodeOk(body);
    // then raw is the slice, byte for byte, and deliveryId hashes the whole body
    assert.equal(event?.raw.toString(), item);
    assert.equal(event?.contact?.toString(), '{"wa_id":"5511999990000"}');
    const result = explodeWebhook(body, { receivedAt: 0 });
    assert.equal(result.deliveryId, createHash('sha256').update(body).digest('hex'));
  });

  it('emits one change event for a change without item arrays, raw = its value', () => {
    const value = { event: 'VERIFIED_ACCOUNT', phone_number: '15550001111' };
    const [event, ...rest] = explodeOk(oneChange({ field: 'account_update', value }, { id: 'WABA1', time: 1604703058 }));
    assert.equal(rest.length, 0);
    assert.deepEqual(JSON.parse(event!.raw.toString()), value);
    assert.equal(event?.kind, 'change');
    assert.equal(event?.itemType, 'account_update');
    assert.equal(event?.metaTimestamp, 1604703058);
    assert.equal(event?.key, 'WABA1');
    assert.deepEqual(event?.position, { entry: 0, change: 0, item: 0 });
  });

  it('emits a change event when the item arrays are all empty, so nothing is dropped', () => {
    const events = explodeOk(oneChange(messagesChange({ messages: [], statuses: null })));
    assert.deepEqual(
      events.map((e) => [e.kind, e.field]),
      [['change', 'messages']],
    );
  });
});

describe('explodeWebhook: routing', () => {
  it('keys by the business number, else the WABA: never by the user', () => {
    const [withCustomer] = explodeOk(oneChange(messagesChange({ messages: [text('wamid.1', 'a')] })));
    assert.equal(withCustomer?.key, '100200300');
    assert.equal(withCustomer?.phoneNumberId, '100200300');
    assert.equal(withCustomer?.displayPhoneNumber, '15550001111');
    const [noCustomer] = explodeOk(oneChange(messagesChange({ messages: [{ id: 'wamid.1', type: 'text' }] })));
    assert.equal(noCustomer?.customerId, null);
    assert.equal(noCustomer?.key, '100200300');
    const [noMetadata] = explodeOk(oneChange({ field: 'messages', value: { messages: [text('wamid.1', 'a')] } }));
    assert.equal(noMetadata?.phoneNumberId, null);
    assert.equal(noMetadata?.key, 'WABA1');
  });

  it('one person, one key: a body with phone and BSUID, one with the BSUID only, one with the phone only', () => {
    const A = messagesChange({
      contacts: [{ profile: { name: 'Ana', username: '@ana.r' }, wa_id: '5511999990000', user_id: 'BR.1502576394655843' }],
      messages: [{ ...text('wamid.A', 'a'), from_user_id: 'BR.1502576394655843' }],
    });
    const B = messagesChange({
      contacts: [{ profile: { name: 'Ana', username: '@ana.r' }, user_id: 'BR.1502576394655843' }],
      messages: [{ from_user_id: 'BR.1502576394655843', id: 'wamid.B', timestamp: '1700000001', type: 'text', text: { body: 'b' } }],
    });
    const C = messagesChange({ contacts: [CONTACT], messages: [text('wamid.C', 'c')] });
    const [a, b, c] = [A, B, C].map((change) => explodeOk(oneChange(change))[0]!) as [WhatsAppEvent, WhatsAppEvent, WhatsAppEvent];
    assert.deepEqual(new Set([a.key, b.key, c.key]), new Set(['100200300']));
    const ids = (e: WhatsAppEvent) => [e.customerPhone, e.customerUserId, e.customerUsername];
    assert.deepEqual(ids(a), ['5511999990000', 'BR.1502576394655843', '@ana.r']);
    assert.deepEqual(ids(b), [null, 'BR.1502576394655843', '@ana.r']);
    assert.deepEqual(ids(c), ['5511999990000', null, null]);
    // customerId keeps its v1 meaning (wa_id, else the BSUID)
    assert.deepEqual([a.customerId, b.customerId, c.customerId], ['5511999990000', 'BR.1502576394655843', '5511999990000']);
  });

  it('reads every identifier of the user per kind: statuses, group participants, echoes, preferences, parents; a BSUID in `from` is taken as the BSUID', () => {
    const one = (change: Change) => {
      const e = explodeOk(oneChange(change))[0]!;
      return [e.customerPhone, e.customerUserId, e.customerParentUserId, e.customerUsername];
    };
    assert.deepEqual(
      one(messagesChange({ statuses: [{ id: 's', status: 'read', recipient_id: '111', recipient_user_id: 'US.2', recipient_parent_user_id: 'US.ENT.9' }] })),
      ['111', 'US.2', 'US.ENT.9', null],
    );
    // the field's name before Meta's May 2026 rename
    assert.deepEqual(one(messagesChange({ statuses: [{ id: 's', status: 'read', recipient_user_id: 'US.2', parent_recipient_user_id: 'US.ENT.9' }] })), [
      null,
      'US.2',
      'US.ENT.9',
      null,
    ]);
    // a group send: recipient_id is the group, the person is the participant
    assert.deepEqual(
      one(
        messagesChange({
          statuses: [
            { id: 's', status: 'read', recipient_type: 'group', recipient_id: 'G1', recipient_participant_id: '222', recipient_participant_user_id: 'US.3' },
          ],
        }),
      ),
      ['222', 'US.3', null, null],
    );
    assert.deepEqual(
      one({ field: 'smb_message_echoes', value: { message_echoes: [{ id: 'e', from: 'biz', to_user_id: 'US.4', to_parent_user_id: 'US.ENT.4' }] } }),
      [null, 'US.4', 'US.ENT.4', null],
    );
    assert.deepEqual(one({ field: 'user_preferences', value: { user_preferences: [{ wa_id: '333', user_id: 'US.5', value: 'stop' }] } }), [
      '333',
      'US.5',
      null,
      null,
    ]);
    // defensive: a payload that puts the BSUID in `from` (seen in the wild), and empty strings
    assert.deepEqual(one(messagesChange({ messages: [{ from: 'BR.77', id: 'm', type: 'text' }] })), [null, 'BR.77', null, null]);
    assert.deepEqual(
      one(messagesChange({ contacts: [{ wa_id: '', user_id: 'US.6', profile: { username: '' } }], messages: [{ from: '', id: 'm', type: 'text' }] })),
      [null, 'US.6', null, null],
    );
    // the sole contact of another user lends nothing: a status of 777 batched with a message whose contact is 5511…
    const mixed = explodeOk(
      oneChange(
        messagesChange({
          contacts: [{ ...CONTACT, user_id: 'BR.8' }],
          messages: [text('m', 'a')],
          statuses: [{ id: 's', status: 'read', recipient_id: '777' }],
        }),
      ),
    );
    assert.deepEqual(
      mixed.map((e) => [e.customerPhone, e.customerUserId]),
      [
        ['5511999990000', 'BR.8'],
        ['777', null],
      ],
    );
  });

  it('finds the customer per kind, falling back to business-scoped ids and the sole contact', () => {
    const bsuid = { profile: { name: 'B' }, user_id: 'US.1' };
    const cases: Array<[string, Change, string | null]> = [
      ['message from', messagesChange({ messages: [text('m', 'a', '111')] }), '111'],
      ['message from_user_id', messagesChange({ messages: [{ id: 'm', from_user_id: 'US.7', type: 'text' }] }), 'US.7'],
      ['message, only a contact', messagesChange({ contacts: [bsuid], messages: [{ id: 'm', type: 'text' }] }), 'US.1'],
      ['status recipient_id', messagesChange({ statuses: [status('s', 'read')] }), '5511999990000'],
      ['status recipient_user_id', messagesChange({ statuses: [{ id: 's', status: 'read', recipient_user_id: 'US.2' }] }), 'US.2'],
      ['echo to', { field: 'smb_message_echoes', value: { message_echoes: [{ id: 'e', from: 'biz', to: '222' }] } }, '222'],
      ['echo to_user_id', { field: 'smb_message_echoes', value: { message_echoes: [{ id: 'e', from: 'biz', to_user_id: 'US.3' }] } }, 'US.3'],
      ['error, sole contact', messagesChange({ contacts: [CONTACT], errors: [{ code: 1 }] }), '5511999990000'],
      ['error, two contacts', messagesChange({ contacts: [CONTACT, bsuid], errors: [{ code: 1 }] }), null],
      ['user_preferences', { field: 'user_preferences', value: { user_preferences: [{ wa_id: '333', value: 'stop' }] } }, '333'],
      ['call from user', { field: 'calls', value: { calls: [{ id: 'c', from: '444', to: 'biz', direction: 'USER_INITIATED' }] } }, '444'],
      ['call to user', { field: 'calls', value: { calls: [{ id: 'c', from: 'biz', to: '555', direction: 'BUSINESS_INITIATED' }] } }, '555'],
      ['template update', { field: 'message_template_status_update', value: { event: 'APPROVED' } }, null],
    ];
    for (const [name, change, expected] of cases) {
      const [event] = explodeOk(oneChange(change));
      assert.equal(event?.customerId, expected, name);
    }
  });

  it('attaches the contact matching the customer, else the only one', () => {
    const other = { profile: { name: 'O' }, wa_id: '999' };
    const bsuid = { profile: { name: 'B' }, wa_id: '777', user_id: 'US.8' };
    const events = explodeOk(
      oneChange(messagesChange({ contacts: [other, bsuid], messages: [text('m1', 'a', '999'), { id: 'm2', from_user_id: 'US.8' }, text('m3', 'c', '000')] })),
    );
    assert.deepEqual(
      events.map((e) => (e.contact === null ? null : JSON.parse(e.contact.toString()))),
      [other, bsuid, null],
    );
    const [sole] = explodeOk(oneChange(messagesChange({ contacts: [other], messages: [text('m', 'a', 'someone-else')] })));
    assert.deepEqual(JSON.parse(sole!.contact!.toString()), other);
  });

  it('reads ids, types and timestamps whether strings or numbers, ignoring placeholders', () => {
    const events = explodeOk(
      oneChange(
        messagesChange({
          messages: [
            { from: 5511, id: 'm1', timestamp: 1700000000, type: 'text' },
            { from: '5511', id: 'm2', timestamp: '<TIMESTAMP>', type: 'image' },
          ],
          statuses: [status('s1', 'delivered')],
          errors: [{ code: 131000 }],
        }),
        { id: 880480571844883, time: '1700000009' },
      ),
    );
    assert.deepEqual(
      events.map((e) => [e.wabaId, e.customerId, e.itemType, e.metaTimestamp]),
      [
        ['880480571844883', '5511', 'text', 1700000000],
        ['880480571844883', '5511', 'image', null],
        ['880480571844883', '5511999990000', 'delivered', 1700000001],
        ['880480571844883', null, '131000', 1700000009],
      ],
    );
  });

  it('dates a change by entry.time, else by its first timestamped item', () => {
    const [calls] = explodeOk(oneChange({ field: 'calls', value: { calls: [{ id: 'wacid.1', timestamp: '1752582933' }] } }));
    assert.equal(calls?.metaTimestamp, 1752582933);
    assert.equal(calls?.itemId, 'wacid.1');
    const [settings] = explodeOk(oneChange({ field: 'account_settings_update', value: { timestamp: '1671644824' } }));
    assert.equal(settings?.metaTimestamp, 1671644824);
  });
});

describe('explodeWebhook: event ids', () => {
  it('gives the same id to the same item however it is batched or formatted', () => {
    // given one message delivered alone, then again batched with others and pretty-printed
    const item = text('wamid.SAME', 'hello');
    const alone = Buffer.from(JSON.stringify(oneChange(messagesChange({ contacts: [CONTACT], messages: [item] }))));
    const batched = Buffer.from(
      JSON.stringify(
        envelope([
          { id: 'WABA1', changes: [messagesChange({ statuses: [status('wamid.0', 'read')] })] },
          { id: 'WABA1', changes: [messagesChange({ messages: [text('wamid.OTHER', 'x'), item] })] },
        ]),
        null,
        '\t',
      ),
    );
    // when both are exploded
    const first = explodeOk(alone).find((e) => e.itemId === 'wamid.SAME');
    const second = explodeOk(batched).find((e) => e.itemId === 'wamid.SAME');
    // then the ids match, though bodies, positions and delivery ids differ
    assert.ok(first && second);
    assert.notEqual(first.deliveryId, second.deliveryId);
    assert.notDeepEqual(first.position, second.position);
    assert.match(first.eventId, /^[0-9a-f]{64}$/);
    assert.equal(first.eventId, second.eventId);
  });

  it('gives different ids to different items, even under the same wamid', () => {
    const events = explodeOk(
      envelope([
        {
          id: 'WABA1',
          changes: [messagesChange({ messages: [text('wamid.ID', 'MESSAGE_BODY')] }), messagesChange({ messages: [text('wamid.ID', 'MESSAGE_BODY2')] })],
        },
      ]),
    );
    assert.equal(events.length, 2);
    assert.notEqual(events[0]?.eventId, events[1]?.eventId);
    // statuses of one message differ by status
    const statuses = explodeOk(oneChange(messagesChange({ statuses: [status('wamid.1', 'sent'), status('wamid.1', 'delivered')] })));
    assert.notEqual(statuses[0]?.eventId, statuses[1]?.eventId);
  });

  it('tells identical bytes apart by context: phone number, kind, entry time, error surroundings', () => {
    const ids = (body: object): string[] => explodeOk(body).map((e) => e.eventId);
    const item = text('wamid.X', 'same');
    const onA = ids(oneChange({ field: 'messages', value: { metadata: { phone_number_id: 'A' }, messages: [item] } }));
    const onB = ids(oneChange({ field: 'messages', value: { metadata: { phone_number_id: 'B' }, messages: [item] } }));
    assert.notDeepEqual(onA, onB);
    const asEcho = ids(oneChange({ field: 'messages', value: { metadata: { phone_number_id: 'A' }, message_echoes: [item] } }));
    assert.notDeepEqual(onA, asEcho);
    const update = { field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } };
    assert.notDeepEqual(ids(oneChange(update, { id: 'W', time: 1 })), ids(oneChange(update, { id: 'W', time: 2 })));
    assert.deepEqual(ids(oneChange(update, { id: 'W', time: 1 })), ids(oneChange(update, { id: 'W', time: 1 })));
    const error = { code: 131000, title: 'Something went wrong' };
    const errA = ids(oneChange(messagesChange({ messages: [text('wamid.1', 'a')], errors: [error] })));
    const errB = ids(oneChange(messagesChange({ messages: [text('wamid.2', 'b')], errors: [error] })));
    assert.notEqual(errA[1], errB[1]);
    const twoErrors = ids(oneChange(messagesChange({ errors: [error, error] })));
    assert.notEqual(twoErrors[0], twoErrors[1]);
  });
});

describe('explodeWebhook: envelope checks', () => {
  it('rejects what is not a webhook envelope, with a stable reason', () => {
    explodeFails('{"object":', 'invalid_json', /at byte 10/);
    explodeFails('[]', 'not_an_object');
    explodeFails({ entry: [] }, 'wrong_object', /missing/);
    explodeFails({ object: 'page', entry: [] }, 'wrong_object', /"page"/);
    explodeFails({ object: 'whatsapp_business_account' }, 'no_entries');
    explodeFails({ object: 'whatsapp_business_account', entry: [] }, 'no_entries');
    explodeFails({ object: 'whatsapp_business_account', entry: {} }, 'bad_entries');
    explodeFails(envelope(['x' as never]), 'bad_entry', /entry\[0\]/);
    explodeFails(envelope([{ changes: [] }]), 'bad_entry', /"id"/);
    explodeFails(envelope([{ id: 'W', changes: {} as never }]), 'bad_entry', /changes/);
    explodeFails(envelope([{ id: 'W', changes: [7 as never] }]), 'bad_change');
    explodeFails(oneChange({ value: {} } as never), 'bad_change', /"field"/);
    explodeFails(oneChange({ field: '', value: {} }), 'bad_change', /"field"/);
    explodeFails(oneChange({ field: 'messages', value: 'x' }), 'bad_change', /"value"/);
    explodeFails(oneChange({ field: 'messages' } as never), 'bad_change', /"value"/);
    explodeFails(oneChange(messagesChange({ messages: {} })), 'bad_change', /messages is not an array/);
    explodeFails(oneChange(messagesChange({ statuses: [status('s', 'sent'), 'x'] })), 'bad_item', /statuses\[1\]/);
  });

  it('accepts the merely unusual', () => {
    // key order reversed, numeric WABA id, no metadata, empty changes in another entry, unknown keys
    const body = Buffer.from(
      '{"extra":true,"entry":[{"changes":[],"id":"W0"},{"changes":[{"value":{"messages":[{"id":"m","x":[]}]},"field":"messages","new":1}],"time":null,"id":42}],"object":"whatsapp_business_account"}',
    );
    const events = explodeOk(body);
    assert.deepEqual(
      events.map((e) => [e.wabaId, e.itemId, e.metaTimestamp, e.position]),
      [['42', 'm', null, { entry: 1, change: 0, item: 0 }]],
    );
  });
});
