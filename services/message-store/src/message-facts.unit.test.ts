import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildMessageDoc } from './evolve-message.ts';
import { messageFacts, type FactsResult } from './message-facts.ts';
import { CUSTOMER, DISPLAY, NAME, PHONE, echo, inbound } from './message-events.test-support.ts';

const media = { id: null, mimeType: null, sha256: null, caption: null, filename: null, voice: null, animated: null, url: null };
const ts = '1700000000';
const facts = (r: FactsResult) => {
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.facts;
};

// Every inbound type of WHATSAPP.md "Inbound message types": given the item as Meta sends it, the typed fields stored.
const CASES: { name: string; item: Record<string, unknown>; stored: Record<string, unknown> }[] = [
  { name: 'text', item: { type: 'text', text: { body: 'Olá, café?' } }, stored: { type: 'text', text: { body: 'Olá, café?' } } },
  {
    name: 'image with caption and url',
    item: {
      type: 'image',
      image: { caption: 'recibo', mime_type: 'image/jpeg', sha256: 'abc=', id: '1479537139650973', url: 'https://lookaside.fbsbx.com/x?mid=1' },
    },
    stored: {
      type: 'image',
      image: { ...media, id: '1479537139650973', mimeType: 'image/jpeg', sha256: 'abc=', caption: 'recibo', url: 'https://lookaside.fbsbx.com/x?mid=1' },
    },
  },
  {
    name: 'video',
    item: { type: 'video', video: { mime_type: 'video/mp4', sha256: 's', id: 'v1' } },
    stored: { type: 'video', video: { ...media, id: 'v1', mimeType: 'video/mp4', sha256: 's' } },
  },
  {
    name: 'audio (voice note)',
    item: { type: 'audio', audio: { mime_type: 'audio/ogg; codecs=opus', sha256: 's', id: 'a1', voice: true } },
    stored: { type: 'audio', audio: { ...media, id: 'a1', mimeType: 'audio/ogg; codecs=opus', sha256: 's', voice: true } },
  },
  {
    name: 'document with filename',
    item: { type: 'document', document: { filename: 'nota.pdf', mime_type: 'application/pdf', sha256: 's', id: 'd1', caption: 'NF' } },
    stored: { type: 'document', document: { ...media, id: 'd1', mimeType: 'application/pdf', sha256: 's', caption: 'NF', filename: 'nota.pdf' } },
  },
  {
    name: 'sticker (animated)',
    item: { type: 'sticker', sticker: { mime_type: 'image/webp', sha256: 's', id: 's1', animated: true } },
    stored: { type: 'sticker', sticker: { ...media, id: 's1', mimeType: 'image/webp', sha256: 's', animated: true } },
  },
  {
    name: 'location',
    item: { type: 'location', location: { latitude: -23.561, longitude: -46.656, name: 'MASP', address: 'Av. Paulista, 1578' } },
    stored: { type: 'location', location: { latitude: -23.561, longitude: -46.656, name: 'MASP', address: 'Av. Paulista, 1578', url: null } },
  },
  {
    name: 'contacts',
    item: {
      type: 'contacts',
      contacts: [{ name: { formatted_name: 'Ana Souza', first_name: 'Ana' }, phones: [{ phone: '+5511999', wa_id: '5511999', type: 'CELL' }] }],
    },
    stored: {
      type: 'contacts',
      contacts: [
        {
          name: { formattedName: 'Ana Souza', firstName: 'Ana', lastName: null, middleName: null, prefix: null, suffix: null },
          phones: [{ phone: '+5511999', waId: '5511999', type: 'CELL' }],
          emails: [],
          urls: [],
          addresses: [],
          org: null,
          birthday: null,
        },
      ],
    },
  },
  {
    name: 'interactive button_reply',
    item: { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'btn_1', title: 'Sim' } } },
    stored: { type: 'interactive', interactive: { type: 'button_reply', id: 'btn_1', title: 'Sim' } },
  },
  {
    name: 'interactive list_reply',
    item: { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'row_2', title: 'Entrega', description: 'até 2 dias' } } },
    stored: { type: 'interactive', interactive: { type: 'list_reply', id: 'row_2', title: 'Entrega', description: 'até 2 dias' } },
  },
  {
    name: 'interactive nfm_reply (Flow response parsed)',
    item: {
      type: 'interactive',
      interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"flow_token":"t1","rating":"5"}' } },
    },
    stored: {
      type: 'interactive',
      interactive: {
        type: 'nfm_reply',
        name: 'flow',
        body: 'Sent',
        responseJson: '{"flow_token":"t1","rating":"5"}',
        response: { flow_token: 't1', rating: '5' },
      },
    },
  },
  {
    name: 'interactive nfm_reply whose keys the store refuses keeps only the text',
    item: { type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"$where":"x","a.b":1}' } } },
    stored: { type: 'interactive', interactive: { type: 'nfm_reply', name: 'flow', body: 'Sent', responseJson: '{"$where":"x","a.b":1}', response: null } },
  },
  {
    name: 'button (template quick reply)',
    item: { type: 'button', button: { payload: 'CONFIRM', text: 'Confirmar' } },
    stored: { type: 'button', button: { payload: 'CONFIRM', text: 'Confirmar' } },
  },
  {
    name: 'reaction',
    item: { type: 'reaction', reaction: { message_id: 'wamid.T', emoji: '👍' } },
    stored: { type: 'reaction', reaction: { messageId: 'wamid.T', emoji: '👍', removed: false } },
  },
  {
    name: 'reaction removed',
    item: { type: 'reaction', reaction: { message_id: 'wamid.T', emoji: '' } },
    stored: { type: 'reaction', reaction: { messageId: 'wamid.T', emoji: null, removed: true } },
  },
  {
    name: 'order',
    item: {
      type: 'order',
      order: { catalog_id: '123', text: 'sem cebola', product_items: [{ product_retailer_id: 'SKU-1', quantity: 2, item_price: 9.9, currency: 'BRL' }] },
    },
    stored: {
      type: 'order',
      order: { catalogId: '123', text: 'sem cebola', productItems: [{ productRetailerId: 'SKU-1', quantity: 2, itemPrice: 9.9, currency: 'BRL' }] },
    },
  },
  {
    name: 'system (number changed)',
    item: { type: 'system', system: { body: 'User changed number', wa_id: '5511888', type: 'user_changed_number' } },
    stored: { type: 'system', system: { type: 'user_changed_number', body: 'User changed number', newWaId: '5511888', customer: null, identity: null } },
  },
  {
    name: 'revoke',
    item: { type: 'revoke', revoke: { original_message_id: 'wamid.T' } },
    stored: { type: 'revoke', revoke: { originalMessageId: 'wamid.T' } },
  },
  {
    name: 'edit',
    item: { type: 'edit', edit: { original_message_id: 'wamid.T', message: { type: 'text', text: { body: 'corrigido' } } } },
    stored: { type: 'edit', edit: { originalMessageId: 'wamid.T', message: { type: 'text', text: { body: 'corrigido' } } } },
  },
  { name: 'unsupported', item: { type: 'unsupported', unsupported: { type: 'poll' } }, stored: { type: 'unsupported', unsupported: { type: 'poll' } } },
  {
    name: 'a type from the future',
    item: { type: 'poll_vote', poll_vote: { id: 'p1' } },
    stored: {
      type: 'unknown',
      unknown: { type: 'poll_vote', raw: '{"from":"16315551181","id":"wamid.X","timestamp":"1700000000","type":"poll_vote","poll_vote":{"id":"p1"}}' },
    },
  },
];

