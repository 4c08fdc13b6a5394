import { decodeMemberAssignment, type KafkaAdmin as Admin } from '@wabus/kafka';
import { parseReplayMark, type ReplayMark } from '@wabus/kafka';
import { OpsError } from './errors.ts';
import { requireTopics } from './kafka-admin.ts';
import { probeLag, type FetchLike, type ProbeResult } from './lag-probe.ts';

export interface PartitionLag {
  partition: number;
  /** Next offset the group will apply; null when it has committed nothing on this partition. */
  committed: string | null;
  low: string;
  high: string;
  /** Records not yet applied: high − committed (high − low with no commit). */
  lag: number;
  /** From the service's own `/v1/lag`; `unknown` when no probed instance owns this partition or none answered. */
  paused: boolean | 'unknown';
  lastError?: string;
  /** A replay in progress (`wabus replay reset|shadow`), from the replay mark in the group's commit metadata. */
  replay?: { id: string; frontier: string; until?: string; keys?: number };
}

export interface GroupTopicLag {
  topic: string;
  partitions: PartitionLag[];
  totalLag: number;
}

export interface GroupMember {
  memberId: string;
  clientId: string;
  host: string;
  /** Partitions assigned to this member, per topic. */
  assignment: Record<string, number[]>;
}

export interface GroupReport {
  groupId: string;
  state: string;
  members: GroupMember[];
  /** The topics (events topic, redrive topics) on which the group has committed offsets. */
  topics: GroupTopicLag[];
}

export interface GroupsReport {
  topic: string;
  groups: GroupReport[];
  probes: ProbeResult[];
}

export interface DescribeGroupsOptions {
  /** The events topic (default whatsapp.events.v1); its `<topic>.redrive.*` topics are reported too. */
  topic: string;
  /** Only these groups (default: every group with committed offsets on the topic or its redrive topics). */
  groupIds?: readonly string[];
  lagProbes: readonly string[];
  probeTimeoutMs?: number;
  fetch?: FetchLike;
}

type Committed = Map<string, Map<number, bigint>>;

/** Committed offsets (≥ 0) per topic and partition of a group, for the given topics; topics without any are left out. */
export async function committedOffsets(admin: Admin, groupId: string, topics: readonly string[]): Promise<Committed> {
  const out: Committed = new Map();
  for (const entry of await admin.fetchOffsets({ groupId, topics: [...topics] })) {
    const m = new Map<number, bigint>();
    for (const p of entry.partitions) if (Number(p.offset) >= 0) m.set(p.partition, BigInt(p.offset));
    if (m.size > 0) out.set(entry.topic, m);
  }
  return out;
}

/** Every consumer group with committed offsets on any of `topics`, with those offsets. */
export async function groupsOnTopics(admin: Admin, topics: readonly string[]): Promise<Map<string, Committed>> {
  const { groups } = await admin.listGroups();
  const ids = groups.filter((g) => g.protocolType === 'consumer' || g.protocolType === '').map((g) => g.groupId);
  const out = new Map<string, Committed>();
  // A shared cluster can have hundreds of groups: a few offset fetches at a time.
  for (let i = 0; i < ids.length; i += 16) {
    const slice = ids.slice(i, i + 16);
    const found = await Promise.all(slice.map((id) => committedOffsets(admin, id, topics)));
    found.forEach((c, j) => c.size > 0 && out.set(slice[j]!, c));
  }
  return out;
}

/** Every consumer group with committed offsets on `topic`, with its committed offsets there. */
export async function groupsOnTopic(admin: Admin, topic: string): Promise<Map<string, Map<number, bigint>>> {
  return new Map([...(await groupsOnTopics(admin, [topic]))].map(([id, c]) => [id, c.get(topic)!]));
}

function decodeAssignment(buf: Buffer): Record<string, number[]> {
  if (buf.length === 0) return {};
  try {
    return decodeMemberAssignment(buf);
  } catch {
    return {};
  }
}

/**
 * Each consumer group of the events topic and of its redrive topics (services consume those with a group of their
 * own, `<group>.redrive`): state, members, and per partition the committed offset, the high watermark and the lag;
 * whether a partition is paused comes from the services' `/v1/lag`.
 */
