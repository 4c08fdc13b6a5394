import type { Applied } from './apply-records.ts';
import type { ConsumedRecord, ConsumerObserver, PartitionState } from './consumer-types.ts';

/** Counts per kind of the given offsets (each record's kind looked up once per chunk, in `kindByOffset`). */
export function tally(offsets: Iterable<string>, kindByOffset: ReadonlyMap<string, string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const o of offsets) {
    const k = kindByOffset.get(o) ?? 'undecodable';
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

/** `applied` per kind: the chunk's decoded records less the rejected ones, and of them the duplicates. */
function reportApplied<E>(obs: ConsumerObserver, kindByOffset: ReadonlyMap<string, string>, applied: Applied<E>): void {
  if (!obs.applied) return;
  const rejected = new Set(applied.rejected.map((r) => r.record.offset));
  const kinds = tally(
    [...kindByOffset.keys()].filter((o) => !rejected.has(o)),
    kindByOffset,
  );
  let dups: Map<string, number>;
  if (applied.duplicateOffsets !== null)
    dups = tally(
      applied.duplicateOffsets.filter((o) => kindByOffset.has(o) && !rejected.has(o)),
      kindByOffset,
    );
  else dups = new Map(applied.duplicates > 0 ? [[kinds.size === 1 ? [...kinds.keys()][0]! : 'mixed', applied.duplicates]] : []);
  for (const [kind, n] of kinds) obs.applied(kind, n, dups.get(kind) ?? 0);
  for (const [kind, n] of dups) if (!kinds.has(kind)) obs.applied(kind, 0, n);
}

export interface CommittedChunk<E> {
  partition: number;
  /** The offset committed (the chunk's last + 1) and the batch's high watermark: the partition's lag. */
  next: bigint;
  highWatermark: string;
  /** The decoded records, and the kind of each by offset. */
  ok: readonly ConsumedRecord<E>[];
  kindByOffset: ReadonlyMap<string, string>;
  applied: Applied<E>;
  /** Records replayed and passed over (both 0 when the partition is live). */
  replayed: number;
  skipped: number;
  /** Under a replay: no end-to-end latency (these records entered long ago). */
  live: boolean;
  seconds: number;
}

export interface ChunkReporter<E> {
  observer: ConsumerObserver;
  stateOf: (partition: number) => PartitionState;
  now: () => number;
  eventTime: ((event: E) => number | null) | undefined;
}

/** The status and observer bookkeeping of a committed chunk: lag, applied and duplicates per kind, replay, timings. */
export function reportCommittedChunk<E>(r: ChunkReporter<E>, c: CommittedChunk<E>): void {
  const obs = r.observer;
  const st = r.stateOf(c.partition);
  const lag = Number(BigInt(c.highWatermark) - c.next);
  st.lag = lag < 0 ? 0 : lag;
  obs.lag?.(c.partition, st.lag);
  reportApplied(obs, c.kindByOffset, c.applied);
  if (c.replayed > 0) obs.replay?.('replayed', c.replayed);
  if (c.skipped > 0) obs.replay?.('skipped', c.skipped);
  obs.batchSeconds?.(c.seconds);
  if (obs.endToEnd && r.eventTime && c.live) {
    const at = r.now();
    for (const rec of c.ok) {
      const t = r.eventTime(rec.event);
      if (t !== null) obs.endToEnd(Math.max(0, at - t) / 1000);
    }
  }
}
