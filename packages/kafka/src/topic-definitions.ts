import { readFile } from 'node:fs/promises';
import { KafkaError } from './errors.ts';

/** One topic as code: everything about it that wabus manages. */
export interface TopicDefinition {
  name: string;
  partitions: number;
  replicationFactor: number;
  /** Topic-level configs, as Kafka spells them (retention.ms, cleanup.policy, min.insync.replicas, ...). */
  config: Record<string, string>;
  description?: string;
}

const NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/** In a topic's name and description, the consumer service it is made for: one topic per consumer. */
const CONSUMER = '{consumer}';

export interface TopicDefinitionOptions {
  /** The consumer services (the registry's): each topic whose name holds `{consumer}` is made once for each. */
  consumers?: readonly string[];
}

/**
 * Validates a parsed definition file; errors name the topic and the setting. A topic named with `{consumer}` (a
 * consumer's dead-letter or redrive topic) stands for one topic per consumer service, in the order given.
 */
export function validateTopicDefinitions(doc: unknown, source = 'topics file', opts: TopicDefinitionOptions = {}): TopicDefinition[] {
  const fail = (msg: string): never => {
    throw new KafkaError('WABUS_KAFKA_TOPICS_INVALID', { message: `${source}: ${msg}` });
  };
  if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as { topics?: unknown }).topics)) {
    return fail('expected an object with a "topics" array');
  }
  const topics = (doc as { topics: unknown[] }).topics.flatMap((t, i): unknown[] => {
    const name = (t as { name?: unknown } | null)?.name;
    if (typeof name !== 'string' || !name.includes(CONSUMER)) return [t];
    if (opts.consumers === undefined) return fail(`topics[${i}] (${name}) is made per consumer service: the consumer services are needed`);
    const description = (t as { description?: unknown }).description;
    return opts.consumers.map((c) => ({
      ...(t as object),
      name: name.replaceAll(CONSUMER, c),
      ...(typeof description === 'string' ? { description: description.replaceAll(CONSUMER, c) } : {}),
    }));
  });
  const seen = new Set<string>();
  return topics.map((t, i) => {
    if (typeof t !== 'object' || t === null) return fail(`topics[${i}] is not an object`);
    const { name, partitions, replicationFactor, config = {}, description } = t as Record<string, unknown>;
    if (typeof name !== 'string' || !NAME.test(name)) return fail(`topics[${i}].name must be a valid Kafka topic name`);
    if (seen.has(name)) return fail(`topic ${name} is defined twice`);
    seen.add(name);
    if (!Number.isInteger(partitions) || (partitions as number) < 1) return fail(`${name}: partitions must be a positive integer`);
    if (!Number.isInteger(replicationFactor) || (replicationFactor as number) < 1) {
      return fail(`${name}: replicationFactor must be a positive integer`);
    }
    if (typeof config !== 'object' || config === null || Array.isArray(config)) return fail(`${name}: config must be an object`);
    const cfg: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return fail(`${name}: config ${k} must be a scalar`);
      cfg[k] = String(v);
    }
    const minIsr = cfg['min.insync.replicas'];
    if (minIsr !== undefined && Number(minIsr) > (replicationFactor as number)) {
      return fail(`${name}: min.insync.replicas (${minIsr}) exceeds replicationFactor (${String(replicationFactor)}); every acks=all write would fail`);
    }
    return {
      name,
      partitions: partitions as number,
      replicationFactor: replicationFactor as number,
      config: cfg,
      ...(typeof description === 'string' ? { description } : {}),
    };
  });
}

export async function loadTopicDefinitions(file: string, opts: TopicDefinitionOptions = {}): Promise<TopicDefinition[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new KafkaError('WABUS_KAFKA_TOPICS_INVALID', { message: `cannot read ${file}: ${(cause as Error).message}`, cause });
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (cause) {
    throw new KafkaError('WABUS_KAFKA_TOPICS_INVALID', { message: `${file} is not valid JSON: ${(cause as Error).message}`, cause });
  }
  return validateTopicDefinitions(doc, file, opts);
}
