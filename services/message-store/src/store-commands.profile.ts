// Where message-store's time in the store goes: the drain of throughput.bench.ts with the driver's command monitoring,
// each command's count and total round-trip time by (collection, command). Needs the test broker and store:
//   node services/message-store/src/store-commands.profile.ts [events=20000] [partitions=12]
import { after, test } from 'node:test';
import { MongoClient } from 'mongodb';
import { createTopics, simulatedEvents, startService } from './service.test-support.ts';

const total = Number(process.argv[2] ?? 20_000);
const partitions = Number(process.argv[3] ?? 12);

interface Tally {
  n: number;
  ms: number;
}
const tallies = new Map<string, Tally>();
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
    const t = tallies.get(s.key) ?? { n: 0, ms: 0 };
    t.n++;
    t.ms += performance.now() - s.at;
    tallies.set(s.key, t);
  });
  return connect.call(this);
} as typeof connect;

test(`message-store store commands: ${total} message events from a backlog`, { timeout: 600_000 }, async (t) => {
  const events = simulatedEvents({ seed: 'throughput', bodies: Math.ceil(total / 10), batch: 10, kinds: ['message', 'echo'], customers: 2_000 }).slice(
    0,
    total,
  );
  const topics = await createTopics(t, partitions);
  await topics.produce(events);
  const at = performance.now();
  const service = await startService(t, topics);
  await service.runtime.whenApplied();
  const seconds = (performance.now() - at) / 1000;
  const rows = [...tallies].sort((a, b) => b[1].ms - a[1].ms);
  const lines = [
    `${events.length} events in ${seconds.toFixed(1)} s (${Math.round(events.length / seconds)}/s)`,
    ...rows.map(([k, v]) => `${k.padEnd(50)} ${String(v.n).padStart(6)} × ${(v.ms / v.n).toFixed(1).padStart(7)} ms = ${(v.ms / 1000).toFixed(1)} s`),
  ];
  after(() => console.log(lines.join('\n')));
});