for (const c of CASES) {
  test(`facts: ${c.name} is stored with its typed fields`, () => {
    const event = inbound({ id: 'wamid.X', timestamp: ts, ...c.item });
    const f = facts(messageFacts(event, { p: 0, o: 7 }));
    assert.deepEqual(f.own.message.content, c.stored);
    const doc = buildMessageDoc(f.own.wamid, f.own.message, { reactions: [], edits: [], revokes: [] }, f.own.at);
    assert.deepEqual(doc.content, c.stored, 'the document keeps the typed content');
    assert.equal(doc.type, c.stored['type']);
  });
}

test('facts: common fields: ids, profile name, times, raw exactly as received, reply context, forwarded, referral, errors', () => {
  const item = {
    context: { from: DISPLAY, id: 'wamid.OUT', forwarded: true },
    referral: { source_url: 'https://fb.me/x', source_id: '99', source_type: 'ad', headline: 'Promo', ctwa_clid: 'clid-1' },
    id: 'wamid.X',
    timestamp: ts,
    type: 'unsupported',
    errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'not supported' } }],
    unsupported: { type: 'view_once' },
  };
  const event = inbound(item, { receivedAt: 1_700_000_001_234 });
  const { own, update, conversation } = facts(messageFacts(event, { p: 3, o: 42 }));
  const m = own.message;
  assert.equal(own.wamid, 'wamid.X');
  assert.deepEqual(own.at, { p: 3, o: 42 });
  assert.equal(m.direction, 'inbound');
  assert.equal(m.phoneNumberId, PHONE);
  assert.equal(m.displayPhoneNumber, DISPLAY);
  assert.equal(m.customerId, CUSTOMER);
  assert.equal(m.profileName, NAME);
  assert.equal(m.from, CUSTOMER);
  assert.deepEqual(m.timestamp, new Date(1_700_000_000_000));
  assert.deepEqual(m.receivedAt, new Date(1_700_000_001_234));
  assert.equal(m.raw, event.raw.toString('utf8'));
  assert.deepEqual(JSON.parse(m.raw), { from: CUSTOMER, ...item });
  assert.deepEqual(m.context, { from: DISPLAY, id: 'wamid.OUT', forwarded: true, frequentlyForwarded: false, referredProduct: null });
  assert.equal(m.referral?.ctwaClid, 'clid-1');
  assert.deepEqual(m.errors, [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', details: 'not supported', href: null }]);
  assert.equal(update, null);
  assert.equal(conversation.direction, 'inbound');
});

