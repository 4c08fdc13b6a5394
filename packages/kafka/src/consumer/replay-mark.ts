import { KafkaError } from '../errors.ts';

/**
 * A replay, as the consumer group itself remembers it: JSON in the metadata of the group's committed offset, per
 * partition. `wabus replay` writes it when it moves a group's offsets back (or seeds a shadow group); the runtime
 * reads it on every group join and carries it forward with each commit until the partition is past `frontier`,
 * then commits without it. Everything below `frontier` had been applied before the replay: it is delivered with
 * the replay header (or skipped when outside `until`/`keys`), so consumers with outside effects stay silent.
 * Living in the group's own commits, it survives restarts and rebalances and needs no other store.
 */
export interface ReplayMark {
  /** Identifies the replay (in the header, logs and metrics). */
  id: string;
  /** Offsets below this were applied before the replay started: they are the replay. */
  frontier: bigint;
  /** Replay only offsets below this; [until, frontier) is skipped (it was applied before). */
  until?: bigint;
  /** Replay only these record keys (conversations); other records below `frontier` are skipped. */
  keys?: readonly string[];
  /** Deliver replayed records without the replay header: outside effects (replies, CRM calls) happen again. */
  effects?: boolean;
}

export const REPLAY_HEADER = 'wabus-replay';

/** Kafka's default `offset.metadata.max.bytes`. */
export const MAX_MARK_BYTES = 4096;

interface MarkJson {
  wabusReplay: 1;
  id: string;
  frontier: string;
  until?: string;
  keys?: string[];
  effects?: boolean;
}

export function formatReplayMark(m: ReplayMark): string {
  const json: MarkJson = { wabusReplay: 1, id: m.id, frontier: m.frontier.toString() };
  if (m.until !== undefined) json.until = m.until.toString();
  if (m.keys !== undefined) json.keys = [...m.keys];
  if (m.effects) json.effects = true;
  const text = JSON.stringify(json);
  if (Buffer.byteLength(text) > MAX_MARK_BYTES) {
    throw new KafkaError('WABUS_REPLAY_MARK_TOO_LARGE', {
      message: `replay mark is ${Buffer.byteLength(text)} bytes, over Kafka's ${MAX_MARK_BYTES}-byte offset metadata limit: pass fewer keys`,
    });
  }
  return text;
}

const isOffset = (s: unknown): s is string => typeof s === 'string' && /^\d{1,19}$/.test(s);

/** The mark in a committed offset's metadata; null for none, for metadata written by other tools, or for a malformed one. */
export function parseReplayMark(metadata: string | null | undefined): ReplayMark | null {
  if (!metadata || !metadata.startsWith('{')) return null;
  let j: Partial<MarkJson>;
  try {
    j = JSON.parse(metadata) as Partial<MarkJson>;
  } catch {
    return null;
  }
  if (j.wabusReplay !== 1 || typeof j.id !== 'string' || !isOffset(j.frontier)) return null;
  if (j.until !== undefined && !isOffset(j.until)) return null;
  if (j.keys !== undefined && !(Array.isArray(j.keys) && j.keys.every((k) => typeof k === 'string'))) return null;
  return {
    id: j.id,
    frontier: BigInt(j.frontier),
    ...(j.until !== undefined ? { until: BigInt(j.until) } : {}),
    ...(j.keys !== undefined ? { keys: j.keys } : {}),
    ...(j.effects === true ? { effects: true } : {}),
  };
}
