// Quick local throughput check: a backlog of message events on a fresh topic, the service in-process from offset 0,
// time until the runtime says everything is applied. Needs the test broker and store (KAFKA_BROKERS, MONGODB_URI):
//   node services/message-store/src/throughput.bench.ts [events=20000] [partitions=12] [--commands]
// --commands: where the time in the store goes, by the driver's command monitoring: each command's round trips summed
// by collection, command and filter keys (docs/benchmarks.md).
import { after, test } from 'node:test';
import { MongoClient } from 'mongodb';
import { createTopics, simulatedEvents, startService } from './service.test-support.ts';

const args = process.argv.slice(2).filter((a) => a !== '--commands');
const total = Number(args[0] ?? 20_000);
const partitions = Number(args[1] ?? 12);
const commands = process.argv.includes('--commands') ? monitorCommands() : undefined;

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
  after(() => console.log([line, ...(commands?.() ?? [])].join('\n')));
});

/** Turns on the driver's command monitoring for every client made from now on; returns the table of what was seen. */
function monitorCommands(): () => string[] {
  const tallies = new Map<string, { n: number; ms: number }>();
  const started = new Map<number, { key: string; at: number }>();
  const connect = MongoClient.prototype.connect;
  MongoClient.prototype.connect = function (this: MongoClient & { options: { monitorCommands: boolean } }) {
    this.options.monitorCommands = true;
    this.on('commandStarted', (e) => {
      const cmd = e.command as Record<string, unknown>;
      const filter = cmd['filter'] as Record<string, unknown> | undefined;
      const shape = filter === undefined ? '' : `(${Object.keys(filter).join(',')})`;
      started.set(e.requestId, { key: `${String(cmd[e.commandName] ?? '')}.${e.commandName}${shape}`, at: performance.now() });
    });
    this.on('commandSucceeded', (e) => {
      const s = started.get(e.requestId);
      if (!s) return;
      started.delete(e.requestId);
      const tally = tallies.get(s.key) ?? { n: 0, ms: 0 };
      tally.n++;
      tally.ms += performance.now() - s.at;
      tallies.set(s.key, tally);
    });
    return connect.call(this);
  } as typeof connect;
  return () =>
    [...tallies]
      .sort((a, b) => b[1].ms - a[1].ms)
      .map(([k, v]) => `${k.padEnd(50)} ${String(v.n).padStart(6)} × ${(v.ms / v.n).toFixed(1).padStart(7)} ms = ${(v.ms / 1000).toFixed(1)} s`);
}
