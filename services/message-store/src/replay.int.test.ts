import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '@wabus/simulator';
import { readTopic, uniqueName } from '@wabus/testing';
import { createTopics, simulatedEvents, snapshot, startService, withoutBookkeeping } from './service.test-support.ts';

// Messages, echoes and reactions / edits / revokes between them, plus statuses message-store ignores; a small
// customer pool so conversations have many messages and updates often reach their target in either order.
const events = simulatedEvents({ seed: 'replay', bodies: 60, kinds: ['message', 'echo', 'status_read'], customers: 6 });

test('message-store: the same events twice, a replay from offset 0, and a shuffled log give identical documents', async (t) => {
  const topics = await createTopics(t);
  // Every event twice (a Meta retry or a producer retry: the same item again, later in the log).
  await topics.produce([...events, ...events]);
  const first = await startService(t, topics);
  await first.runtime.whenApplied();
  const reference = await snapshot(first.db);

  const counts = await first.db.collection('conversations').find().toArray();
  const distinct = new Set(events.filter((e) => e.kind === 'message' || e.kind === 'message_echo').map((e) => e.itemId)).size;
  const total = counts.reduce((n, c) => n + c['counts'].inbound + c['counts'].outbound, 0);
  assert.equal(total, distinct, 'each message counted once although it was delivered twice');

  // Replay from offset 0: a second group over the same topic into a fresh database → byte-identical documents.
  const replay = await startService(t, topics);
  await replay.runtime.whenApplied();
  assert.deepEqual(await snapshot(replay.db), reference, 'replay: byte-identical, _h and _sys included');

  // Replay into the SAME database (a group reset): every event is already reflected, nothing changes.
  const again = await startService(t, topics, { database: first.db.databaseName, keepDatabase: true });
  await again.runtime.whenApplied();
  assert.deepEqual(await snapshot(again.db), reference, 'a reset group re-applying everything changes nothing');

  // The same events in another order (another topic, so other offsets): equal documents but for the bookkeeping.
  const shuffledTopics = await createTopics(t);
  const rng = createRng('shuffle');
  const shuffled = [...events, ...events];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  await shuffledTopics.produce(shuffled);
  const other = await startService(t, shuffledTopics, { groupId: uniqueName('ms.shuffled') });
  await other.runtime.whenApplied();
  assert.deepEqual(await snapshot(other.db, withoutBookkeeping), await snapshot(first.db, withoutBookkeeping), 'shuffled: same documents');

  const placeholders = await first.db.collection('messages').countDocuments({ received: false });
  t.diagnostic(
    `${events.length} events ×2, ${reference['messages']!.length} message docs (${placeholders} placeholders), ${reference['conversations']!.length} conversations`,
  );
  assert.equal((await readTopic(topics.kafka, topics.dlqTopic)).length, 0);
});
