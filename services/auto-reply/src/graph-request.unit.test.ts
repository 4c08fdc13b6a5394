import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyAnswer } from '@wabus/graph-send';
import { graphRequest } from './graph-request.ts';

const send = { type: 'SendAutoReply', phoneNumberId: '1065', address: { to: '5511' }, replyTo: 'wamid.IN' } as const;
const head = { messaging_product: 'whatsapp', recipient_type: 'individual', to: '5511', context: { message_id: 'wamid.IN' } };

test("graph request: text, reply buttons, list and mark-as-read bodies as in Meta's send API", () => {
  assert.deepEqual(graphRequest('v21.0', { ...send, message: { type: 'text', text: 'Olá', previewUrl: false } }), {
    method: 'POST',
    path: '/v21.0/1065/messages',
    body: { ...head, type: 'text', text: { preview_url: false, body: 'Olá' } },
  });
  assert.deepEqual(graphRequest('v21.0', { ...send, message: { type: 'buttons', body: 'Pick', footer: 'f', buttons: [{ id: 'a', title: 'A' }] } }).body, {
    ...head,
    type: 'interactive',
    interactive: { type: 'button', body: { text: 'Pick' }, footer: { text: 'f' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'A' } }] } },
  });
  assert.deepEqual(
    graphRequest('v21.0', {
      ...send,
      message: { type: 'list', header: 'h', body: 'Pick', button: 'Topics', sections: [{ title: 'S', rows: [{ id: 'r', title: 'R' }] }] },
    }).body,
    {
      ...head,
      type: 'interactive',
      interactive: {
        type: 'list',
        header: { type: 'text', text: 'h' },
        body: { text: 'Pick' },
        action: { button: 'Topics', sections: [{ title: 'S', rows: [{ id: 'r', title: 'R' }] }] },
      },
    },
  );
  assert.deepEqual(graphRequest('v22.0', { type: 'MarkAsRead', phoneNumberId: '1065', messageId: 'wamid.IN' }), {
    method: 'POST',
    path: '/v22.0/1065/messages',
    body: { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.IN' },
  });
});

test('graph answers: classified by error.code, never by the HTTP status', () => {
  const err = (code: number) => JSON.stringify({ error: { message: 'm', type: 'OAuthException', code, fbtrace_id: 't' } });
  for (const code of [130429, 131056, 80007, 4]) {
    assert.equal(classifyAnswer(400, err(code), true).outcome, 'refused', `code ${code} on 400`);
    assert.equal(classifyAnswer(429, err(code), true).outcome, 'refused', `code ${code} on 429`);
  }
  for (const code of [131047, 131026, 131048, 100, 190]) assert.equal(classifyAnswer(429, err(code), true).outcome, 'failed', `code ${code}`);
  assert.deepEqual(classifyAnswer(400, err(131047), true), {
    outcome: 'failed',
    error: { code: 131047, httpStatus: 400, message: 'm', type: 'OAuthException', fbtraceId: 't' },
  });
  assert.deepEqual(classifyAnswer(200, JSON.stringify({ messaging_product: 'whatsapp', messages: [{ id: 'wamid.X' }] }), true), {
    outcome: 'accepted',
    wamid: 'wamid.X',
  });
  assert.deepEqual(classifyAnswer(200, JSON.stringify({ success: true }), false), { outcome: 'accepted', wamid: null });
  // No usable answer: the request may have been sent.
  assert.equal(classifyAnswer(502, '<html>Bad Gateway</html>', true).outcome, 'unknown');
  assert.equal(classifyAnswer(200, '{}', true).outcome, 'unknown');
  assert.equal(classifyAnswer(500, JSON.stringify({ error: { message: 'no code' } }), true).outcome, 'unknown');
});

test('graph request: a user known by phone is addressed with `to`, one known only by BSUID with `recipient` (never both)', () => {
  const message = { type: 'text', text: 'Olá', previewUrl: false } as const;
  const byPhone = graphRequest('v21.0', { ...send, message }).body;
  assert.equal(byPhone['to'], '5511');
  assert.ok(!('recipient' in byPhone));
  const byBsuid = graphRequest('v21.0', { ...send, address: { recipient: 'BR.1234567890123456789' }, message }).body;
  assert.equal(byBsuid['recipient'], 'BR.1234567890123456789');
  assert.equal(byBsuid['recipient_type'], 'individual');
  assert.ok(!('to' in byBsuid));
});