test('facts: an echo is an outbound message of the conversation with the customer it was sent to', () => {
  const { own, conversation } = facts(messageFacts(echo({ id: 'wamid.E', timestamp: ts, type: 'text', text: { body: 'Bom dia' } }), { p: 0, o: 1 }));
  assert.equal(own.message.direction, 'outbound');
  assert.equal(own.message.customerId, CUSTOMER);
  assert.equal(own.message.from, DISPLAY);
  assert.equal(own.message.to, CUSTOMER);
  assert.equal(conversation.customerId, CUSTOMER);
  assert.equal(conversation.direction, 'outbound');
});

test('facts: reactions, edits and revokes also name their target', () => {
  const r = facts(messageFacts(inbound({ id: 'wamid.R', timestamp: ts, type: 'reaction', reaction: { message_id: 'wamid.T', emoji: '❤️' } }), { p: 0, o: 1 }));
  assert.deepEqual(r.update, {
    kind: 'reaction',
    target: 'wamid.T',
    update: { wamid: 'wamid.R', from: CUSTOMER, emoji: '❤️', timestamp: new Date(1_700_000_000_000) },
  });
  const e = facts(
    messageFacts(
      inbound({ id: 'wamid.E', timestamp: ts, type: 'edit', edit: { original_message_id: 'wamid.T', message: { type: 'text', text: { body: 'b' } } } }),
      { p: 0, o: 2 },
    ),
  );
  assert.deepEqual(e.update, {
    kind: 'edit',
    target: 'wamid.T',
    update: { wamid: 'wamid.E', timestamp: new Date(1_700_000_000_000), content: { type: 'text', text: { body: 'b' } } },
  });
  const v = facts(messageFacts(inbound({ id: 'wamid.V', timestamp: ts, type: 'revoke', revoke: { original_message_id: 'wamid.T' } }), { p: 0, o: 3 }));
  assert.deepEqual(v.update, { kind: 'revoke', target: 'wamid.T', update: { wamid: 'wamid.V', timestamp: new Date(1_700_000_000_000) } });
});

test('facts: a message without wamid, business number or customer can never be stored', () => {
  const noId = messageFacts(inbound({ timestamp: ts, type: 'text', text: { body: 'x' } }), { p: 0, o: 1 });
  assert.equal(noId.ok, false);
  const noPhone = messageFacts(inbound({ id: 'wamid.A', timestamp: ts, type: 'text', text: { body: 'x' } }, { phoneNumberId: null }), { p: 0, o: 1 });
  assert.equal(noPhone.ok, false);
  const noCustomer = messageFacts(inbound({ from: undefined, id: 'wamid.B', timestamp: ts, type: 'text', text: { body: 'x' } }, { contact: null }), {
    p: 0,
    o: 1,
  });
  assert.equal(noCustomer.ok, false);
  assert.match(noCustomer.ok ? '' : noCustomer.reason, /no customer/);
});