export async function describeConsumerGroups(admin: Admin, o: DescribeGroupsOptions): Promise<GroupsReport> {
  await requireTopics(admin, [o.topic]);
  const redriveTopics = (await admin.listTopics()).filter((t) => t.startsWith(`${o.topic}.redrive.`)).sort();
  const topics = [o.topic, ...redriveTopics];
  const [probes, committedByGroup] = await Promise.all([
    probeLag(o.lagProbes, { ...(o.probeTimeoutMs !== undefined ? { timeoutMs: o.probeTimeoutMs } : {}), ...(o.fetch ? { fetch: o.fetch } : {}) }),
    o.groupIds
      ? Promise.all(o.groupIds.map(async (id) => [id, await committedOffsets(admin, id, topics)] as const)).then((e) => new Map(e))
      : groupsOnTopics(admin, topics),
  ]);
  const ids = [...committedByGroup.keys()].sort();
  const described = ids.length > 0 ? await admin.describeGroups(ids) : { groups: [] };
  const ends = new Map<string, Map<number, { low: bigint; high: bigint }>>();
  for (const t of topics) ends.set(t, new Map((await admin.fetchTopicOffsets(t)).map((x) => [x.partition, { low: BigInt(x.low), high: BigInt(x.high) }])));

  const groups: GroupReport[] = [];
  for (const groupId of ids) {
    const d = described.groups.find((g) => g.groupId === groupId);
    const committed = committedByGroup.get(groupId)!;
    if (committed.size === 0 && (d === undefined || d.state === 'Dead')) {
      throw new OpsError('WABUS_OPS_NO_MATCH', {
        message: `consumer group ${groupId} does not exist (no members, no committed offsets on ${topics.join(', ')})`,
      });
    }
    const paused = new Map<string, Map<number, { paused: boolean; lastError?: string }>>();
    for (const s of probes.flatMap((p) => p.statuses ?? [])) {
      if (s.groupId !== groupId) continue;
      const t = s.topic ?? o.topic;
      let m = paused.get(t);
      if (!m) paused.set(t, (m = new Map()));
      for (const q of s.partitions) m.set(q.partition, { paused: q.paused, ...(q.lastError !== undefined ? { lastError: q.lastError } : {}) });
    }
    const assignment = new Set((d?.members ?? []).flatMap((m) => Object.keys(decodeAssignment(m.memberAssignment))));
    const marks = new Map<number, ReplayMark>();
    for (const entry of await admin.fetchOffsets({ groupId, topics: [o.topic] })) {
      for (const p of entry.partitions) {
        const mark = parseReplayMark(p.metadata);
        if (mark !== null && BigInt(p.offset) < mark.frontier) marks.set(p.partition, mark);
      }
    }
    const topicLags: GroupTopicLag[] = [];
    for (const t of topics) {
      const c = committed.get(t);
      // A group named with --group that has no commits yet is still shown on the topics it is assigned.
      if (!c && !assignment.has(t) && !(t === o.topic && committed.size === 0)) continue;
      const partitions: PartitionLag[] = [...ends.get(t)!]
        .sort(([a], [b]) => a - b)
        .map(([partition, { low, high }]) => {
          const at = c?.get(partition);
          const lag = high - (at ?? low);
          const probe = paused.get(t)?.get(partition);
          return {
            partition,
            committed: at === undefined ? null : at.toString(),
            low: low.toString(),
            high: high.toString(),
            lag: lag > 0n ? Number(lag) : 0,
            paused: probe ? probe.paused : 'unknown',
            ...(probe?.lastError !== undefined ? { lastError: probe.lastError } : {}),
            ...(t === o.topic && marks.has(partition) ? { replay: replayOf(marks.get(partition)!) } : {}),
          };
        });
      topicLags.push({ topic: t, partitions, totalLag: partitions.reduce((s, p) => s + p.lag, 0) });
    }
    groups.push({
      groupId,
      state: d?.state ?? 'Unknown',
      members: (d?.members ?? []).map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        host: m.clientHost,
        assignment: decodeAssignment(m.memberAssignment),
      })),
      topics: topicLags,
    });
  }
  return { topic: o.topic, groups, probes };
}

const replayOf = (m: ReplayMark): NonNullable<PartitionLag['replay']> => ({
  id: m.id,
  frontier: m.frontier.toString(),
  ...(m.until !== undefined ? { until: m.until.toString() } : {}),
  ...(m.keys !== undefined ? { keys: m.keys.length } : {}),
});
