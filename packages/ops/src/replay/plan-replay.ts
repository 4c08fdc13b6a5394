import type { KafkaClient as Kafka } from '@wabus/kafka';
import {
  describeGroup,
  fetchGroupOffsets,
  formatReplayMark,
  KafkaError,
  parseReplayMark,
  setGroupOffsets,
  type GroupOffset,
  type GroupState,
} from '@wabus/kafka';
import { connectAdmin, requireTopics } from '../kafka-admin.ts';
import { OpsError } from '../errors.ts';
import { partitionBounds, resolveEnd, resolveStart, type EndAt, type StartAt } from './positions.ts';

export type ReplayMode = 'reset' | 'shadow';

export interface ReplayRequest {
  mode: ReplayMode;
  /** The events topic. */
  topic: string;
  /** The live group (reset moves its offsets; shadow compares against its database). */
  groupId: string;
  /** Shadow only: the separate group that replays into the separate database. */
  shadowGroupId?: string;
  from: StartAt;
  to: EndAt;
  /** Only records with these keys (conversations) are replayed. */
  keys?: readonly string[];
  /** Reset only: deliver without the replay header, so replies and CRM calls happen again. */
  effects?: boolean;
  /** Names the replay in the header, the group's commit metadata and the logs. */
  id: string;
}

export interface PartitionPlan {
  partition: number;
  low: string;
  high: string;
  /** The group's committed offset before the replay (null: none). */
  committed: string | null;
  /** Offsets below this had been applied: the replay covers [start, frontier). */
  frontier: string;
  start: string;
  /** Replayed up to here (exclusive); [until, frontier) is passed over. */
  until: string;
  /** Offsets the group will go through (start → frontier), replayed or passed over. */
  span: string;
  replay: boolean;
}

export interface ReplayPlan {
  mode: ReplayMode;
  id: string;
  topic: string;
  /** The group whose offsets are written: the live one (reset) or the shadow one. */
  groupId: string;
  liveGroupId: string;
  keys: readonly string[] | null;
  effects: boolean;
  group: GroupState;
  partitions: PartitionPlan[];
  /** Σ (until − start) over replayed partitions: records delivered again (fewer with a keys filter). */
  records: string;
  /** What is committed when the plan is executed. */
  offsets: GroupOffset[];
  /**
   * The same replay of the service's other topics (`alsoReads`: status-tracker's sends), each through its own group,
   * executed and followed with this one: the service is rebuilt from all it reads.
   */
  also?: ReplayPlan[];
}

const max = (a: bigint, b: bigint) => (a > b ? a : b);
const min = (a: bigint, b: bigint) => (a < b ? a : b);

/**
 * Works out, without changing anything, what a replay does on every partition. A reset replays what the group had
 * applied (up to its frontier: its committed offset, or an unfinished replay's frontier); a shadow replays into a
 * fresh group up to the log end at planning time (or `to`). A reset never moves a group forward (that would skip
 * events it never applied).
 */
export async function planReplay(kafka: Kafka, req: ReplayRequest): Promise<ReplayPlan> {
  const target = req.mode === 'shadow' ? req.shadowGroupId : req.groupId;
  if (target === undefined || target === '') throw new OpsError('WABUS_OPS_BAD_REPLAY', { message: 'a shadow replay needs a shadow group id' });
  if (req.keys !== undefined && req.keys.length === 0) throw new OpsError('WABUS_OPS_BAD_REPLAY', { message: '--key was given without any key' });
  const admin = await connectAdmin(kafka);
  let bounds, starts, ends;
  try {
    await requireTopics(admin, [req.topic]);
    bounds = await partitionBounds(admin, req.topic);
    starts = await resolveStart(admin, req.topic, req.from, bounds);
    ends = await resolveEnd(admin, req.topic, req.to, bounds);
  } finally {
    await admin.disconnect();
  }
  const group = await describeGroup(kafka, target);
  const committed = new Map((await fetchGroupOffsets(kafka, target, req.topic)).map((o) => [o.partition, o]));
  if (req.mode === 'shadow' && [...committed.values()].some((o) => BigInt(o.offset) >= 0n)) {
    throw new OpsError('WABUS_OPS_SHADOW_EXISTS', {
      message: `shadow group ${target} already has committed offsets: pick another --label (each shadow replay starts from an empty group and database)`,
    });
  }
  const effects = req.mode === 'reset' && req.effects === true;
  const partitions: PartitionPlan[] = [];
  const offsets: GroupOffset[] = [];
  let records = 0n;
  for (const b of bounds) {
    const c = committed.get(b.partition);
    const had = c !== undefined && BigInt(c.offset) >= 0n ? BigInt(c.offset) : null;
    const oldMark = parseReplayMark(c?.metadata);
    const end = ends.get(b.partition) ?? null;
    const frontier = req.mode === 'shadow' ? (end ?? b.high) : max(had ?? b.low, oldMark?.frontier ?? 0n);
    const start = starts.get(b.partition) ?? null;
    if (req.mode === 'reset' && start !== null && had !== null && start > had) {
      throw new OpsError('WABUS_OPS_REPLAY_FORWARD', {
        message: `partition ${b.partition}: --from ${start} is past the group's committed offset ${had}; a replay never moves a group forward (that would skip events it has not applied)`,
      });
    }
    const from = start === null ? frontier : min(start, frontier);
    const until = end === null ? frontier : min(max(end, from), frontier);
    const replay = from < frontier && until > from;
    if (replay) {
      records += until - from;
      const mark = formatReplayMark({
        id: req.id,
        frontier,
        ...(until < frontier ? { until } : {}),
        ...(req.keys !== undefined ? { keys: req.keys } : {}),
        ...(effects ? { effects: true } : {}),
      });
      offsets.push({ partition: b.partition, offset: from.toString(), metadata: mark });
    } else if (req.mode === 'shadow') {
      offsets.push({ partition: b.partition, offset: frontier.toString(), metadata: null });
    } else if (had !== null) {
      // Untouched by this replay: keep what is there (an unfinished replay's mark included).
      offsets.push({ partition: b.partition, offset: had.toString(), metadata: c?.metadata || null });
    }
    partitions.push({
      partition: b.partition,
      low: b.low.toString(),
      high: b.high.toString(),
      committed: had?.toString() ?? null,
      frontier: frontier.toString(),
      start: from.toString(),
      until: until.toString(),
      span: (replay ? frontier - from : 0n).toString(),
      replay,
    });
  }
  return {
    mode: req.mode,
    id: req.id,
    topic: req.topic,
    groupId: target,
    liveGroupId: req.groupId,
    keys: req.keys ?? null,
    effects,
    group,
    partitions,
    records: records.toString(),
    offsets,
  };
}

