import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { WhatsAppEvent } from '@wabus/events';
import { readTopic } from '@wabus/testing';
import { inbound, PHONE, text } from './message-events.test-support.ts';
import { createTopics, snapshot, startService, withoutBookkeeping } from './service.test-support.ts';

// One person, Ana: a phone number and a BSUID. A carries both, B only the BSUID (she has a username and the phone is
// withheld), C only the phone. A later number change gives her a new phone and a new BSUID.
const WA = '5511987654321';
const BSUID = 'BR.1502576394655843';
const NEW_WA = '5521912345678';
const NEW_BSUID = 'BR.9930111222333444';
const both = { profile: { name: 'Ana', username: '@ana.r' }, wa_id: WA, user_id: BSUID };
const A = inbound({ ...text('wamid.A', 1_700_000_010), from: WA, from_user_id: BSUID }, { contact: both });
const B = inbound(
  { ...text('wamid.B', 1_700_000_020), from: undefined, from_user_id: BSUID },
  { contact: { profile: { name: 'Ana', username: '@ana.r' }, user_id: BSUID } },
);
const C = inbound({ ...text('wamid.C', 1_700_000_030), from: WA }, { contact: { profile: { name: 'Ana' }, wa_id: WA } });
const CHANGE = inbound(
  {
    id: 'wamid.CHANGE',
    timestamp: '1700000040',
    type: 'system',
    from: WA,
    system: { type: 'user_changed_number', body: `User Ana changed from ${WA} to ${NEW_WA}`, wa_id: NEW_WA, previous_user_id: BSUID, user_id: NEW_BSUID },
  },
  { contact: null },
);
const D = inbound(
  { ...text('wamid.D', 1_700_000_050), from: NEW_WA, from_user_id: NEW_BSUID },
  { contact: { profile: { name: 'Ana' }, wa_id: NEW_WA, user_id: NEW_BSUID } },
);

function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

async function getJson(app: FastifyInstance, url: string): Promise<{ status: number; body: any }> {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.json() };
}

async function run(t: TestContext, events: WhatsAppEvent[], maxBatch: number) {
  const topics = await createTopics(t, 1);
  await topics.produce(events);
  const service = await startService(t, topics, { maxBatch });
  await service.runtime.whenApplied();
  assert.equal((await readTopic(topics.kafka, topics.dlqTopic)).length, 0, 'nothing dead-lettered');
  return { ...service, topics };
}

test('message-store identity: a body with phone and BSUID, one with the BSUID only, one with the phone only, in every order and batching, and replayed: one key, one conversation with every message in order', async (t) => {
  assert.deepEqual(new Set([A.key, B.key, C.key]), new Set([PHONE]), 'one key: the business number');
  let reference: Record<string, string[]> | undefined;
  for (const order of permutations([A, B, C])) {
    // batches of one (each body in its own batch: the merge happens across batches) and of three (within one)
    for (const maxBatch of [1, 3]) {
      const { app, db, topics } = await run(t, order, maxBatch);
      const label = `${order.map((e) => e.itemId).join(',')} in batches of ${maxBatch}`;
      const conversations = await db.collection('conversations').find().toArray();
      assert.equal(conversations.length, 1, `${label}: one conversation`);
      const conv = conversations[0]!;
      assert.equal(conv['_id'], `${PHONE}:bsuid:${BSUID}`, label);
      assert.deepEqual(conv['aliases'], [`bsuid:${BSUID}`, `phone:${WA}`], label);
      assert.deepEqual(conv['counts'], { inbound: 3, outbound: 0 }, label);
      assert.equal(conv['profileName'], 'Ana');
      // Found by any of her identifiers, with all her messages in Meta's order.
      for (const id of [WA, BSUID]) {
        const one = await getJson(app, `/v1/conversations/${PHONE}/${id}`);
        assert.equal(one.status, 200);
        assert.equal(one.body.id, conv['_id']);
        const timeline = await getJson(app, `/v1/conversations/${PHONE}/${id}/messages`);
        assert.deepEqual(
          timeline.body.items.map((m: any) => m.wamid),
          ['wamid.A', 'wamid.B', 'wamid.C'],
          `${label}: timeline by ${id}`,
        );
      }
      // Every order ends in the same documents (offsets and hashes aside).
      const docs = await snapshot(db, withoutBookkeeping);
      if (reference === undefined) reference = docs;
      else assert.deepEqual(docs, reference, `${label}: the same documents as the first order`);

      if (maxBatch === 3 && order[0] === B) {
        // Replayed from offset 0 into a fresh database: the same documents, byte for byte.
        const replay = await startService(t, topics, { maxBatch: 2 });
        await replay.runtime.whenApplied();
        assert.deepEqual(await snapshot(replay.db, withoutBookkeeping), docs, 'a replay gives the same documents');
      }
    }
  }
});

test('message-store identity: a number change (new phone, new BSUID) keeps everything on the one person; the same events again change nothing', async (t) => {
  const { app, db, topics } = await run(t, [C, B, CHANGE, D], 1);
  const conversations = await db.collection('conversations').find().toArray();
  assert.equal(conversations.length, 1, 'one conversation for the old and the new number');
  assert.deepEqual(conversations[0]!['aliases'], [`bsuid:${BSUID}`, `bsuid:${NEW_BSUID}`, `phone:${WA}`, `phone:${NEW_WA}`]);
  assert.deepEqual(conversations[0]!['counts'], { inbound: 4, outbound: 0 }, 'three texts and the notice');
  const timeline = await getJson(app, `/v1/conversations/${PHONE}/${NEW_WA}/messages`);
  assert.deepEqual(
    timeline.body.items.map((m: any) => m.wamid),
    ['wamid.B', 'wamid.C', 'wamid.CHANGE', 'wamid.D'],
    'by Meta time',
  );
  assert.equal((await getJson(app, `/v1/conversations/${PHONE}/${WA}`)).body.id, conversations[0]!['_id']);
  // The same events again, appended (a Meta retry of all of them): nothing changes.
  const before = await snapshot(db, withoutBookkeeping);
  await topics.produce([C, B, CHANGE, D]);
  const again = await startService(t, topics, { database: db.databaseName, keepDatabase: true });
  await again.runtime.whenApplied();
  assert.deepEqual(await snapshot(db, withoutBookkeeping), before, 'the same events again change nothing');
  // An unknown identifier is a 404 with a code.
  const missing = await getJson(app, `/v1/conversations/${PHONE}/5599000000000`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'WABUS_MESSAGE_STORE_NOT_FOUND');
});
