import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

/** The repository root, found from this file's location (packages/cli/src). */
export const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const defaultTopicsFile = resolve(repoRoot, 'infra/topics.json');
