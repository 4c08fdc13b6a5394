import type { LogSink } from '../client.ts';
import type { PartitionState } from './consumer-types.ts';
import { formatReplayMark, parseReplayMark, type ReplayMark } from './replay-mark.ts';

/**
 * Everything the runtime decides about a replay (see replay-mark.ts): which mark a partition is under, which records
 * of a chunk are replayed, carry the header or are passed over, what the commit carries, and when the mark is dropped.
 */

export type ReplayDecision = 'live' | 'replay' | 'skip';

/** What the runtime does with the record at `offset` (with `key`) on a partition carrying `mark`. */
export function replayDecision(mark: ReplayMark | null, offset: bigint, key: string | null): ReplayDecision {
  if (mark === null || offset >= mark.frontier) return 'live';
  if (mark.until !== undefined && offset >= mark.until) return 'skip';
  if (mark.keys !== undefined && (key === null || !mark.keys.includes(key))) return 'skip';
  return 'replay';
}

/** A committed offset's mark puts its partition under a replay while the offset is still below the frontier. */
export function activeMark(committedOffset: string, metadata: string | null | undefined): ReplayMark | null {
  const mark = parseReplayMark(metadata);
  return mark !== null && BigInt(committedOffset) < mark.frontier ? mark : null;
}

export function describeMark(m: ReplayMark): NonNullable<PartitionState['replay']> {
  return {
    id: m.id,
    frontier: m.frontier.toString(),
    ...(m.until !== undefined ? { until: m.until.toString() } : {}),
    ...(m.keys !== undefined ? { keys: m.keys.length } : {}),
    effects: m.effects === true,
  };
}

/**
 * A shadow replay (`replayOnly`) applies nothing at or past the frontier: the records of a batch below it, and
 * whether the partition is to be held there after them. A partition without a mark has nothing to replay.
 */
export function belowFrontier<M extends { offset: string }>(mark: ReplayMark | null, messages: M[]): { messages: M[]; atFrontier: boolean } {
  const frontier = mark?.frontier ?? -1n;
  const cut = messages.findIndex((m) => BigInt(m.offset) >= frontier);
  const below = cut === -1 ? messages : messages.slice(0, cut);
  return { messages: below, atFrontier: below.length === 0 || below.length < messages.length };
}

/** A chunk of records through a replay's eyes. */
export interface ChunkReplay<M> {
  /** The records to apply: all but those below the frontier that are outside the replay's range or keys. */
  apply: M[];
  /** Records delivered again, and records passed over (applied before, outside the range or keys). */
  replayed: number;
  skipped: number;
  /** The replay header's value for a record to apply: the replay's id, or null (live, or a replay with effects). */
  header(offset: string): string | null;
  /** The metadata committed with `next`: the mark while the partition is still inside the replay, none past it. */
  metadata: string | null;
  /** The commit of `next` takes the partition past the frontier: the replay is over there. */
  ends: boolean;
}

/** What a partition under `mark` does with `chunk`, committed as `next` (its last offset + 1). */
export function chunkReplay<M extends { offset: string; key: Buffer | null }>(mark: ReplayMark | null, chunk: readonly M[], next: bigint): ChunkReplay<M> {
  if (mark === null) return { apply: [...chunk], replayed: 0, skipped: 0, header: () => null, metadata: null, ends: false };
  const decisions = new Map(chunk.map((m) => [m.offset, replayDecision(mark, BigInt(m.offset), m.key ? m.key.toString('utf8') : null)]));
  const apply = chunk.filter((m) => decisions.get(m.offset) !== 'skip');
  const metadata = next < mark.frontier ? formatReplayMark(mark) : null;
  return {
    apply,
    replayed: chunk.filter((m) => decisions.get(m.offset) === 'replay').length,
    skipped: chunk.length - apply.length,
    header: (offset) => (!mark.effects && decisions.get(offset) === 'replay' ? mark.id : null),
    metadata,
    ends: metadata === null,
  };
}

export interface CommittedOffset {
  partition: number;
  offset: string;
  metadata: string | null;
}

/**
 * The marks of the group's partitions, read from its committed offsets once per generation (a rebalance can bring a
 * partition in the middle of a replay), and shown in each partition's status until the partition is past them.
 */
export function createReplayMarks(o: {
  committed: () => Promise<CommittedOffset[]>;
  stateOf: (partition: number) => PartitionState;
  log: LogSink;
  groupId: string;
}) {
  let marks: Promise<Map<number, ReplayMark | null>> | null = null;

  async function load(): Promise<Map<number, ReplayMark | null>> {
    const out = new Map<number, ReplayMark | null>();
    for (const p of await o.committed()) {
      const mark = activeMark(p.offset, p.metadata);
      out.set(p.partition, mark);
      if (mark !== null) o.stateOf(p.partition).replay = describeMark(mark);
      else delete o.stateOf(p.partition).replay;
    }
    return out;
  }

  return {
    /** A new generation: the marks are read again for its first batch. */
    forget(): void {
      marks = null;
    },
    async of(partition: number): Promise<ReplayMark | null> {
      const current = (marks ??= load());
      try {
        return (await current).get(partition) ?? null;
      } catch (err) {
        if (marks === current) marks = null;
        throw err;
      }
    },
    /** The partition committed past `mark`'s frontier: live from here on. */
    async ended(partition: number, mark: ReplayMark): Promise<void> {
      (await marks)?.set(partition, null);
      delete o.stateOf(partition).replay;
      o.log.info({ component: 'consumer', groupId: o.groupId, partition, replay: mark.id, frontier: mark.frontier.toString() }, 'replay finished on partition');
    },
    /** A shadow replay's partition is at its frontier (see `belowFrontier`): paused there, nothing live is applied. */
    hold(partition: number, pause: () => void): void {
      const st = o.stateOf(partition);
      if (!st.replayDone) o.log.info({ component: 'consumer', groupId: o.groupId, partition }, 'replay-only: partition at its frontier, held');
      st.replayDone = true;
      pause();
    },
  };
}

export type ReplayMarks = ReturnType<typeof createReplayMarks>;
