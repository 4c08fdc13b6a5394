import type { Span } from '@opentelemetry/api';
import type { ConsumerTracing, RecordOutcome, TracedRecord } from './consumer-tracing.ts';

/**
 * The record spans of one chunk: started as its records are read (before decoding: a record that cannot be decoded
 * has one too), ended once their fate is committed, or abandoned when the chunk is given up.
 */
export function createChunkSpans(tracing: ConsumerTracing) {
  const spans = new Map<string, Span>();
  const letterErrors = new Map<string, Error>();
  const end = (outcome: (offset: string) => RecordOutcome) => {
    for (const [offset, span] of spans) tracing.endRecord(span, outcome(offset), letterErrors.get(offset));
    spans.clear();
  };
  return {
    start(record: TracedRecord): void {
      spans.set(record.offset, tracing.startRecord(record));
    },
    of: (offset: string): Span | undefined => spans.get(offset),
    ofRecords: (records: readonly { offset: string }[]): Span[] => records.flatMap((r) => spans.get(r.offset) ?? []),
    /** The record went to the dead-letter topic with `error` (its span ends as dead-lettered once committed). */
    deadLettered(offset: string, error: Error): void {
      letterErrors.set(offset, error);
    },
    /** The chunk is committed: each record applied or dead-lettered. */
    endCommitted: () => end((offset) => (letterErrors.has(offset) ? 'dead_lettered' : 'applied')),
    /** The partition was given up (revoked, stopping) or an error escapes: what is still open was not committed here. */
    endAbandoned: () => end(() => 'abandoned'),
  };
}

export type ChunkSpans = ReturnType<typeof createChunkSpans>;
