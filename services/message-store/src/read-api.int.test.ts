import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { DLQ_HEADERS } from '@wabus/kafka';
import { parseItem, type WhatsAppEvent } from '@wabus/events';
import { personOracle, readTopic } from '@wabus/testing';
import { conversationId } from './evolve-conversation.ts';
import { PHONE, inbound, reaction, text } from './message-events.test-support.ts';
import { createTopics, simulatedEvents, startService } from './service.test-support.ts';

const isMessage = (e: WhatsAppEvent) => e.kind === 'message' || e.kind === 'message_echo';
const ALL_TYPES = [
  'text',
  'image',
  'video',
  'audio',
  'document',
  'sticker',
  'location',
  'contacts',
  'interactive',
  'button',
  'reaction',
  'order',
  'system',
  'revoke',
  'edit',
  'unsupported',
  'unknown',
];

async function getJson(app: FastifyInstance, url: string): Promise<{ status: number; body: any }> {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json() };
}

/** Follows nextCursor to the end. */
async function pages(app: FastifyInstance, url: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const { status, body } = await getJson(app, cursor === null ? url : `${url}&cursor=${cursor}`);
    assert.equal(status, 200, JSON.stringify(body));
    items.push(...body.items);
    cursor = body.nextCursor;
  } while (cursor !== null);
  return items;
}

test('message-store: every message type is stored once with its typed fields and readable through the API', async (t) => {
  const topics = await createTopics(t);
  const events = simulatedEvents({ seed: 'all-types', bodies: 40, kinds: ['message', 'echo', 'status', 'account', 'value_error'] });
  // A reaction to a message that never comes: it waits in a placeholder, which the API does not show.
  const orphan = inbound(reaction('wamid.ORPHAN-REACTION', 1_700_000_000, 'wamid.NEVER-SENT', '🙏'));
  await topics.produce([...events, orphan]);
  const { app, runtime, db } = await startService(t, topics);
  await runtime.whenApplied();

  const messages = [...events.filter(isMessage), orphan];
  const types = new Set<string>();
  let linked = 0;
  for (const e of messages) {
    const parsed = parseItem(e);
    assert.ok(parsed.kind === 'message' || parsed.kind === 'message_echo');
    const { status, body } = await getJson(app, `/v1/messages/${encodeURIComponent(e.itemId!)}`);
    assert.equal(status, 200, `${e.itemId} stored`);
    assert.equal(body.wamid, e.itemId);
    assert.equal(body.type, parsed.message.type);
    const typed = (parsed.message as unknown as Record<string, unknown>)[parsed.message.type];
    assert.deepEqual(
      body.content,
      JSON.parse(JSON.stringify({ type: parsed.message.type, [parsed.message.type]: typed })),
      `typed ${parsed.message.type} fields`,
    );
    assert.equal(body.direction, e.kind === 'message' ? 'inbound' : 'outbound');
    assert.equal(body.phoneNumberId, e.phoneNumberId);
    assert.equal(body.customerId, e.customerId);
    assert.equal(body.raw, e.raw.toString('utf8'), 'the raw item exactly as received');
    assert.equal(body._sys, undefined, 'bookkeeping is not part of the API');
    const mediaId = (typed as { id?: unknown } | undefined)?.id;
    const isMedia = ['image', 'video', 'audio', 'document', 'sticker'].includes(parsed.message.type);
    assert.equal(body.mediaPath, isMedia && typeof mediaId === 'string' ? `/v1/media/${encodeURIComponent(mediaId)}` : null, 'the link to media-store');
    if (body.mediaPath !== null) linked++;
    types.add(body.type);
  }
  assert.ok(linked > 0, 'media messages link to media-store');
  assert.deepEqual([...types].sort(), [...ALL_TYPES].sort(), 'every type of WHATSAPP.md went through');
  assert.equal((await db.collection('messages').findOne({ _id: 'wamid.NEVER-SENT' as never }))?.['received'], false);
  assert.equal((await getJson(app, '/v1/messages/wamid.NEVER-SENT')).status, 404, 'a placeholder is not a message');
  const unknown = await getJson(app, '/v1/messages/wamid.NOPE');
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.error.code, 'WABUS_MESSAGE_STORE_NOT_FOUND');

  // Conversations: newest first, paginated, counts = distinct messages per direction.
  const byConversation = new Map<string, WhatsAppEvent[]>();
  const persons = personOracle([...events, orphan]);
  for (const e of messages) {
    const id = conversationId(e.phoneNumberId!, persons.personOf(e.phoneNumberId!, e.customerId!));
    byConversation.set(id, [...(byConversation.get(id) ?? []), e]);
  }
  let withoutInbound = 0;
  let timelines = 0;
  const newestByPhone = new Map<string, string | null>();
  for (const phone of new Set(messages.map((e) => e.phoneNumberId!))) {
    const listed = await pages(app, `/v1/conversations?phone_number_id=${phone}&limit=3`);
    withoutInbound += listed.filter((c) => c.lastInboundAt === null).length;
    newestByPhone.set(phone, listed[0]?.lastInboundAt ?? null);
    const expected = [...byConversation.keys()].filter((id) => id.startsWith(`${phone}:`));
    assert.deepEqual(listed.map((c) => c.id).sort(), expected.sort(), `conversations of ${phone}`);
    const times = listed.map((c) => (c.lastInboundAt === null ? -1 : Date.parse(c.lastInboundAt)));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
      'newest first',
    );
    for (const c of listed) {
      const own = byConversation.get(c.id)!;
      const distinct = (dir: string) => new Set(own.filter((e) => (e.kind === 'message' ? 'inbound' : 'outbound') === dir).map((e) => e.itemId)).size;
      assert.deepEqual(c.counts, { inbound: distinct('inbound'), outbound: distinct('outbound') }, `counts of ${c.id}`);
      if (c.lastInboundAt !== null) assert.equal(Date.parse(c.windowClosesAt) - Date.parse(c.lastInboundAt), 24 * 3600 * 1000);
      const timeline = await pages(app, `/v1/conversations/${c.phoneNumberId}/${encodeURIComponent(c.customerId)}/messages?limit=2`);
      assert.deepEqual(timeline.map((m) => m.wamid).sort(), [...new Set(own.map((e) => e.itemId))].sort(), `messages of ${c.id}`);
      const keys = timeline.map((m) => [m.timestamp === null ? '' : m.timestamp, m.wamid].join('|'));
      assert.deepEqual(keys, [...keys].sort(), 'by Meta time, then wamid');
      if (timeline.length > 2) timelines++;
    }
  }
  assert.ok(withoutInbound > 0 && timelines > 0, 'the listings crossed pages and met null times (echo-only conversations)');

  // The business numbers: every one with a conversation, once, sorted, each with its newest inbound time.
  const numbers = await getJson(app, '/v1/numbers');
  assert.equal(numbers.status, 200);
  const phones = [...new Set(messages.map((e) => e.phoneNumberId!))].sort();
  assert.ok(phones.length > 1, 'the workload has several business numbers');
  assert.deepEqual(
    numbers.body.items.map((n: { phoneNumberId: string }) => n.phoneNumberId),
    phones,
  );
  for (const n of numbers.body.items) {
    // The newest conversation's time, as the number's listing (checked newest first above) starts with it.
    assert.deepEqual(n, { phoneNumberId: n.phoneNumberId, tenantId: null, lastInboundAt: newestByPhone.get(n.phoneNumberId) }, `number ${n.phoneNumberId}`);
  }
  assert.deepEqual((await getJson(app, '/v1/numbers?tenant=nobody')).body, { items: [] }, 'no number of an unknown tenant');
  assert.equal((await readTopic(topics.kafka, topics.dlqTopic)).length, 0, 'nothing dead-lettered');
});

