import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConversationState } from './conversation-state.ts';
import { REPLAY_HEADER } from '@wabus/kafka';
import { decide, type DecidePolicy, type Decision } from './decide.ts';
import { CUSTOMER, CUSTOMER_BSUID, inboundEvent, PHONE, type Content } from './inbound.test-support.ts';
import { parseRules } from './parse-rules.ts';

// Monday 2 June 2025, 13:00 UTC = 10:00 in São Paulo (UTC-3, no daylight saving).
const MON_10_LOCAL = Date.UTC(2025, 5, 2, 13, 0) / 1000;
const MON_19_LOCAL = Date.UTC(2025, 5, 2, 22, 0) / 1000;

const book = parseRules({
  businessHours: { '*': { timeZone: 'America/Sao_Paulo', weekly: { mon: ['09:00-18:00'], tue: ['09:00-18:00'] } } },
  rules: [
    { id: 'agent', when: { buttonIds: ['btn_agent'] }, reply: { text: 'agent' }, markAsRead: true },
    { id: 'row', when: { listIds: ['row_2'] }, reply: { text: 'row' } },
    { id: 'stop', when: { payloads: ['Stop promotions'] }, reply: { text: 'stopped' } },
    { id: 'greeting', when: { greeting: true }, reply: { buttons: { body: 'Hi!', buttons: [{ id: 'a', title: 'A' }] } } },
    { id: 'order', when: { regex: 'order\\s*#?\\d+', flags: 'i' }, reply: { text: 'order' } },
    { id: 'price', when: { keywords: ['price', 'preço', 'how much'] }, reply: { text: 'price' } },
    { id: 'yes', when: { keywords: ['yes'], match: 'exact' }, reply: { text: 'yes' } },
    { id: 'vip', when: { keywords: ['vip'] }, phoneNumberIds: ['999'], reply: { text: 'vip' } },
    { id: 'closed', when: { outsideBusinessHours: true }, reply: { text: 'closed' } },
    { id: 'fallback', when: { default: true }, phoneNumberIds: [PHONE], reply: { text: 'fallback' } },
  ],
});

const policy: DecidePolicy = { tenantId: 'default', rules: book, maxAgeSeconds: 600, allowReplay: false };
const seen: ConversationState = {
  _id: `${PHONE}:${CUSTOMER}`,
  phoneNumberId: PHONE,
  customerId: CUSTOMER,
  firstInboundAt: MON_10_LOCAL - 3600,
  lastInboundAt: MON_10_LOCAL - 60,
};

/** Given a message (and a conversation seen before), when decided a few seconds after it was written. */
function given(
  content: Content,
  o: { at?: number; state?: ConversationState | null; headers?: Record<string, string>; policy?: DecidePolicy; phoneNumberId?: string; nowMs?: number } = {},
): Decision {
  const at = o.at ?? MON_10_LOCAL;
  const event = inboundEvent({ content, timestamp: at, ...(o.phoneNumberId ? { phoneNumberId: o.phoneNumberId } : {}) });
  return decide({ event, headers: o.headers ?? {} }, o.state === undefined ? seen : o.state, o.policy ?? policy, o.nowMs ?? at * 1000 + 5_000);
}

const rule = (d: Decision) => ('skip' in d ? `skip:${d.skip}` : d.ruleId);

test('decide: each trigger type answers with its rule', () => {
  assert.equal(rule(given({ buttonId: 'btn_agent' })), 'agent');
  assert.equal(rule(given({ listId: 'row_2' })), 'row');
  assert.equal(rule(given({ payload: 'Stop promotions' })), 'stop');
  assert.equal(rule(given({ text: 'Hello' }, { state: null })), 'greeting');
  assert.equal(rule(given({ text: 'Where is ORDER #4521?' })), 'order');
  assert.equal(rule(given({ text: "What's the PRICE?" })), 'price');
  assert.equal(rule(given({ text: 'Qual o preco disso?' })), 'price', 'diacritics ignored');
  assert.equal(rule(given({ text: 'how  much, really' })), 'price', 'multi-word keyword');
  assert.equal(rule(given({ text: 'Yes!' })), 'yes', 'exact keyword: the whole message');
  assert.equal(rule(given({ text: 'vip' }, { phoneNumberId: '999', at: MON_10_LOCAL })), 'vip', 'rule scoped to its number');
  assert.equal(rule(given({ text: 'anything' }, { at: MON_19_LOCAL })), 'closed', '19:00 in São Paulo is after hours');
  assert.equal(rule(given({ text: 'anything' })), 'fallback');
  assert.equal(rule(given({ image: true })), 'fallback', 'media is answerable by the fallback');
});

test('decide: keywords match words, not substrings; rules ignore what they do not look at', () => {
  assert.equal(rule(given({ text: 'prices and pricey things' })), 'fallback');
  assert.equal(rule(given({ text: 'yes please' })), 'fallback', 'exact means the whole message');
  assert.equal(rule(given({ buttonId: 'btn_other' })), 'fallback');
  assert.equal(rule(given({ text: 'btn_agent' })), 'fallback', 'a button id typed as text is not a button reply');
  assert.equal(rule(given({ text: 'vip' })), 'fallback', 'the vip rule is for number 999 only');
  assert.equal(rule(given({ text: 'hello' }, { phoneNumberId: '777' })), 'skip:no_rule', 'the fallback is scoped to one number');
});

