import type { KafkaAdmin as Admin } from '@wabus/kafka';
import { OpsError } from '../errors.ts';

/** Where a replay starts on each partition. */
export type StartAt = { kind: 'beginning' } | { kind: 'offsets'; offsets: ReadonlyMap<number, bigint> } | { kind: 'time'; ms: number };
/** Where it ends (exclusive); `frontier`: up to what the group had applied (reset) or to the log end (shadow). */
export type EndAt = { kind: 'frontier' } | { kind: 'offsets'; offsets: ReadonlyMap<number, bigint> } | { kind: 'time'; ms: number };

export interface PartitionBounds {
  partition: number;
  low: bigint;
  high: bigint;
}

/** `0=120,3=7` or a single offset for every partition (`0`), as typed on the command line. */
export function parseOffsets(text: string, what: string): { all: bigint } | { each: Map<number, bigint> } {
  const t = text.trim();
  if (/^\d{1,19}$/.test(t)) return { all: BigInt(t) };
  const each = new Map<number, bigint>();
  for (const part of t.split(',')) {
    const m = /^\s*(\d{1,5})\s*[=:]\s*(\d{1,19})\s*$/.exec(part);
    if (!m) throw new OpsError('WABUS_OPS_BAD_OFFSET', { message: `${what} expects <offset> or <partition>=<offset>[,...], got ${JSON.stringify(text)}` });
    const p = Number(m[1]);
    if (each.has(p)) throw new OpsError('WABUS_OPS_BAD_OFFSET', { message: `${what}: partition ${p} given twice` });
    each.set(p, BigInt(m[2]!));
  }
  return { each };
}

export async function partitionBounds(admin: Admin, topic: string): Promise<PartitionBounds[]> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.map((o) => ({ partition: o.partition, low: BigInt(o.low), high: BigInt(o.high) })).sort((a, b) => a.partition - b.partition);
}

/** The first offset at or after `ms` per partition (the log end where no record is that recent). */
async function offsetsAtTime(admin: Admin, topic: string, ms: number, bounds: readonly PartitionBounds[]): Promise<Map<number, bigint>> {
  const found = await admin.fetchTopicOffsetsByTimestamp(topic, ms);
  const out = new Map<number, bigint>();
  for (const b of bounds) {
    const f = found.find((x) => x.partition === b.partition);
    const o = f === undefined || f.offset === '-1' ? b.high : BigInt(f.offset);
    out.set(b.partition, o < b.low ? b.low : o);
  }
  return out;
}

function checkOffsets(offsets: ReadonlyMap<number, bigint>, bounds: readonly PartitionBounds[], what: string): void {
  for (const [p, o] of offsets) {
    const b = bounds.find((x) => x.partition === p);
    if (!b) throw new OpsError('WABUS_OPS_BAD_OFFSET', { message: `${what}: the topic has no partition ${p} (it has ${bounds.length})` });
    if (o > b.high) throw new OpsError('WABUS_OPS_BAD_OFFSET', { message: `${what}: partition ${p} offset ${o} is past the log end ${b.high}` });
    if (o < b.low)
      throw new OpsError('WABUS_OPS_BAD_OFFSET', { message: `${what}: partition ${p} offset ${o} is no longer in the log (retention deleted up to ${b.low})` });
  }
}

/** Resolves the start offset of every partition. Partitions absent from an offsets list start at their frontier (nothing replayed). */
export async function resolveStart(admin: Admin, topic: string, at: StartAt, bounds: readonly PartitionBounds[]): Promise<Map<number, bigint | null>> {
  if (at.kind === 'beginning') return new Map(bounds.map((b) => [b.partition, b.low]));
  if (at.kind === 'time') return offsetsAtTime(admin, topic, at.ms, bounds);
  checkOffsets(at.offsets, bounds, '--from');
  return new Map(bounds.map((b) => [b.partition, at.offsets.get(b.partition) ?? null]));
}

/** Resolves the end offset of every partition; null: no end of its own (up to the frontier). */
export async function resolveEnd(admin: Admin, topic: string, at: EndAt, bounds: readonly PartitionBounds[]): Promise<Map<number, bigint | null>> {
  if (at.kind === 'frontier') return new Map(bounds.map((b) => [b.partition, null]));
  if (at.kind === 'time') return offsetsAtTime(admin, topic, at.ms, bounds);
  checkOffsets(at.offsets, bounds, '--to');
  return new Map(bounds.map((b) => [b.partition, at.offsets.get(b.partition) ?? null]));
}
