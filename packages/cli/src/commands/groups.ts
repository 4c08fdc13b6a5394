import { parseArgs } from 'node:util';
import { asCodedError, connectAdmin, DEFAULT_LAG_PROBES, describeConsumerGroups, EVENTS_TOPIC, type PartitionLag } from '@wabus/ops';
import { cliKafka } from '../kafka-target.ts';
import { duration, UsageError } from '../usage-error.ts';
import type { Print } from './dlq.ts';

const stdout: Print = (line) => process.stdout.write(`${line}\n`);
const pausedText = (p: PartitionLag) =>
  p.paused === 'unknown' ? 'unknown' : p.paused ? `PAUSED${p.lastError !== undefined ? ` (${p.lastError})` : ''}` : 'no';

export async function groupsCommand(argv: string[], print: Print = stdout): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      topic: { type: 'string' },
      group: { type: 'string', multiple: true },
      probe: { type: 'string', multiple: true },
      'probe-timeout': { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`groups takes no arguments, got ${JSON.stringify(positionals.join(' '))}`);
  for (const url of values.probe ?? [])
    if (!/^https?:\/\//.test(url)) throw new UsageError(`--probe expects an http(s) URL such as http://127.0.0.1:8081/v1/lag, got ${JSON.stringify(url)}`);
  const topic = values.topic ?? EVENTS_TOPIC;
  const probeTimeoutMs = duration(values['probe-timeout'], '--probe-timeout', 1_000);
  const { kafka, brokers } = cliKafka('wabus-cli-groups');
  const admin = await connectAdmin(kafka, { brokers });
  try {
    const report = await describeConsumerGroups(admin, {
      topic,
      lagProbes: values.probe ?? DEFAULT_LAG_PROBES,
      probeTimeoutMs,
      ...(values.group ? { groupIds: values.group } : {}),
    });
    if (values.json) {
      print(JSON.stringify(report));
      return 0;
    }
    let paused = 0;
    let unknown = 0;
    for (const g of report.groups) {
      const lag = g.topics.reduce((n, t) => n + t.totalLag, 0);
      print(`${g.groupId}  ${g.state}  ${g.members.length} member(s)  lag ${lag}`);
      for (const m of g.members) {
        const owned = Object.entries(m.assignment)
          .map(([t, ps]) => `${t}: ${[...ps].sort((a, b) => a - b).join(',')}`)
          .join('; ');
        print(`  member   ${m.clientId} ${m.host}  ${owned || '(no partitions)'}`);
      }
      for (const t of g.topics) {
        print(`  ${t.topic}  lag ${t.totalLag}`);
        print(`    ${'partition'.padEnd(10)}${'committed'.padStart(12)}${'high'.padStart(12)}${'lag'.padStart(10)}  paused`);
        for (const p of t.partitions) {
          if (p.paused === true) paused++;
          if (p.paused === 'unknown') unknown++;
          const replay = p.replay
            ? `  replaying ${p.replay.id} up to ${p.replay.until ?? p.replay.frontier}${p.replay.keys !== undefined ? ` (${p.replay.keys} key(s))` : ''}, live from ${p.replay.frontier}`
            : '';
          print(
            `    ${String(p.partition).padEnd(10)}${(p.committed ?? '-').padStart(12)}${p.high.padStart(12)}${String(p.lag).padStart(10)}  ${pausedText(p)}${replay}`,
          );
        }
      }
    }
    for (const p of report.probes)
      print(`probe ${p.url}: ${p.ok ? `answered for ${(p.statuses ?? []).map((s) => s.groupId).join(', ')}` : `unreachable (${p.error})`}`);
    const total = report.groups.reduce((n, g) => n + g.topics.reduce((m, t) => m + t.totalLag, 0), 0);
    print(
      report.groups.length === 0
        ? `summary: no consumer group has committed offsets on ${topic}`
        : `summary: ${report.groups.length} group(s) on ${topic}, total lag ${total}, ${paused} partition(s) paused, ${unknown} of unknown pause state`,
    );
    return 0;
  } catch (err) {
    throw asCodedError(err);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