test('decide: the first matching rule wins', () => {
  // "agent" (button) comes before "greeting": a new customer pressing a button gets the button's answer.
  assert.equal(rule(given({ buttonId: 'btn_agent' }, { state: null })), 'agent');
  // greeting before keywords: the first message is greeted even when it names a price.
  assert.equal(rule(given({ text: 'price?' }, { state: null })), 'greeting');
  // keywords before hours: a known question is answered at night too.
  assert.equal(rule(given({ text: 'price?' }, { at: MON_19_LOCAL })), 'price');
});

test('decide: a reply quotes the inbound message; mark-as-read comes when the rule asks for it', () => {
  const d = given({ buttonId: 'btn_agent' });
  assert.ok('commands' in d);
  const wamid = d.inbound.wamid;
  assert.deepEqual(d.commands, [
    { type: 'MarkAsRead', phoneNumberId: PHONE, messageId: wamid },
    { type: 'SendAutoReply', phoneNumberId: PHONE, address: { to: CUSTOMER }, replyTo: wamid, message: { type: 'text', text: 'agent', previewUrl: false } },
  ]);
  const plain = given({ text: 'price' });
  assert.ok('commands' in plain);
  assert.deepEqual(
    plain.commands.map((c) => c.type),
    ['SendAutoReply'],
  );
});

test('decide: not inbound, unanswerable, replay, stale, outside the window, no rule', () => {
  const status = inboundEvent({ status: true, timestamp: MON_10_LOCAL });
  assert.equal(rule(decide({ event: status, headers: {} }, null, policy, MON_10_LOCAL * 1000)), 'skip:not_inbound');
  assert.equal(rule(given({ reaction: '👍' })), 'skip:unanswerable');
  assert.equal(rule(given({ system: true })), 'skip:unanswerable');

  assert.equal(rule(given({ text: 'price' }, { headers: { [REPLAY_HEADER]: 'reset-2025-06-02' } })), 'skip:replay');
  assert.equal(rule(given({ text: 'price' }, { headers: { [REPLAY_HEADER]: '1' }, policy: { ...policy, allowReplay: true } })), 'price');

  assert.equal(rule(given({ text: 'price' }, { nowMs: (MON_10_LOCAL + 600) * 1000 })), 'price', 'exactly the max age: still answered');
  assert.equal(rule(given({ text: 'price' }, { nowMs: (MON_10_LOCAL + 601) * 1000 })), 'skip:stale');

  // With a max age above a day, the 24-hour window is what stops a reply.
  const lenient = { ...policy, maxAgeSeconds: 3 * 86_400 };
  const dayAndHour = (MON_10_LOCAL + 25 * 3600) * 1000;
  assert.equal(rule(given({ text: 'price' }, { policy: lenient, state: null, nowMs: dayAndHour })), 'skip:outside_window');
  const wroteSinceThen = { ...seen, lastInboundAt: MON_10_LOCAL + 24 * 3600 };
  assert.equal(
    rule(given({ text: 'price' }, { policy: lenient, state: wroteSinceThen, nowMs: dayAndHour })),
    'price',
    'the window counts from the last inbound seen',
  );
});

test('decide: the reply goes to the phone when the message has one (with or without a BSUID), else to the BSUID in `recipient`', () => {
  const at = MON_10_LOCAL;
  const addressOf = (o: Partial<Parameters<typeof inboundEvent>[0]>) => {
    const d = decide({ event: inboundEvent({ content: { text: 'price' }, timestamp: at, ...o }), headers: {} }, seen, policy, at * 1000);
    assert.ok('commands' in d);
    const send = d.commands.find((c) => c.type === 'SendAutoReply');
    assert.ok(send?.type === 'SendAutoReply');
    return send.address;
  };
  assert.deepEqual(addressOf({}), { to: CUSTOMER });
  assert.deepEqual(addressOf({ userId: CUSTOMER_BSUID }), { to: CUSTOMER });
  assert.deepEqual(addressOf({ customerId: null, userId: CUSTOMER_BSUID }), { recipient: CUSTOMER_BSUID });
});

test('decide: ids a reply cannot be built from safely are skipped as bad_ids, never sent (a phone number id of .. would change the Graph path)', () => {
  const at = MON_10_LOCAL;
  const skip = (o: Omit<Parameters<typeof inboundEvent>[0], 'timestamp'>) =>
    rule(decide({ event: inboundEvent({ content: { text: 'hi' }, timestamp: at, ...o }), headers: {} }, seen, policy, at * 1000 + 5_000));
  for (const phoneNumberId of ['..', '.', '12/34', '$where', '１２３'])
    assert.equal(skip({ phoneNumberId }), 'skip:bad_ids', `phone number id ${JSON.stringify(phoneNumberId)}`);
  for (const wamid of ['wamid. x', 'wamid.\u0000', 'wamid.é']) assert.equal(skip({ wamid }), 'skip:bad_ids', `wamid ${JSON.stringify(wamid)}`);
  for (const customerId of ['.', '+15551234567', 'a.b', '__proto__']) assert.equal(skip({ customerId }), 'skip:bad_ids', `customer ${customerId}`);
  // Meta-shaped ids of every kind are answered.
  assert.equal(skip({ phoneNumberId: '106540352242922', wamid: 'wamid.HBgLMTU1NTAxMjM0NTYVAgASGBQzQUUxMDI1QkNFMzdGRTZBQzYA' }), 'fallback');
  assert.equal(skip({ customerId: null, userId: 'US.13491208655302741918' }), 'fallback');
});
