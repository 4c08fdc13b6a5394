import { keyPartition, type KafkaAdmin as Admin, type KafkaClient as Kafka, type PartitionInfo as PartitionMetadata } from '@wabus/kafka';
import { decodeEvent, type WhatsAppEvent } from '@wabus/events';
import { foldLedger, statusOf, type DeadLetterStatus, type LedgerAction } from './action-ledger.ts';
import { groupsOnTopic } from './consumer-groups.ts';
import { EVENT_ID_HEADER, parseDeadLetter, type DeadLetter } from './dead-letters.ts';
import { OpsError } from './errors.ts';
import { existingTopics, requireTopics } from './kafka-admin.ts';
import { scanTopics, type LogRecord } from './scan-topics.ts';

export interface TraceOptions {
  /** An event id (hex sha256) or a WhatsApp message id (wamid: matches the message and every status of it). */
  id: string;
  topic: string;
  /** Only records appended since (epoch ms). */
  sinceMs: number;
  /** Only this key's partition, and records with this key. */
  key?: string;
  /** Dead-letter topics to look in; those that do not exist are skipped and named. */
  dlqTopics: readonly string[];
  ledgerTopic: string;
  timeoutMs?: number;
}

export type ConsumerState = 'applied' | 'dead-lettered' | 'not-yet';

export interface TracedRecord {
  record: LogRecord;
  event: WhatsAppEvent | null;
  decodeError: string | null;
  /** W3C trace id from the record's traceparent: the webhook request's trace in the trace viewer. */
  traceId: string | null;
  /** Per group with committed offsets on the topic: past this record (applied, or dead-lettered by it) or not yet. */
  consumers: { groupId: string; committed: string | null; state: ConsumerState }[];
}

export interface TracedDeadLetter {
  entry: DeadLetter;
  status: DeadLetterStatus;
  action: LedgerAction | null;
  /**
   * For a re-driven entry, what became of the re-driven record: a group on the redrive topic (the service's
   * `<group>.redrive`) is past it (`applied`, or `dead-lettered-again` when a dead letter says so) or `not-yet`.
   * Null when the entry was not re-driven.
   */
  redrive: { state: ConsumerState | 'dead-lettered-again'; groups: { groupId: string; committed: string | null }[] } | null;
}

export interface TraceReport {
  id: string;
  topic: string;
  since: string;
  /** Partitions searched (all, unless `key` narrowed it to one). */
  partitions: number[];
  records: TracedRecord[];
  deadLetters: TracedDeadLetter[];
  /** Dead-letter or ledger topics that do not exist on this cluster. */
  skippedTopics: string[];
}

/** True when the record is the event `id`, or is about the message `id` (a wamid). */
export function recordMatches(id: string, headers: Record<string, string>, event: WhatsAppEvent | null): boolean {
  return headers[EVENT_ID_HEADER] === id || event?.eventId === id || event?.itemId === id;
}

export function traceIdOf(headers: Record<string, string>): string | null {
  const m = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(headers['traceparent'] ?? '');
  return m ? m[1]! : null;
}

function tryDecode(value: Buffer | null): { event: WhatsAppEvent | null; error: string | null } {
  if (value === null) return { event: null, error: 'no value' };
  try {
    return { event: decodeEvent(value), error: null };
  } catch (err) {
    return { event: null, error: `${(err as { code?: string }).code ?? 'DECODE_FAILED'}: ${(err as Error).message}` };
  }
}