test('message-store: bad query parameters are 400 with a code and the parameter at fault', async (t) => {
  const topics = await createTopics(t, 1);
  const { app } = await startService(t, topics);
  for (const [url, code, param] of [
    ['/v1/conversations', 'BAD_PARAM', 'phone_number_id'],
    [`/v1/conversations?phone_number_id=${PHONE}&limit=0`, 'BAD_PARAM', 'limit'],
    [`/v1/conversations?phone_number_id=${PHONE}&limit=abc`, 'BAD_PARAM', 'limit'],
    [`/v1/conversations?phone_number_id=${PHONE}&limit=201`, 'BAD_PARAM', 'limit'],
    [`/v1/conversations?phone_number_id=${PHONE}&phone_number_id=2`, 'BAD_PARAM', 'phone_number_id'],
    [`/v1/conversations?phone_number_id=${PHONE}&cursor=%%%`, 'BAD_CURSOR', 'cursor'],
    ['/v1/numbers?tenant=a&tenant=b', 'BAD_PARAM', 'tenant'],
    ['/v1/numbers?phone_number_id=1', 'BAD_PARAM', 'phone_number_id'],
    [`/v1/conversations/${PHONE}/123/messages?cursor=eyJ4Ijox`, 'BAD_CURSOR', 'cursor'],
  ] as const) {
    const { status, body } = await getJson(app, url);
    assert.equal(status, 400, url);
    assert.deepEqual({ code: body.error.code, param: body.error.param }, { code: `WABUS_MESSAGE_STORE_${code}`, param }, url);
  }
});

test('message-store: an undecodable record and a message that can never be stored go to the DLQ; the rest is applied', async (t) => {
  const topics = await createTopics(t, 1);
  const garbage = Buffer.from([0x00, 0xff, 0x13, 0x37]);
  const noCustomer = inbound({ from: undefined, ...text('wamid.NO-CUSTOMER', 1_700_000_000) }, { contact: null });
  const after = inbound(text('wamid.AFTER', 1_700_000_001));
  await topics.produce([{ key: 'junk', value: garbage }, noCustomer, after]);
  const { app, runtime } = await startService(t, topics);
  await runtime.whenApplied();
  assert.equal((await getJson(app, '/v1/messages/wamid.AFTER')).status, 200, 'the consumer moved on');
  const dlq = await readTopic(topics.kafka, topics.dlqTopic);
  assert.equal(dlq.length, 2);
  assert.ok(dlq[0]!.value!.equals(garbage), 'the original bytes');
  assert.equal(dlq[0]!.headers[DLQ_HEADERS.code], 'WABUS_EVENTS_BAD_MAGIC');
  assert.equal(dlq[0]!.headers[DLQ_HEADERS.offset], '0');
  assert.equal(dlq[1]!.headers[DLQ_HEADERS.code], 'WABUS_MESSAGE_STORE_INVALID');
  assert.match(dlq[1]!.headers[DLQ_HEADERS.message]!, /no customer/);
  assert.equal(dlq[1]!.headers[DLQ_HEADERS.offset], '1');
});
