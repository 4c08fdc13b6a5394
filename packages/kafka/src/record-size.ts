import { KafkaError } from './errors.ts';
import type { ProduceMessage, TopicMessages } from './produce-types.ts';

/**
 * Bytes of a v2 record batch beside its records (base offset, length, leader epoch, magic, CRC, attributes, last
 * offset delta, timestamps, producer id and epoch, base sequence, record count): what the broker compares with a
 * topic's `max.message.bytes` and `segment.bytes` is this plus the records (KIP-98's batch format).
 */
export const RECORD_BATCH_OVERHEAD = 61;

const bytesOf = (v: string | Buffer | null | undefined): number => (v === null || v === undefined ? 0 : Buffer.isBuffer(v) ? v.length : Buffer.byteLength(v));

/**
 * An upper bound of one record's bytes inside a v2 batch, uncompressed (wabus produces uncompressed): its key, value
 * and headers, and every varint of its framing counted at full width (length, offset delta, key and value lengths,
 * header count and lengths: 5 bytes; timestamp delta: 10; attributes: 1). Exceeds the encoded size by at most a few
 * bytes per field, so a batch of records whose bounds fit a limit fits it.
 */
export function recordBytes(m: ProduceMessage): number {
  let n = 5 + 1 + 10 + 5 + 5 + bytesOf(m.key) + 5 + bytesOf(m.value) + 5;
  if (m.headers !== undefined) {
    for (const name in m.headers) n += 5 + Buffer.byteLength(name) + 5 + bytesOf(m.headers[name]);
  }
  return n;
}

/** The sizes of an append's records (per topic, in order), their count and sum. */
export interface MeasuredAppend {
  records: number;
  bytes: number;
  sizes: number[][];
}

/**
 * Measures an append; throws WABUS_KAFKA_RECORD_TOO_LARGE (permanent: nothing of it should be sent) when a record
 * could not fit its topic even alone: `topicLimit` gives the largest record batch a topic takes, when known.
 */
export function measureAppend(topicMessages: readonly TopicMessages[], topicLimit?: (topic: string) => number | undefined): MeasuredAppend {
  let records = 0;
  let bytes = 0;
  const sizes: number[][] = [];
  for (const tm of topicMessages) {
    const limit = topicLimit?.(tm.topic);
    const list: number[] = [];
    for (const m of tm.messages) {
      const size = recordBytes(m);
      if (limit !== undefined && RECORD_BATCH_OVERHEAD + size > limit) {
        throw new KafkaError('WABUS_KAFKA_RECORD_TOO_LARGE', {
          message: `a record of ${size} bytes for ${tm.topic}, which takes record batches of at most ${limit} bytes`,
          details: { topics: [tm.topic], recordBytes: size, limitBytes: limit, found: 'before sending' },
        });
      }
      list.push(size);
      bytes += size;
    }
    records += tm.messages.length;
    sizes.push(list);
  }
  return { records, bytes, sizes };
}

/**
 * An append's records as parts of at most `maxBytes` each, in order (a single larger record is a part of its own).
 * Records of one topic keep their order across parts, and parts are sent one after the other.
 */
export function splitIntoParts(
  topicMessages: TopicMessages[],
  sizes: number[][],
  maxBytes: number,
): { topicMessages: TopicMessages[]; records: number; bytes: number }[] {
  const parts: { topicMessages: TopicMessages[]; records: number; bytes: number }[] = [];
  let current: { topicMessages: TopicMessages[]; records: number; bytes: number } | undefined;
  topicMessages.forEach((tm, t) => {
    tm.messages.forEach((m, i) => {
      const size = sizes[t]![i]!;
      if (current === undefined || (current.records > 0 && current.bytes + size > maxBytes))
        parts.push((current = { topicMessages: [], records: 0, bytes: 0 }));
      let last = current.topicMessages.at(-1);
      if (last?.topic !== tm.topic) current.topicMessages.push((last = { topic: tm.topic, messages: [] }));
      last.messages.push(m);
      current.records += 1;
      current.bytes += size;
    });
  });
  return parts;
}