/** Where an event is: its record(s) on the events topic, which groups are past them, and its dead letters with their actions. */
export async function traceEvent(kafka: Kafka, admin: Admin, o: TraceOptions): Promise<TraceReport> {
  await requireTopics(admin, [o.topic]);
  const [meta] = (await admin.fetchTopicMetadata({ topics: [o.topic] })).topics;
  const partitionMetadata = (meta?.partitions ?? []) as PartitionMetadata[];
  const allPartitions = partitionMetadata.map((p) => p.partitionId).sort((a, b) => a - b);
  const partitions = o.key === undefined ? allPartitions : [keyPartition(o.key, partitionMetadata.length)];

  const found: { record: LogRecord; event: WhatsAppEvent | null; decodeError: string | null }[] = [];
  await scanTopics(
    kafka,
    admin,
    [{ topic: o.topic, partitions, sinceMs: o.sinceMs }],
    (r) => {
      if (o.key !== undefined && r.key !== o.key) return;
      const { event, error } = tryDecode(r.value);
      if (recordMatches(o.id, r.headers, event)) found.push({ record: r, event, decodeError: error });
    },
    o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs },
  );

  const dlqTopics = await existingTopics(admin, o.dlqTopics);
  const ledgerTopics = await existingTopics(admin, [o.ledgerTopic]);
  const skippedTopics = [...o.dlqTopics, o.ledgerTopic].filter((t) => !dlqTopics.includes(t) && !ledgerTopics.includes(t));
  const eventIds = new Set(found.map((f) => f.event?.eventId ?? f.record.headers[EVENT_ID_HEADER]).filter((x): x is string => x !== undefined));
  const refersTo = (d: DeadLetter) =>
    d.eventId === o.id ||
    d.event?.itemId === o.id ||
    (d.eventId !== null && eventIds.has(d.eventId)) ||
    found.some((f) => d.source.topic === f.record.topic && d.source.partition === f.record.partition && d.source.offset === f.record.offset);
  const letters: DeadLetter[] = [];
  const ledgerRecords: LogRecord[] = [];
  if (dlqTopics.length + ledgerTopics.length > 0) {
    await scanTopics(
      kafka,
      admin,
      [...dlqTopics, ...ledgerTopics].map((topic) => ({ topic })),
      (r) => {
        if (r.topic === o.ledgerTopic) ledgerRecords.push(r);
        else {
          const d = parseDeadLetter(r);
          if (refersTo(d)) letters.push(d);
        }
      },
      o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs },
    );
  }
  if (found.length === 0 && letters.length === 0) {
    throw new OpsError('WABUS_OPS_NO_MATCH', {
      message: `no record with event id or message id ${o.id} on ${o.topic} since ${new Date(o.sinceMs).toISOString()}${o.key !== undefined ? ` with key ${o.key}` : ''}, and no dead letter of it (widen with --since)`,
    });
  }
  const { ledger } = foldLedger(ledgerRecords);

  const groups = await groupsOnTopic(admin, o.topic);
  const records: TracedRecord[] = found.map((f) => ({
    ...f,
    traceId: traceIdOf(f.record.headers),
    consumers: [...groups]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([groupId, offsets]) => {
        const committed = offsets.get(f.record.partition);
        const past = committed !== undefined && committed > BigInt(f.record.offset);
        const lettered = letters.some(
          (d) => d.group === groupId && d.source.topic === f.record.topic && d.source.partition === f.record.partition && d.source.offset === f.record.offset,
        );
        return { groupId, committed: committed?.toString() ?? null, state: !past ? 'not-yet' : lettered ? 'dead-lettered' : 'applied' };
      }),
  }));

  const deadLetters: TracedDeadLetter[] = [];
  for (const entry of letters) {
    const action = ledger.get(entry.id) ?? null;
    let redrive: TracedDeadLetter['redrive'] = null;
    if (action?.action === 'redriven' && action.redriveTopic !== undefined && action.redrivePartition !== undefined && action.redriveOffset !== undefined) {
      const { redriveTopic: rt, redrivePartition: rp, redriveOffset: ro } = action;
      const groups = [...(await groupsOnTopic(admin, rt))]
        .map(([groupId, offsets]) => ({ groupId, committed: offsets.get(rp)?.toString() ?? null }))
        .sort((a, b) => a.groupId.localeCompare(b.groupId));
      const past = groups.some((g) => g.committed !== null && BigInt(g.committed) > BigInt(ro));
      const again = letters.some((d) => d.redriveOf === entry.id && d.source.topic === rt && d.source.partition === rp && d.source.offset === ro);
      redrive = { state: again ? 'dead-lettered-again' : past ? 'applied' : 'not-yet', groups };
    }
    deadLetters.push({ entry, status: statusOf(ledger, entry.id), action, redrive });
  }
  return { id: o.id, topic: o.topic, since: new Date(o.sinceMs).toISOString(), partitions, records, deadLetters, skippedTopics };
}
