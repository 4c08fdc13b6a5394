import type { KafkaMessage } from 'kafkajs';
import { EventsError } from '@wabus/events';
import { headerText } from '../header-text.ts';
import { isPermanent } from './classify-error.ts';
import type { ConsumedRecord } from './consumer-types.ts';
import { REPLAY_HEADER } from './replay-mark.ts';

/** A record for the dead-letter topic (undecodable ones have no event), with why. */
export interface Letter<E> {
  record: Omit<ConsumedRecord<E>, 'event'>;
  error: Error;
}

export interface DecodeChunkOptions<E> {
  topic: string;
  partition: number;
  decode: (value: Buffer, headers: Record<string, string>) => E;
  /** The replay header's value for the record at an offset (null: none); see `chunkReplay`. */
  replayHeader: (offset: string) => string | null;
  /** Called with each record before it is decoded (its span starts there). */
  reading: (record: Omit<ConsumedRecord<E>, 'event'>) => void;
}

/** Decodes a chunk; records that can never be decoded (permanent errors) are set apart for the dead-letter topic. */
export function decodeChunk<E>(messages: readonly KafkaMessage[], o: DecodeChunkOptions<E>): { ok: ConsumedRecord<E>[]; dead: Letter<E>[] } {
  const ok: ConsumedRecord<E>[] = [];
  const dead: Letter<E>[] = [];
  for (const m of messages) {
    const headers = headerText(m.headers);
    const replay = o.replayHeader(m.offset);
    if (replay !== null) headers[REPLAY_HEADER] = replay;
    const base = {
      topic: o.topic,
      partition: o.partition,
      offset: m.offset,
      key: m.key ? m.key.toString('utf8') : null,
      headers,
      timestamp: m.timestamp,
      value: m.value ?? Buffer.alloc(0),
    };
    o.reading(base);
    try {
      if (m.value === null) throw new EventsError('WABUS_EVENTS_DECODE_FAILED', { message: 'record has no value (tombstone)' });
      ok.push({ ...base, event: o.decode(m.value, base.headers) });
    } catch (err) {
      if (!isPermanent(err)) throw err;
      dead.push({ record: base, error: err as Error });
    }
  }
  return { ok, dead };
}
