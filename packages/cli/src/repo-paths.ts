import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import { loadTopicDefinitions, type TopicDefinition } from '@wabus/kafka';
import { consumerServices } from '@wabus/service/registry';

/** The repository root, found from this file's location (packages/cli/src). */
export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const defaultTopicsFile = resolve(repoRoot, 'infra/topics.json');
/** The same topics replicated: replication factor 3, min.insync.replicas 2 (the cluster profile, real clusters). */
export const clusterTopicsFile = resolve(repoRoot, 'infra/topics.cluster.json');

/** The topics of a definition file, the per-consumer ones made for every consumer service of the registry. */
export const loadWabusTopics = (file: string): Promise<TopicDefinition[]> => loadTopicDefinitions(file, { consumers: consumerServices().map((s) => s.name) });
