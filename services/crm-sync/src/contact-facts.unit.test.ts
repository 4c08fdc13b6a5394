import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explodeWebhook, type WhatsAppEvent } from '@wabus/events';
import { readContactFacts } from './contact-facts.ts';
import { REPLAY_HEADER } from '@wabus/kafka';
import { contactItems, groupContactFacts, readBatchFacts } from './group-contact-facts.ts';
import { conversationKey } from './message-ledger.ts';
import { shorten } from './message-preview.ts';

const META = { display_phone_number: '15550001111', phone_number_id: '1065' };

function events(field: string, value: Record<string, unknown>): WhatsAppEvent[] {
  const body = Buffer.from(
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{ id: 'waba', changes: [{ field, value: { messaging_product: 'whatsapp', metadata: META, ...value } }] }],
    }),
  );
  const r = explodeWebhook(body, { receivedAt: 1 });
  assert.ok(r.ok);
  return r.events;
}

test('facts: an inbound text names the contact, its phone, profile name, a preview and the conversation', () => {
  const [e] = events('messages', {
    contacts: [{ profile: { name: 'Zoë' }, wa_id: '5511987654321' }],
    messages: [
      { from: '5511987654321', id: 'wamid.A', timestamp: '1748779200', type: 'text', text: { body: '  Olá!\n\nQuero   saber do pedido 🚚 '.repeat(4) } },
    ],
  });
  const { facts, ledger } = readContactFacts(e!, 'default');
  assert.equal(facts.length, 1);
  const f = facts[0]!;
  assert.deepEqual(
    [f.id, f.waId, f.profileName, f.profileNameAt, f.firstSeenAt, f.lastSeenAt],
    ['5511987654321', '5511987654321', 'Zoë', 1748779200, 1748779200, 1748779200],
  );
  assert.equal(f.lastInboundMessage?.type, 'text');
  assert.equal(Array.from(f.lastInboundMessage!.preview).length, 80);
  assert.ok(f.lastInboundMessage!.preview.startsWith('Olá! Quero saber do pedido 🚚 Olá!'));
  assert.deepEqual(f.conversations, [{ phoneNumberId: '1065', lastInboundAt: 1748779200, lastOutboundAt: null, inboundMessages: 0, outboundMessages: 0 }]);
  assert.deepEqual(ledger, [{ messageId: 'wamid.A', contactId: '5511987654321', phoneNumberId: '1065', direction: 'in' }]);
});

test('facts: a sent status is outbound activity; a delivered one only counts; group sends and calls are not contacts', () => {
  const status = (extra: Record<string, unknown>) =>
    events('messages', { statuses: [{ id: 'wamid.O', status: 'sent', timestamp: 1748779300, recipient_id: '4477', ...extra }] })[0]!;
  const sent = readContactFacts(status({}), 'default');
  assert.equal(sent.facts[0]?.conversations[0]?.lastOutboundAt, 1748779300);
  assert.deepEqual(
    sent.ledger.map((l) => l.direction),
    ['out'],
  );
  assert.equal(readContactFacts(status({ status: 'delivered' }), 'default').facts[0]?.conversations[0]?.lastOutboundAt, null);
  assert.equal(readContactFacts(status({ recipient_type: 'group', recipient_id: '120363' }), 'default').facts.length, 0);
  assert.equal(readContactFacts(status({ type: 'call', status: 'ringing' }), 'default').facts.length, 0);
});

test('facts: user_preferences carry one fact per listed user (wa_id, else user_id); other categories only mark them seen', () => {
  const [e] = events('user_preferences', {
    user_preferences: [
      { wa_id: '111', category: 'marketing_messages', value: 'stop', timestamp: 1748779400 },
      { user_id: 'US.13491208655302741918', category: 'marketing_messages', value: 'resume', timestamp: '1748779401' },
      { wa_id: '333', category: 'something_new', value: 'stop', timestamp: 1748779402 },
    ],
  });
  const facts = readContactFacts(e!, 'default').facts;
  assert.deepEqual(
    facts.map((f) => [f.id, f.waId, f.userId, f.marketingOptOut, f.marketingOptOutAt, f.lastSeenAt]),
    [
      ['111', '111', null, true, 1748779400, 1748779400],
      ['US.13491208655302741918', null, 'US.13491208655302741918', false, 1748779401, 1748779401],
      ['333', '333', null, null, null, 1748779402],
    ],
  );
  assert.ok(facts.every((f) => f.conversations.length === 0));
});

