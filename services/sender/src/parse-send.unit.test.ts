import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SenderError } from './errors.ts';
import { graphRequestOf } from './graph-body.ts';
import { parseSend } from './parse-send.ts';

const base = { phoneNumberId: '106540352242922', to: '5511999990001' };
const body = (raw: unknown) => graphRequestOf('v21.0', parseSend(raw)).body;

test('every message type becomes Meta’s body', () => {
  assert.deepEqual(body({ ...base, type: 'text', text: { body: 'hi' }, replyTo: 'wamid.X' }), {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: '5511999990001',
    context: { message_id: 'wamid.X' },
    type: 'text',
    text: { preview_url: false, body: 'hi' },
  });
  const components = [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }] }];
  assert.deepEqual(body({ ...base, type: 'template', template: { name: 'order_ready', language: 'pt_BR', components } })['template'], {
    name: 'order_ready',
    language: { code: 'pt_BR' },
    components,
  });
  assert.deepEqual(body({ ...base, type: 'image', image: { id: '1234', caption: 'c' } })['image'], { id: '1234', caption: 'c' });
  assert.deepEqual(body({ ...base, type: 'document', document: { link: 'https://x.test/a.pdf', filename: 'a.pdf' } })['document'], {
    link: 'https://x.test/a.pdf',
    filename: 'a.pdf',
  });
  const interactive = { type: 'button', body: { text: 'Pick' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] } };
  assert.deepEqual(body({ ...base, type: 'interactive', interactive })['interactive'], interactive);
  assert.deepEqual(body({ ...base, type: 'reaction', reaction: { messageId: 'wamid.Y', emoji: '👍' } })['reaction'], { message_id: 'wamid.Y', emoji: '👍' });
  assert.deepEqual(body({ phoneNumberId: base.phoneNumberId, type: 'read', messageId: 'wamid.Z' }), {
    messaging_product: 'whatsapp',
    status: 'read',
    message_id: 'wamid.Z',
  });
  const bsuid = body({ phoneNumberId: base.phoneNumberId, recipient: 'US.13491208655302741918', type: 'text', text: { body: 'hi' } });
  assert.equal(bsuid['recipient'], 'US.13491208655302741918');
  assert.equal(bsuid['to'], undefined);
  assert.equal(graphRequestOf('v21.0', parseSend({ ...base, type: 'text', text: { body: 'x' } })).path, '/v21.0/106540352242922/messages');
});

test('every bad input is a coded 400 naming the field', () => {
  const cases: [unknown, string][] = [
    [null, 'body'],
    [{ ...base, type: 'fax' }, 'type'],
    [{ ...base, phoneNumberId: '..', type: 'text', text: { body: 'x' } }, 'phoneNumberId'],
    [{ phoneNumberId: base.phoneNumberId, type: 'text', text: { body: 'x' } }, 'to'],
    [{ ...base, recipient: 'US.1', type: 'text', text: { body: 'x' } }, 'to'],
    [{ ...base, to: 'abc', type: 'text', text: { body: 'x' } }, 'to'],
    [{ phoneNumberId: base.phoneNumberId, recipient: '5511999990001', type: 'text', text: { body: 'x' } }, 'recipient'],
    [{ ...base, type: 'text', text: { body: '' } }, 'text.body'],
    [{ ...base, type: 'text', text: { body: 'x'.repeat(4097) } }, 'text.body'],
    [{ ...base, type: 'text', text: { body: 'x', preview: true } }, 'text.preview'],
    [{ ...base, type: 'text', text: { body: 'x' }, extra: 1 }, 'extra'],
    [{ ...base, type: 'template', template: { name: 'Bad Name', language: 'en' } }, 'template.name'],
    [{ ...base, type: 'template', template: { name: 'ok', language: 'english' } }, 'template.language'],
    [{ ...base, type: 'template', template: { name: 'ok', language: 'en', components: 'x' } }, 'template.components'],
    [{ ...base, type: 'image', image: { id: '1', link: 'https://x.test/a' } }, 'image'],
    [{ ...base, type: 'image', image: { link: 'ftp://x.test/a' } }, 'image.link'],
    [{ ...base, type: 'image', image: { id: '../x' } }, 'image.id'],
    [{ ...base, type: 'audio', audio: { id: '1', caption: 'c' } }, 'audio.caption'],
    [{ ...base, type: 'image', image: { id: '1', filename: 'f' } }, 'image.filename'],
    [{ ...base, type: 'interactive', interactive: { type: 'carousel' } }, 'interactive.type'],
    [{ ...base, type: 'interactive', interactive: { type: 'button', action: {} } }, 'interactive.body'],
    [{ ...base, type: 'reaction', reaction: { messageId: 'wamid.X' } }, 'reaction.emoji'],
    [{ ...base, type: 'reaction', reaction: { messageId: 'bad id', emoji: '👍' } }, 'reaction.messageId'],
    [{ phoneNumberId: base.phoneNumberId, type: 'read' }, 'messageId'],
    [{ ...base, type: 'read', messageId: 'wamid.X' }, 'to'],
  ];
  for (const [raw, param] of cases) {
    assert.throws(
      () => parseSend(raw),
      (err: unknown) => SenderError.is(err, 'WABUS_SENDER_BAD_REQUEST') && (err as { param?: string }).param === param,
      `${JSON.stringify(raw)} → ${param}`,
    );
  }
});