/**
 * The replay of a service's other topics that goes with `plan` (see `ReplayPlan.also`): each from its beginning to its
 * frontier, every key, with the replay's id, through `<group>.<name>` (the shadow's group for a shadow). What those
 * topics feed is a join (status-tracker's sends), so reading all of it again is always right, and enough. Topics
 * that do not exist are left out, as the service leaves them out.
 */
export async function planAlsoReads(
  kafka: Kafka,
  plan: ReplayPlan,
  alsoReads: readonly { name: string; topic: string; groupId: string }[],
): Promise<ReplayPlan> {
  if (alsoReads.length === 0) return plan;
  const admin = await connectAdmin(kafka);
  const existing = await admin.listTopics().finally(() => admin.disconnect());
  const also: ReplayPlan[] = [];
  for (const a of alsoReads) {
    if (!existing.includes(a.topic)) continue;
    also.push(
      await planReplay(kafka, {
        mode: plan.mode,
        topic: a.topic,
        groupId: a.groupId,
        ...(plan.mode === 'shadow' ? { shadowGroupId: `${plan.groupId}.${a.name}` } : {}),
        from: { kind: 'beginning' },
        to: { kind: 'frontier' },
        effects: false,
        id: plan.id,
      }),
    );
  }
  return { ...plan, also };
}

/** Waits until the group has no members (its services were stopped), polling; WABUS_OPS_GROUP_LIVE after `timeoutMs`. */
export async function waitForEmptyGroup(kafka: Kafka, groupId: string, timeoutMs: number, onWait: (g: GroupState) => void = () => {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const g = await describeGroup(kafka, groupId);
    if (g.members.length === 0) return;
    if (Date.now() >= deadline) throw liveGroup(groupId, g);
    onWait(g);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

const liveGroup = (groupId: string, g: GroupState) =>
  new OpsError('WABUS_OPS_GROUP_LIVE', {
    message: `group ${groupId} has ${g.members.length} live member(s) (${g.members.map((m) => `${m.clientId}@${m.clientHost}`).join(', ')}): stop the service first, or pass --wait <duration> to wait for it to leave`,
    details: { members: g.members },
  });

/** Commits the plan's offsets (with the replay marks); refuses while the group has members. */
export async function executeReplayPlan(kafka: Kafka, plan: ReplayPlan): Promise<void> {
  for (const p of [plan, ...(plan.also ?? [])]) {
    if (p.offsets.length === 0) continue;
    try {
      await setGroupOffsets(kafka, p.groupId, p.topic, p.offsets);
    } catch (err) {
      if (KafkaError.is(err, 'WABUS_KAFKA_GROUP_LIVE')) throw liveGroup(p.groupId, await describeGroup(kafka, p.groupId));
      throw err;
    }
  }
}

export interface ReplayProgress {
  /** Offsets gone through, of `total`. */
  done: bigint;
  total: bigint;
  finished: boolean;
}

/** How far the group has come through the plan, from its committed offsets. */
export async function replayProgress(kafka: Kafka, plan: ReplayPlan): Promise<ReplayProgress> {
  let { done, total, finished } = await progressOf(kafka, plan);
  for (const also of plan.also ?? []) {
    const p = await progressOf(kafka, also);
    done += p.done;
    total += p.total;
    finished &&= p.finished;
  }
  return { done, total, finished };
}

async function progressOf(kafka: Kafka, plan: ReplayPlan): Promise<ReplayProgress> {
  const now = new Map((await fetchGroupOffsets(kafka, plan.groupId, plan.topic)).map((o) => [o.partition, BigInt(o.offset)]));
  let done = 0n;
  let total = 0n;
  let finished = true;
  for (const p of plan.partitions) {
    if (!p.replay) continue;
    const start = BigInt(p.start);
    const frontier = BigInt(p.frontier);
    const at = now.get(p.partition) ?? -1n;
    total += frontier - start;
    done += min(max(at, start), frontier) - start;
    if (at < frontier) finished = false;
  }
  return { done, total, finished };
}