test('group: replayed records fold but do not sync (unless allowed); counts go into the facts of their conversation', () => {
  const [msg] = events('messages', { messages: [{ from: '5511', id: 'wamid.B', timestamp: '10', type: 'image', image: { id: 'm', caption: 'foto' } }] });
  const [echo] = events('smb_message_echoes', {
    message_echoes: [{ from: '15550001111', to: '4477', id: 'wamid.E', timestamp: '11', type: 'text', text: { body: 'hi' } }],
  });
  const records: { offset: string; event: WhatsAppEvent; headers: Record<string, string> }[] = [
    { offset: '0', event: msg!, headers: {} },
    { offset: '1', event: echo!, headers: { [REPLAY_HEADER]: '1' } },
  ];
  const byRawId = (f: { state: { id: string } }) => f.state.id;
  const read = (allowReplay: boolean) => readBatchFacts(records, { allowReplay, tenantOf: () => 'default' });
  assert.deepEqual(
    read(false).map((f) => f.messages.map((m) => m.messageId)),
    [['wamid.B'], ['wamid.E']],
    'each fact brings its message id',
  );
  const g = groupContactFacts(read(false), byRawId);
  assert.deepEqual([...g.toSync], ['5511']);
  assert.deepEqual([...g.contactsByOffset], [['0', ['5511']]]);
  assert.deepEqual(
    g.filed.map((f) => [f.offset, f.state.id]),
    [
      ['0', '5511'],
      ['1', '4477'],
    ],
  );
  assert.deepEqual([...groupContactFacts(read(true), byRawId).toSync], ['5511', '4477']);
  // Facts are filed under their person's CRM id, whatever id the event named.
  assert.ok(groupContactFacts(read(false), () => 'BR.1').filed.every((f) => f.state.id === 'BR.1'));
  const items = contactItems(g.filed, new Map(), new Map([[conversationKey('5511', '1065'), { inbound: 7, outbound: 2 }]]));
  assert.deepEqual(
    items.map((i) => [i.offset, i.facts.map((f) => f.id)]),
    [
      ['0', ['5511']],
      ['1', ['4477']],
    ],
  );
  assert.deepEqual(items[0]!.facts[0]!.fact.conversations[0], {
    phoneNumberId: '1065',
    lastInboundAt: 10,
    lastOutboundAt: null,
    inboundMessages: 7,
    outboundMessages: 2,
  });
  assert.equal(items[1]!.facts[0]!.fact.conversations[0]!.outboundMessages, 0);
});

test("counts: each record carries its conversation's count as of itself, so a new message id raises it on the record that brought it", () => {
  const inbound = (id: string, at: string) => events('messages', { messages: [{ from: '5511', id, timestamp: at, type: 'text', text: { body: id } }] })[0]!;
  // The ledger held wamid.OLD before; the batch brings wamid.A and wamid.B, wamid.A again (a Meta retry), and OLD.
  const records = [inbound('wamid.OLD', '5'), inbound('wamid.A', '10'), inbound('wamid.A', '10'), inbound('wamid.B', '9')].map((event, i) => ({
    offset: String(i),
    event,
    headers: {},
  }));
  const g = groupContactFacts(readBatchFacts(records, { allowReplay: false, tenantOf: () => 'default' }), (f) => f.state.id);
  const absorbed = new Map([['5511', [{ ...g.filed[0]!.state, conversations: [{ ...g.filed[0]!.state.conversations[0]!, inboundMessages: 1 }] }]]]);
  const items = contactItems(g.filed, absorbed, new Map([[conversationKey('5511', '1065'), { inbound: 3, outbound: 0 }]]));
  assert.deepEqual(
    items.map((i) => [i.offset, i.facts[0]!.fact.conversations[0]!.inboundMessages]),
    [
      ['0', 1],
      ['1', 2],
      ['2', 2],
      ['3', 3],
      [null, 3],
    ],
    'the ledger count (3) less the ids first named later: OLD alone, then A, then B; the merged state last, with the full count',
  );
});

test('preview: whitespace folded, cut by characters (an emoji is never halved)', () => {
  assert.equal(shorten('a\n\n b'), 'a b');
  assert.equal(shorten('🔥'.repeat(100), 5), '🔥🔥🔥🔥…');
});

test('facts: a message carries every id of its user as aliases (phone, BSUID, parent), and the tenant it was read for', () => {
  const [e] = events('messages', {
    contacts: [{ profile: { name: 'Zoë' }, wa_id: '5511987654321', user_id: 'BR.1234567890123456789' }],
    messages: [{ from: '5511987654321', from_user_id: 'BR.1234567890123456789', id: 'wamid.ID', timestamp: '1748779200', type: 'text', text: { body: 'oi' } }],
  });
  const f = readContactFacts(e!, 'acme').facts[0]!;
  assert.deepEqual(
    [f.tenantId, f.waId, f.userId, f.aliases],
    ['acme', '5511987654321', 'BR.1234567890123456789', ['bsuid:BR.1234567890123456789', 'phone:5511987654321']],
  );
  const [onlyBsuid] = events('messages', {
    contacts: [{ profile: { name: 'Zoë' }, user_id: 'BR.1234567890123456789' }],
    messages: [{ from_user_id: 'BR.1234567890123456789', id: 'wamid.ID2', timestamp: '1748779201', type: 'text', text: { body: 'oi' } }],
  });
  const g = readContactFacts(onlyBsuid!, 'acme').facts[0]!;
  assert.deepEqual([g.id, g.waId, g.userId, g.aliases], ['BR.1234567890123456789', null, 'BR.1234567890123456789', ['bsuid:BR.1234567890123456789']]);
});
