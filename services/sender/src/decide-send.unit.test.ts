import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideSend, SERVICE_WINDOW_MS } from './decide-send.ts';
import { parseSend } from './parse-send.ts';

const now = Date.UTC(2026, 11, 6, 12);
const base = { phoneNumberId: '1', to: '5511999990001' };
const text = parseSend({ ...base, type: 'text', text: { body: 'hi' } });
const template = parseSend({ ...base, type: 'template', template: { name: 'hello_world', language: 'en_US' } });
const read = parseSend({ phoneNumberId: '1', type: 'read', messageId: 'wamid.X' });

test('given the window, free-form messages go inside it only; templates and read marks always', () => {
  const inside = { lastInboundAt: now - SERVICE_WINDOW_MS + 1 };
  const closed = { lastInboundAt: now - SERVICE_WINDOW_MS };
  const never = { lastInboundAt: null };
  assert.deepEqual(decideSend(text, inside, now), { send: true });
  assert.deepEqual(decideSend(text, closed, now), { send: false, reason: 'outside_window' });
  assert.deepEqual(decideSend(text, never, now), { send: false, reason: 'outside_window' });
  for (const w of [inside, closed, never]) {
    assert.deepEqual(decideSend(template, w, now), { send: true });
    assert.deepEqual(decideSend(read, w, now), { send: true });
  }
  assert.deepEqual(decideSend(text, 'unchecked', now), { send: true }, 'no window source: Meta decides (131047)');
});
