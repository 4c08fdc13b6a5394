import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideTemplate } from './decide-template.ts';
import { parseSend } from './parse-send.ts';

const base = { phoneNumberId: '1', to: '5511999990001' };
const template = parseSend({ ...base, type: 'template', template: { name: 'hello_world', language: 'en_US' } });
const text = parseSend({ ...base, type: 'text', text: { body: 'hi' } });

test('given a known status, only APPROVED templates go; unknown or unchecked ones go (Meta decides); other messages are not checked', () => {
  assert.deepEqual(decideTemplate(template, { status: 'APPROVED' }), { send: true });
  for (const status of ['PAUSED', 'DISABLED', 'REJECTED', 'PENDING', 'IN_APPEAL', 'ARCHIVED', 'DELETED'])
    assert.deepEqual(decideTemplate(template, { status }), { send: false, status });
  assert.deepEqual(decideTemplate(template, { status: null }), { send: true }, 'no status event seen yet');
  assert.deepEqual(decideTemplate(template, 'unchecked'), { send: true }, 'no account-state configured');
  assert.deepEqual(decideTemplate(text, { status: 'PAUSED' }), { send: true });
});
