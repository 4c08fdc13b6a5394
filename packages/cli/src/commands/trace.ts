import { parseArgs } from 'node:util';
import {
  ACTIONS_TOPIC,
  asCodedError,
  CONSUMER_SERVICES,
  connectAdmin,
  consumerTopics,
  deadLetterJson,
  EVENTS_TOPIC,
  parseSince,
  traceEvent,
  type TraceReport,
} from '@wabus/ops';
import { cliKafka } from '../kafka-target.ts';
import { UsageError } from '../usage-error.ts';
import type { Print } from './dlq.ts';

const stdout: Print = (line) => process.stdout.write(`${line}\n`);

function printReport(print: Print, r: TraceReport, traceUrl: string): void {
  print(`searched ${r.topic} partitions ${r.partitions.join(',')} since ${r.since}`);
  for (const t of r.records) {
    const { record: rec, event: e } = t;
    print(
      `record ${rec.topic} partition ${rec.partition} offset ${rec.offset}  key ${rec.key ?? '(none)'}  at ${new Date(Number(rec.timestamp)).toISOString()}`,
    );
    if (e) print(`  event    ${e.eventId}  ${e.kind} ${e.itemType ?? ''} ${e.itemId ?? ''}  received ${new Date(e.receivedAt).toISOString()}`);
    else print(`  event    not decodable: ${t.decodeError}`);
    print(
      `  headers  ${Object.entries(rec.headers)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
    print(`  trace    ${t.traceId === null ? '(no traceparent)' : `${t.traceId}  ${traceUrl}${t.traceId}`}`);
    if (t.consumers.length === 0) print('  consumers  no group has committed offsets on this topic');
    for (const c of t.consumers) print(`  consumer ${c.groupId.padEnd(28)} ${c.state.padEnd(14)} committed ${c.committed ?? '-'}`);
  }
  for (const d of r.deadLetters) {
    const e = d.entry;
    print(`dead letter ${e.id}  ${e.group ?? '?'}  ${e.error.code}: ${e.error.message}`);
    print(
      `  origin   ${e.source.topic ?? '?'}/${e.source.partition ?? '?'}/${e.source.offset ?? '?'}  failed ${e.failedAt ?? '?'}${e.redriveOf ? `  (re-drive of ${e.redriveOf})` : ''}`,
    );
    const a = d.action;
    const where = a?.redriveTopic !== undefined ? ` → ${a.redriveTopic}/${a.redrivePartition}/${a.redriveOffset}` : '';
    const applied =
      d.redrive === null
        ? ''
        : `; re-driven record: ${d.redrive.state}${d.redrive.groups.length > 0 ? ` (${d.redrive.groups.map((g) => `${g.groupId} at ${g.committed ?? '-'}`).join(', ')})` : ''}`;
    print(`  status   ${d.status}${a ? ` ${a.at} by ${a.by}${a.reason !== undefined ? ` (${a.reason})` : ''}${where}` : ''}${applied}`);
  }
  for (const t of r.skippedTopics) print(`note: ${t} does not exist here; not searched`);
  const states = r.records.flatMap((t) => t.consumers.map((c) => c.state));
  const count = (s: string) => states.filter((x) => x === s).length;
  print(
    `summary: ${r.records.length} record(s); consumer states: ${count('applied')} applied, ${count('dead-lettered')} dead-lettered, ${count('not-yet')} not yet; ` +
      `${r.deadLetters.length} dead letter(s) (${r.deadLetters.filter((d) => d.status === 'pending').length} pending)`,
  );
}

export async function traceCommand(argv: string[], print: Print = stdout): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      since: { type: 'string' },
      key: { type: 'string' },
      topic: { type: 'string' },
      'dlq-topic': { type: 'string', multiple: true },
      'ledger-topic': { type: 'string' },
      'trace-url': { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (positionals.length !== 1 || positionals[0]!.trim() === '') throw new UsageError('trace takes exactly one event id or wamid');
  const id = positionals[0]!.trim();
  const topic = values.topic ?? EVENTS_TOPIC;
  const sinceMs = parseSince(values.since ?? '24h', () => new Date());
  const dlqTopics = values['dlq-topic'] ?? Object.keys(CONSUMER_SERVICES).map((s) => consumerTopics(s, { eventsTopic: topic }).dlqTopic);
  const traceUrl = values['trace-url'] ?? process.env['WABUS_TRACE_URL'] ?? 'http://127.0.0.1:16686/trace/';
  const { kafka, brokers } = cliKafka('wabus-cli-trace');
  const admin = await connectAdmin(kafka, { brokers });
  try {
    const report = await traceEvent(kafka, admin, {
      id,
      topic,
      sinceMs,
      dlqTopics,
      ledgerTopic: values['ledger-topic'] ?? ACTIONS_TOPIC,
      ...(values.key !== undefined ? { key: values.key } : {}),
    });
    if (values.json) {
      print(
        JSON.stringify({
          ...report,
          records: report.records.map((t) => ({
            ...t,
            record: { ...t.record, value: undefined, rawHeaders: undefined },
            event: t.event ? { ...t.event, raw: t.event.raw.toString('utf8'), contact: t.event.contact?.toString('utf8') ?? null } : null,
          })),
          deadLetters: report.deadLetters.map((d) => ({ ...d, entry: deadLetterJson(d.entry) })),
        }),
      );
    } else printReport(print, report, traceUrl);
    return 0;
  } catch (err) {
    throw asCodedError(err);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
