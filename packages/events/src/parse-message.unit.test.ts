import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseItem } from './parse-item.ts';
import type { MessageContent, ParsedMessage } from './parsed-item.ts';

const base = { from: '5511999990000', id: 'wamid.1', timestamp: '1700000000' };

function parseMessageJson(json: string, kind: 'message' | 'message_echo' = 'message'): ParsedMessage {
  const parsed = parseItem({ kind, field: 'messages', raw: Buffer.from(json) });
  assert.ok(parsed.kind === 'message' || parsed.kind === 'message_echo');
  assert.equal(parsed.kind, kind);
  return parsed.message;
}
const parseMessage = (item: object): ParsedMessage => parseMessageJson(JSON.stringify(item));

/** The content part of a parsed message (drops the common fields). */
function content(item: object): MessageContent {
  const m = parseMessage({ ...base, ...item });
  const { id, from, fromUserId, to, toUserId, customerId, timestamp, context, referral, identity, errors, ...rest } = m;
  return rest as MessageContent;
}

const media = (over: object) => ({ id: null, mimeType: null, sha256: null, caption: null, filename: null, voice: null, animated: null, url: null, ...over });

describe('parseItem: message common fields', () => {
  it('reads sender, time and context', () => {
    // given a reply that was forwarded and mentions a product
    const item = {
      ...base,
      from_user_id: 'US.1',
      type: 'text',
      text: { body: 'hi' },
      context: {
        from: '15550001111',
        id: 'wamid.0',
        forwarded: true,
        frequently_forwarded: true,
        referred_product: { catalog_id: 'C1', product_retailer_id: 'SKU' },
      },
    };
    // when parsed
    const m = parseMessage(item);
    // then
    assert.equal(m.id, 'wamid.1');
    assert.equal(m.from, '5511999990000');
    assert.equal(m.fromUserId, 'US.1');
    assert.equal(m.customerId, '5511999990000');
    assert.equal(m.timestamp, 1700000000);
    assert.deepEqual(m.context, {
      from: '15550001111',
      id: 'wamid.0',
      forwarded: true,
      frequentlyForwarded: true,
      referredProduct: { catalogId: 'C1', productRetailerId: 'SKU' },
    });
    assert.equal(m.referral, null);
    assert.equal(m.identity, null);
    assert.deepEqual(m.errors, []);
  });

  it('reads a click-to-WhatsApp referral and an identity', () => {
    const m = parseMessage({
      ...base,
      timestamp: 1700000000,
      type: 'text',
      text: { body: 'x' },
      referral: {
        source_url: 'U',
        source_id: 'ADID',
        source_type: 'ad',
        headline: 'H',
        body: 'B',
        media_type: 'image',
        image_url: 'I',
        video_url: 'V',
        thumbnail_url: 'T',
        ctwa_clid: 'CL',
      },
      identity: { acknowledged: true, created_timestamp: '1697044706', hash: 'h' },
    });
    assert.equal(m.timestamp, 1700000000);
    assert.deepEqual(m.referral, {
      sourceUrl: 'U',
      sourceId: 'ADID',
      sourceType: 'ad',
      headline: 'H',
      body: 'B',
      mediaType: 'image',
      imageUrl: 'I',
      videoUrl: 'V',
      thumbnailUrl: 'T',
      ctwaClid: 'CL',
    });
    assert.deepEqual(m.identity, { acknowledged: true, createdTimestamp: 1697044706, hash: 'h' });
  });

  it('uses from_user_id when there is no from', () => {
    const m = parseMessage({ id: 'm', from_user_id: 'US.9', type: 'text', text: { body: 'x' } });
    assert.equal(m.from, null);
    assert.equal(m.customerId, 'US.9');
  });

  it('keeps 64-bit numeric ids exact', () => {
    const m = parseMessageJson('{"from":12345678901234567890,"id":"m","type":"image","image":{"id":98765432109876543210}}');
    assert.equal(m.from, '12345678901234567890');
    assert.deepEqual(m.type === 'image' && m.image.id, '98765432109876543210');
  });
});

