// Quick local throughput check: a backlog of message events on a fresh topic, the service in-process from offset 0,
// time until the runtime says everything is applied. Needs the test broker and store (KAFKA_BROKERS, MONGODB_URI):
//   node services/message-store/src/throughput.bench.ts [events=20000] [partitions=12]
import { after, test } from 'node:test';
import { createTopics, simulatedEvents, startService } from './service.test-support.ts';

const total = Number(process.argv[2] ?? 20_000);
const partitions = Number(process.argv[3] ?? 12);

test(`message-store throughput: ${total} message events from a backlog`, { timeout: 600_000 }, async (t) => {
  const events = simulatedEvents({ seed: 'throughput', bodies: Math.ceil(total / 10), batch: 10, kinds: ['message', 'echo'], customers: 2_000 }).slice(
    0,
    total,
  );
  const topics = await createTopics(t, partitions);
  await topics.produce(events);
  const started = performance.now();
  const service = await startService(t, topics);
  // The first commit marks the end of start-up (connect, indexes, group join): the steady rate is measured from there.
  let firstCommit = 0;
  const watch = setInterval(() => {
    if (firstCommit === 0 && service.runtime.status().partitions.some((p) => p.applied !== undefined)) firstCommit = performance.now();
  }, 5);
  await service.runtime.whenApplied();
  clearInterval(watch);
  const done = performance.now();
  const seconds = (done - started) / 1000;
  const steady = (done - firstCommit) / 1000;
  const line = `${events.length} events: ${seconds.toFixed(2)} s from start (${Math.round(events.length / seconds)} events/s), ${steady.toFixed(2)} s from the first commit (${Math.round(events.length / steady)} events/s)`;
  t.diagnostic(line);
  after(() => console.log(line));
});
