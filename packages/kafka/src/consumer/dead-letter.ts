import type { ProduceMessage } from '../produce-types.ts';
import { errorCode } from './classify-error.ts';

export const DLQ_HEADERS = {
  code: 'wabus-dlq-error-code',
  message: 'wabus-dlq-error-message',
  topic: 'wabus-dlq-source-topic',
  partition: 'wabus-dlq-source-partition',
  offset: 'wabus-dlq-source-offset',
  group: 'wabus-dlq-consumer-group',
  failedAt: 'wabus-dlq-failed-at',
  /** Set on a letter the dead-letter topic could not take whole: the original value's size in bytes (see valueOmitted). */
  valueOmitted: 'wabus-dlq-value-omitted',
} as const;

export interface DeadLetterInput {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer;
  headers: Record<string, string>;
  timestamp: string;
}

/** The original bytes, key and headers, plus why and where it failed: enough to inspect, fix and re-drive it. */
export function deadLetterMessage(record: DeadLetterInput, err: Error, groupId: string, now: number): ProduceMessage {
  return {
    key: record.key,
    value: record.value,
    timestamp: record.timestamp,
    headers: {
      ...record.headers,
      [DLQ_HEADERS.code]: errorCode(err),
      [DLQ_HEADERS.message]: err.message.slice(0, 2_000),
      [DLQ_HEADERS.topic]: record.topic,
      [DLQ_HEADERS.partition]: String(record.partition),
      [DLQ_HEADERS.offset]: record.offset,
      [DLQ_HEADERS.group]: groupId,
      [DLQ_HEADERS.failedAt]: String(now),
    },
  };
}

/**
 * A letter without its value, for a record the dead-letter topic refuses as too large (its max.message.bytes below
 * the source topic's): the source topic, partition and offset it keeps say where the original is (events are kept
 * forever), and `wabus-dlq-value-omitted` gives the size left out. Without it the letter could never be written, the
 * send would be retried forever, and the partition would stop behind one record (docs/limits.md).
 */
export function valueOmitted(letter: ProduceMessage): ProduceMessage {
  const size = letter.value === null || letter.value === undefined ? 0 : Buffer.byteLength(letter.value);
  return { ...letter, value: null, headers: { ...letter.headers, [DLQ_HEADERS.valueOmitted]: String(size) } };
}