describe('parseItem: message types', () => {
  it('text', () => {
    assert.deepEqual(content({ type: 'text', text: { body: 'caf\u00e9' } }), { type: 'text', text: { body: 'café' } });
  });

  it('media: image, video, audio, document, sticker', () => {
    assert.deepEqual(content({ type: 'image', image: { id: '1', mime_type: 'image/jpeg', sha256: 's', caption: 'c', url: 'https://x' } }), {
      type: 'image',
      image: media({ id: '1', mimeType: 'image/jpeg', sha256: 's', caption: 'c', url: 'https://x' }),
    });
    assert.deepEqual(content({ type: 'video', video: { id: '2', caption: 'v' } }), { type: 'video', video: media({ id: '2', caption: 'v' }) });
    assert.deepEqual(content({ type: 'audio', audio: { id: '3', mime_type: 'audio/ogg; codecs=opus', voice: true } }), {
      type: 'audio',
      audio: media({ id: '3', mimeType: 'audio/ogg; codecs=opus', voice: true }),
    });
    assert.deepEqual(content({ type: 'document', document: { id: '4', filename: 'f.pdf', caption: 'd' } }), {
      type: 'document',
      document: media({ id: '4', filename: 'f.pdf', caption: 'd' }),
    });
    assert.deepEqual(content({ type: 'sticker', sticker: { id: '5', animated: false } }), { type: 'sticker', sticker: media({ id: '5', animated: false }) });
  });

  it('location, with or without a name', () => {
    assert.deepEqual(content({ type: 'location', location: { latitude: -10.9, longitude: '43.5', name: 'N', address: 'A', url: 'https://u' } }), {
      type: 'location',
      location: { latitude: -10.9, longitude: 43.5, name: 'N', address: 'A', url: 'https://u' },
    });
    assert.deepEqual(content({ type: 'location', location: { latitude: 1, longitude: 2 } }), {
      type: 'location',
      location: { latitude: 1, longitude: 2, name: null, address: null, url: null },
    });
  });

  it('location without a type is recognised by its content key', () => {
    assert.equal(content({ location: { latitude: 1, longitude: 2 } }).type, 'location');
  });

  it('contacts cards', () => {
    const c = content({
      type: 'contacts',
      contacts: [
        {
          name: { formatted_name: 'Chandler Bing', first_name: 'Chandler', last_name: 'Bing' },
          phones: [{ phone: '+1 555', wa_id: '1555', type: 'CELL' }],
          emails: [{ email: 'c@x', type: 'WORK' }],
          org: { company: 'X' },
          birthday: '1968-04-08',
        },
      ],
    });
    assert.equal(c.type, 'contacts');
    if (c.type !== 'contacts') return;
    assert.equal(c.contacts.length, 1);
    assert.deepEqual(c.contacts[0], {
      name: { formattedName: 'Chandler Bing', firstName: 'Chandler', lastName: 'Bing', middleName: null, prefix: null, suffix: null },
      phones: [{ phone: '+1 555', waId: '1555', type: 'CELL' }],
      emails: [{ email: 'c@x', type: 'WORK' }],
      urls: [],
      addresses: [],
      org: { company: 'X', department: null, title: null },
      birthday: '1968-04-08',
    });
  });

  it('interactive button_reply and list_reply (type key in any order)', () => {
    assert.deepEqual(content({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'b', title: 'B' } } }), {
      type: 'interactive',
      interactive: { type: 'button_reply', id: 'b', title: 'B' },
    });
    assert.deepEqual(content({ interactive: { list_reply: { id: 'l', title: 'L', description: 'D' }, type: 'list_reply' }, type: 'interactive' }), {
      type: 'interactive',
      interactive: { type: 'list_reply', id: 'l', title: 'L', description: 'D' },
    });
  });

  it('interactive nfm_reply parses response_json safely', () => {
    const good = content({
      type: 'interactive',
      interactive: { type: 'nfm_reply', nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"flow_token":"T","n":12345678901234567890}' } },
    });
    assert.deepEqual(good, {
      type: 'interactive',
      interactive: {
        type: 'nfm_reply',
        name: 'flow',
        body: 'Sent',
        responseJson: '{"flow_token":"T","n":12345678901234567890}',
        response: { flow_token: 'T', n: '12345678901234567890' },
      },
    });
    const bad = content({ type: 'interactive', interactive: { type: 'nfm_reply', nfm_reply: { response_json: '{oops' } } });
    assert.equal(bad.type === 'interactive' && bad.interactive.type === 'nfm_reply' && bad.interactive.response, null);
  });

  it('interactive call_permission_reply', () => {
    assert.deepEqual(
      content({
        type: 'interactive',
        interactive: {
          type: 'call_permission_reply',
          call_permission_reply: { response: 'accept', expiration_timestamp: 1753186982, response_source: 'user_action' },
        },
      }),
      {
        type: 'interactive',
        interactive: { type: 'call_permission_reply', response: 'accept', expirationTimestamp: 1753186982, responseSource: 'user_action', isPermanent: null },
      },
    );
  });

  it('interactive with an unknown or missing body stays interactive', () => {
    assert.deepEqual(content({ type: 'interactive' }), { type: 'interactive', interactive: { type: 'unknown', interactiveType: null, raw: null } });
    assert.deepEqual(content({ type: 'interactive', interactive: { type: 'product_carousel', x: 1 } }), {
      type: 'interactive',
      interactive: { type: 'unknown', interactiveType: 'product_carousel', raw: '{"type":"product_carousel","x":1}' },
    });
  });

  it('button (template quick reply)', () => {
    assert.deepEqual(content({ type: 'button', button: { payload: 'P', text: 'T' } }), { type: 'button', button: { payload: 'P', text: 'T' } });
  });

  it('reaction, and its removal by empty or missing emoji', () => {
    assert.deepEqual(content({ type: 'reaction', reaction: { message_id: 'wamid.0', emoji: '\ud83d\ude2e' } }), {
      type: 'reaction',
      reaction: { messageId: 'wamid.0', emoji: '😮', removed: false },
    });
    assert.deepEqual(content({ type: 'reaction', reaction: { message_id: 'wamid.0', emoji: '' } }), {
      type: 'reaction',
      reaction: { messageId: 'wamid.0', emoji: null, removed: true },
    });
    assert.deepEqual(content({ type: 'reaction', reaction: { message_id: 'wamid.0' } }), {
      type: 'reaction',
      reaction: { messageId: 'wamid.0', emoji: null, removed: true },
    });
  });

  it('order, numbers or placeholder strings', () => {
    assert.deepEqual(
      content({
        type: 'order',
        order: {
          catalog_id: 354160437058781,
          text: '',
          product_items: [
            { product_retailer_id: 'A', quantity: 3, item_price: 30.5, currency: 'ILS' },
            { product_retailer_id: 'B', quantity: 'number-of-item', item_price: '12', currency: 'USD' },
          ],
        },
      }),
      {
        type: 'order',
        order: {
          catalogId: '354160437058781',
          text: '',
          productItems: [
            { productRetailerId: 'A', quantity: 3, itemPrice: 30.5, currency: 'ILS' },
            { productRetailerId: 'B', quantity: null, itemPrice: 12, currency: 'USD' },
          ],
        },
      },
    );
  });

  it('system: number change (current and legacy shape) and identity change', () => {
    assert.deepEqual(content({ type: 'system', system: { body: 'changed', wa_id: '972912345678', type: 'user_changed_number' } }), {
      type: 'system',
      system: { type: 'user_changed_number', body: 'changed', newWaId: '972912345678', customer: null, identity: null },
    });
    assert.deepEqual(content({ type: 'system', system: { type: 'user_changed_number', new_wa_id: 'N', customer: 'OLD' } }), {
      type: 'system',
      system: { type: 'user_changed_number', body: null, newWaId: 'N', customer: 'OLD', identity: null },
    });
    assert.deepEqual(content({ type: 'system', system: { type: 'customer_identity_changed', body: 'b', identity: 'h' } }), {
      type: 'system',
      system: { type: 'customer_identity_changed', body: 'b', newWaId: null, customer: null, identity: 'h' },
    });
  });

  it('revoke', () => {
    assert.deepEqual(content({ type: 'revoke', revoke: { original_message_id: 'wamid.0' } }), { type: 'revoke', revoke: { originalMessageId: 'wamid.0' } });
  });

  it('edit wraps the new content', () => {
    assert.deepEqual(content({ type: 'edit', edit: { original_message_id: 'wamid.0', message: { type: 'text', text: { body: 'fixed' } } } }), {
      type: 'edit',
      edit: { originalMessageId: 'wamid.0', message: { type: 'text', text: { body: 'fixed' } } },
    });
    assert.deepEqual(content({ type: 'edit', edit: { original_message_id: 'wamid.0' } }), {
      type: 'edit',
      edit: { originalMessageId: 'wamid.0', message: null },
    });
  });

  it('unsupported, with its errors and inner type', () => {
    const m = parseMessage({
      ...base,
      type: 'unsupported',
      unsupported: { type: 'pool' },
      errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'not supported' } }],
    });
    assert.equal(m.type, 'unsupported');
    assert.deepEqual(m.type === 'unsupported' && m.unsupported, { type: 'pool' });
    assert.deepEqual(m.errors, [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', details: 'not supported', href: null }]);
    const legacy = parseMessage({ ...base, type: 'unsupported', errors: [{ code: 131051, details: 'legacy', title: 'T' }] });
    assert.deepEqual(legacy.errors, [{ code: 131051, title: 'T', message: null, details: 'legacy', href: null }]);
  });

  it('unknown types keep their exact raw text', () => {
    const json = '{"from":"1","id":"m","type":"ephemeral","ephemeral":{"x":"caf\\u00e9"}}';
    const m = parseMessageJson(json);
    assert.deepEqual(m.type === 'unknown' && m.unknown, { type: 'ephemeral', raw: json });
    assert.deepEqual(content({}), { type: 'unknown', unknown: { type: null, raw: JSON.stringify(base) } });
  });

  it('an echo is read from the business side: the customer is `to`', () => {
    const m = parseMessageJson('{"from":"biz","to":"5511","to_user_id":"US.1","id":"e","type":"text","text":{"body":"hi"}}', 'message_echo');
    assert.equal(m.from, 'biz');
    assert.equal(m.to, '5511');
    assert.equal(m.toUserId, 'US.1');
    assert.equal(m.customerId, '5511');
    assert.equal(m.type, 'text');
  });
});
