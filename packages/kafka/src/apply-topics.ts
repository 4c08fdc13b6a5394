import kafkajs, { type Admin } from 'kafkajs';
import type { TopicDefinition } from './topic-definitions.ts';
import { createTopicsAndWait } from './create-topics.ts';

// kafkajs is CommonJS; not every export is visible to ESM named imports.
const { ConfigResourceTypes } = kafkajs;

export interface TopicDrift {
  topic: string;
  setting: string;
  expected: string;
  actual: string;
}

export interface TopicState {
  name: string;
  exists: boolean;
  partitions?: number;
  replicationFactor?: number;
  config?: Record<string, string>;
}

export interface ApplyTopicsReport {
  created: string[];
  /** Would be created (dry run). */
  missing: string[];
  unchanged: string[];
  drift: TopicDrift[];
}

/** Reads the live state of the named topics: partition count, replication factor and the given config keys. */
export async function describeTopics(admin: Admin, names: string[], configNames?: string[]): Promise<TopicState[]> {
  const existing = new Set(await admin.listTopics());
  const present = names.filter((n) => existing.has(n));
  const states = new Map<string, TopicState>(names.map((n) => [n, { name: n, exists: false }]));
  if (present.length === 0) return [...states.values()];
  const { topics } = await admin.fetchTopicMetadata({ topics: present });
  const configs = await admin.describeConfigs({
    includeSynonyms: false,
    resources: present.map((name) => ({
      type: ConfigResourceTypes.TOPIC,
      name,
      ...(configNames ? { configNames } : {}),
    })),
  });
  for (const t of topics) {
    states.set(t.name, {
      name: t.name,
      exists: true,
      partitions: t.partitions.length,
      replicationFactor: Math.min(...t.partitions.map((p) => p.replicas.length)),
      config: {},
    });
  }
  for (const r of configs.resources) {
    const s = states.get(r.resourceName);
    if (!s?.config) continue;
    for (const e of r.configEntries) s.config[e.configName] = e.configValue;
  }
  return [...states.values()];
}

/**
 * Topics as code: creates what is missing, reports every difference between the definitions and the cluster,
 * and never deletes or silently alters anything. Partition counts and configs that drift are for a human to
 * decide on (raising partitions remaps keys and breaks per-conversation ordering).
 */
export async function applyTopics(admin: Admin, defs: TopicDefinition[], opts: { dryRun?: boolean } = {}): Promise<ApplyTopicsReport> {
  const configNames = [...new Set(defs.flatMap((d) => Object.keys(d.config)))];
  const live = await describeTopics(
    admin,
    defs.map((d) => d.name),
    configNames,
  );
  const report: ApplyTopicsReport = { created: [], missing: [], unchanged: [], drift: [] };
  const toCreate: TopicDefinition[] = [];
  for (const def of defs) {
    const state = live.find((s) => s.name === def.name);
    if (!state?.exists) {
      toCreate.push(def);
      continue;
    }
    const drift: TopicDrift[] = [];
    if (state.partitions !== def.partitions) {
      drift.push({ topic: def.name, setting: 'partitions', expected: String(def.partitions), actual: String(state.partitions) });
    }
    if (state.replicationFactor !== def.replicationFactor) {
      drift.push({ topic: def.name, setting: 'replicationFactor', expected: String(def.replicationFactor), actual: String(state.replicationFactor) });
    }
    for (const [k, v] of Object.entries(def.config)) {
      const actual = state.config?.[k];
      if (actual !== v) drift.push({ topic: def.name, setting: k, expected: v, actual: actual ?? '(unset)' });
    }
    if (drift.length === 0) report.unchanged.push(def.name);
    report.drift.push(...drift);
  }
  if (opts.dryRun) {
    report.missing = toCreate.map((d) => d.name);
    return report;
  }
  if (toCreate.length > 0) {
    await createTopicsAndWait(admin, {
      topics: toCreate.map((d) => ({
        topic: d.name,
        numPartitions: d.partitions,
        replicationFactor: d.replicationFactor,
        configEntries: Object.entries(d.config).map(([name, value]) => ({ name, value })),
      })),
    });
    report.created = toCreate.map((d) => d.name);
  }
  return report;
}
