import type { KafkaMessage } from 'kafkajs';
import type { LogSink } from '../client.ts';
import { applyRecords } from './apply-records.ts';
import { createChunkSpans } from './chunk-spans.ts';
import { reportCommittedChunk, tally, type ChunkReporter } from './chunk-report.ts';
import type { ConsumerTracing } from './consumer-tracing.ts';
import type { ConsumerHandler } from './consumer-types.ts';
import { decodeChunk } from './decode-chunk.ts';
import { HANDLER_HEARTBEAT_MS, whileHeartbeating } from './keep-alive.ts';
import type { PartitionProgress } from './partition-progress.ts';
import { chunkReplay, type ReplayMarks } from './replay-frontier.ts';
import type { ReplayMark } from './replay-mark.ts';
import { ABORTED, type PartitionRetry, type PartitionTurn } from './retry-partition.ts';
import type { SendDeadLetters } from './send-dead-letters.ts';

export interface ChunkProcessorOptions<E> extends ConsumerHandler<E>, ChunkReporter<E> {
  topic: string;
  kindOf: (event: E) => string;
  log: LogSink;
  tracing: ConsumerTracing;
  retrying: PartitionRetry;
  sendDeadLetters: SendDeadLetters;
  /** Commits `offset` (the next to apply) with `metadata` for the group. */
  commit: (partition: number, offset: bigint, metadata: string | null) => Promise<void>;
  marks: ReplayMarks;
  progress: PartitionProgress;
}

/**
 * One chunk of a partition's batch: decode → apply (the handler, idempotent; the runtime heartbeats while it works) →
 * dead-letter what can never apply → commit → report. The commit comes only after the handler's effects and the dead letters are durable. Resolves
 * false when the partition was given up on the way (nothing of the chunk is committed then).
 */
export function createChunkProcessor<E>(o: ChunkProcessorOptions<E>) {
  return async function processChunk(
    turn: PartitionTurn,
    mark: ReplayMark | null,
    chunk: KafkaMessage[],
    highWatermark: string,
    resolveOffset: (offset: string) => void,
  ): Promise<boolean> {
    const { partition } = turn;
    const started = performance.now();
    const last = chunk.at(-1)!.offset;
    const next = BigInt(last) + 1n;
    const replay = chunkReplay(mark, chunk, next);
    const spans = createChunkSpans(o.tracing);
    const end = o.progress.begin(partition);
    try {
      const { ok, dead } = decodeChunk(replay.apply, { topic: o.topic, partition, decode: o.decode, replayHeader: replay.header, reading: spans.start });
      const kindByOffset = new Map(ok.map((r) => [r.offset, o.kindOf(r.event)]));
      const kinds = () => tally([...kindByOffset.keys(), ...dead.map((d) => d.record.offset)], kindByOffset);
      const applied = await o.retrying(
        turn,
        'apply',
        () =>
          applyRecords(ok, (records) =>
            whileHeartbeating(turn.heartbeat, HANDLER_HEARTBEAT_MS, () =>
              o.tracing.inBatch(spans.ofRecords(records), partition, { first: records[0]!.offset, last: records.at(-1)!.offset }, () =>
                o.handleBatch(records, { partition, log: o.log }),
              ),
            ),
          ),
        kinds,
      );
      if (applied === ABORTED) return false;
      const letters = [...dead, ...applied.rejected];
      if ((await o.sendDeadLetters(turn, letters, spans, (offset) => kindByOffset.get(offset) ?? 'undecodable')) === ABORTED) return false;
      if ((await o.retrying(turn, 'commit', () => o.commit(partition, next, replay.metadata))) === ABORTED) return false;
      spans.endCommitted();
      resolveOffset(last);
      const { replayed, skipped } = replay;
      reportCommittedChunk(o, {
        partition,
        next,
        highWatermark,
        ok,
        kindByOffset,
        applied,
        replayed,
        skipped,
        live: mark === null,
        seconds: (performance.now() - started) / 1000,
      });
      if (mark !== null && replay.ends) await o.marks.ended(partition, mark);
      o.progress.advance(partition, next);
      return true;
    } finally {
      end();
      spans.endAbandoned();
    }
  };
}
