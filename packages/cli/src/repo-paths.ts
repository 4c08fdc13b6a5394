import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** The repository root, found from this file's location (packages/cli/src). */
export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const defaultTopicsFile = resolve(repoRoot, 'infra/topics.json');
/** The same topics replicated: replication factor 3, min.insync.replicas 2 (the cluster profile, real clusters). */
export const clusterTopicsFile = resolve(repoRoot, 'infra/topics.cluster.json');
