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
