import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InfraError } from './errors.ts';
import type { KafkaVoter } from './profile-layout.ts';

/**
 * What every node of a multi-node KRaft cluster is formatted with (KIP-853): one cluster id, and one directory id
 * per controller, so that `--initial-controllers` is the same string on every node.
 */
export interface KafkaQuorum {
  clusterId: string;
  /** By node id (JSON keys are strings). */
  directoryIds: Record<string, string>;
}

/** Same shape as org.apache.kafka.common.Uuid.randomUuid(): 16 random bytes, base64url, never starting with '-'. */
export function randomKafkaUuid(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** `StorageTool format --initial-controllers`: `id@host:port:directoryId`, comma-separated, in node order. */
export function initialControllers(voters: readonly KafkaVoter[], quorum: KafkaQuorum): string {
  return voters
    .map((v) => {
      const dir = quorum.directoryIds[String(v.nodeId)];
      if (dir === undefined) {
        throw new InfraError('INFRA_CONFIG_MISMATCH', `the quorum file has no directory id for node ${v.nodeId}`, { nodeId: v.nodeId });
      }
      return `${v.nodeId}@${v.host}:${v.controllerPort}:${dir}`;
    })
    .join(',');
}

export function readKafkaQuorum(file: string): KafkaQuorum | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as KafkaQuorum;
}

/**
 * The quorum of a cluster about to be formatted: new ids when `fresh` (no node runs, every data directory is about
 * to be wiped) or none were made yet, else the recorded ones (a node restarted on its data).
 */
export async function ensureKafkaQuorum(file: string, voters: readonly KafkaVoter[], opts: { fresh: boolean }): Promise<KafkaQuorum> {
  const recorded = opts.fresh ? undefined : readKafkaQuorum(file);
  if (recorded !== undefined) return recorded;
  const quorum: KafkaQuorum = {
    clusterId: randomKafkaUuid(),
    directoryIds: Object.fromEntries(voters.map((v) => [String(v.nodeId), randomKafkaUuid()])),
  };
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(quorum, null, 2)}\n`);
  return quorum;
}
