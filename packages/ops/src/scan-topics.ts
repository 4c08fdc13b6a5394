import { randomBytes } from 'node:crypto';
import type { KafkaAdmin as Admin, RecordHeaders as IHeaders, KafkaClient as Kafka, FetchedMessage as KafkaMessage } from '@wabus/kafka';
import { headerText } from '@wabus/kafka';
import { OpsError } from './errors.ts';

/** One record as read from the log; `rawHeaders` keeps the bytes for re-producing it unchanged. */
export interface LogRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  rawHeaders: IHeaders;
  timestamp: string;
}

export interface ScanRange {
  topic: string;
  /** Only these partitions (default: all). */
  partitions?: readonly number[];
  /** Only records appended at or after this time (epoch ms), found with ListOffsets by timestamp. */
  sinceMs?: number;
}

export interface ScanOptions {
  /** Gives up with WABUS_OPS_READ_TIMEOUT when the ends are not reached in time. Default 60 s. */
  timeoutMs?: number;
}

const toRecord = (topic: string, partition: number, m: KafkaMessage): LogRecord => ({
  topic,
  partition,
  offset: m.offset,
  key: m.key ? m.key.toString('utf8') : null,
  value: m.value,
  headers: headerText(m.headers),
  rawHeaders: m.headers ?? {},
  timestamp: m.timestamp,
});

/**
 * Reads each range from its start up to the high watermarks at call time and calls `onRecord` for every record, in
 * offset order per partition. Reads with a throwaway consumer group that commits nothing (so it never shows among
 * the groups with committed offsets) and is deleted afterwards.
 */
export async function scanTopics(
  kafka: Kafka,
  admin: Admin,
  ranges: readonly ScanRange[],
  onRecord: (r: LogRecord) => void,
  opts: ScanOptions = {},
): Promise<void> {
  const starts = new Map<string, bigint>();
  const targets = new Map<string, bigint>();
  /** Where each assigned partition is read from: its start when in range, else its end (nothing to read). */
  const seeks: { topic: string; partition: number; offset: string }[] = [];
  const pk = (topic: string, partition: number) => `${topic}\u0000${partition}`;
  for (const range of ranges) {
    const offsets = await admin.fetchTopicOffsets(range.topic);
    const since =
      range.sinceMs === undefined
        ? undefined
        : new Map((await admin.fetchTopicOffsetsByTimestamp(range.topic, range.sinceMs)).map((o) => [o.partition, BigInt(o.offset)]));
    for (const o of offsets) {
      if (range.partitions && !range.partitions.includes(o.partition)) {
        seeks.push({ topic: range.topic, partition: o.partition, offset: o.high });
        continue;
      }
      const low = BigInt(o.low);
      const high = BigInt(o.high);
      const from = since?.get(o.partition);
      const start = from !== undefined && from > low ? from : low;
      seeks.push({ topic: range.topic, partition: o.partition, offset: (start < high ? start : high).toString() });
      if (start < high) {
        starts.set(pk(range.topic, o.partition), start);
        targets.set(pk(range.topic, o.partition), high);
      }
    }
  }
  if (targets.size === 0) return;

  const groupId = `wabus-ops-scan-${process.pid}-${randomBytes(4).toString('hex')}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false, maxWaitTimeInMs: 250, sessionTimeout: 10_000 });
  const pending = new Set(targets.keys());
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let failure: unknown;
  try {
    await consumer.connect();
    for (const topic of new Set(ranges.map((r) => r.topic))) await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new OpsError('WABUS_OPS_READ_TIMEOUT', {
            message: `reading ${[...new Set(ranges.map((r) => r.topic))].join(', ')} did not reach the end within ${timeoutMs} ms`,
          }),
        );
      }, timeoutMs);
      const finish = (err?: unknown) => {
        clearTimeout(timer);
        if (err === undefined) resolve();
        else reject(err);
      };
      consumer
        .run({
          autoCommit: false,
          eachBatch: async ({ batch }) => {
            const key = pk(batch.topic, batch.partition);
            const start = starts.get(key);
            const target = targets.get(key);
            if (start === undefined || target === undefined || !pending.has(key)) return;
            try {
              for (const m of batch.messages) {
                const offset = BigInt(m.offset);
                if (offset >= start && offset < target) onRecord(toRecord(batch.topic, batch.partition, m));
              }
            } catch (err) {
              finish(err);
              return;
            }
            if (BigInt(batch.lastOffset()) + 1n >= target && pending.delete(key) && pending.size === 0) finish();
          },
        })
        .then(() => {
          // Without autoCommit a seek only moves this member's fetch position; nothing is committed.
          for (const s of seeks) consumer.seek(s);
        })
        .catch(finish);
    });
  } catch (err) {
    failure = err;
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
  }
  if (failure !== undefined) throw failure;
}

/** `scanTopics` collecting every record. */
export async function readRecords(kafka: Kafka, admin: Admin, ranges: readonly ScanRange[], opts: ScanOptions = {}): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  await scanTopics(kafka, admin, ranges, (r) => out.push(r), opts);
  return out;
}
