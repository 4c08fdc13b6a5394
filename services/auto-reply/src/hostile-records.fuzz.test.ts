// Records whose item is hostile (docs/fuzz.md, consumers), between good messages on one partition: each is applied or
// dead-lettered with a code, the good messages after them are answered once each (nothing poisons the partition), and
// nothing hostile makes auto-reply send twice or send garbage to the Graph API.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeEvent } from '@wabus/events';
import { DEFAULT_TENANT } from '@wabus/tenants';
import { waitUntil } from '@wabus/testing';
import { consumeHostileRecords, FUZZ_NOW, hostileFixture } from '@wabus/testing/fuzz';
import { readInbound } from './inbound-message.ts';
import {
  EVERYTHING_RULES,
  readOutbox,
  repliesByInbound,
  serviceEnv,
  standIn,
  startService,
  testDatabase,
  testKafka,
  writeRules,
} from './service.test-support.ts';

test('auto-reply: hostile records are applied or dead-lettered with a code, and every good message after them is answered once', async (t) => {
  const kafka = testKafka();
  const { topic, dlqTopic, good, hostile, unhandled } = await hostileFixture(t, kafka, { prefix: 'ar.hostile', kinds: ['message'], bodies: 60 });
  const graph = await standIn(t);
  const env = serviceEnv({ topic, dlqTopic, database: testDatabase(t), graphUrl: graph.url, rulesFile: await writeRules(EVERYTHING_RULES) });
  let service: Awaited<ReturnType<typeof startService>> | undefined;
  // The clock a minute after the bodies were written: every good message is fresh and inside the service window.
  const start = async () => (service = await startService(t, env, { now: () => FUZZ_NOW + 60_000 }));
  const run = await consumeHostileRecords({ kafka, topic, dlqTopic, good, hostile, start });
  for (const line of run.lines) t.diagnostic(line);
  assert.deepEqual(run.problems, []);

  // The good messages after the hostile ones that auto-reply answers (text, buttons, media…; not reactions or system).
  const answerable = run.goodAfter.map((r) => readInbound(decodeEvent(r.value), DEFAULT_TENANT)).flatMap((r) => (r.ok ? [r.inbound.wamid] : []));
  assert.ok(answerable.length > 10, `enough answerable messages after the hostile ones (${answerable.length})`);
  let unsent: string[] = [];
  await waitUntil(
    () => `replies sent to every answerable good message; not yet: ${unsent.join(', ')}`,
    async () => {
      const sent = new Set((await readOutbox(service!)).filter((e) => e.state === 'sent').map((e) => e.inbound.wamid));
      unsent = answerable.filter((w) => !sent.has(w));
      return unsent.length === 0;
    },
    { timeoutMs: 60_000 },
  );
  const replies = repliesByInbound(graph.requests.filter((r) => r.status === 200));
  assert.deepEqual(
    answerable.filter((w) => replies.get(w)?.length !== 1),
    [],
    'each answerable good message after the hostile ones got exactly one reply',
  );
  // Hostile records may share a wamid (an attacker's ids), each its own event: one reply per event that was sent.
  const sent = (await readOutbox(service!)).filter((e) => e.state === 'sent');
  assert.equal([...replies.values()].flat().length, sent.length, 'as many replies as outbox entries sent: none twice');
  // Every request the Graph API got was one it accepted: nothing hostile reached it as a malformed send (ids of `..`
  // once made the send a call to another Graph path: decide's bad_ids).
  assert.deepEqual(
    graph.requests.filter((r) => r.status !== 200).map((r) => `${r.status} ${r.behavior} ${r.path} ${JSON.stringify(r.body).slice(0, 200)}`),
    [],
  );
  assert.ok(service!.runtime.ready());
  assert.deepEqual(unhandled, []);
});
