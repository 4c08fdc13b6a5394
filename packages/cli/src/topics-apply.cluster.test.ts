import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createKafka } from '@wabus/kafka';
import { testEnv } from '@wabus/testing';
import { clusterTopicsFile, loadWabusTopics, repoRoot } from './repo-paths.ts';

const profile = process.env['WABUS_INFRA_PROFILE'];
// It creates (and afterwards deletes) wabus' real topics: only on the cluster `pnpm test:cluster` starts.
const skip =
  profile === 'cluster' ? false : 'needs the 3-node cluster `pnpm test:cluster` starts (KAFKA_BROKERS points at a cluster whose topics are not ours to delete)';

/** `pnpm wabus <args>` as a user runs it, against the test cluster. */
function wabus(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['packages/cli/src/main.ts', ...args],
      { cwd: repoRoot, env: { ...process.env, KAFKA_BROKERS: testEnv().kafkaBrokers.join(',') } },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test(
  'topics apply --file infra/topics.cluster.json on three brokers: every topic created with 3 replicas, all in sync, min.insync.replicas 2; a second apply changes nothing',
  { skip, timeout: 120_000 },
  async (t) => {
    const defs = await loadWabusTopics(clusterTopicsFile);
    const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'cluster-topics-test' });
    const admin = kafka.admin();
    await admin.connect();
    t.after(async () => {
      await admin.deleteTopics({ topics: defs.map((d) => d.name) }).catch(() => undefined);
      await admin.disconnect();
    });

    const first = await wabus(['topics', 'apply', '--file', clusterTopicsFile]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`: ${defs.length} created, 0 unchanged, 0 drifted setting\\(s\\)`));
    const { topics } = await admin.fetchTopicMetadata({ topics: defs.map((d) => d.name) });
    for (const topic of topics) {
      assert.equal(topic.partitions.length, defs.find((d) => d.name === topic.name)!.partitions, `${topic.name}: partitions`);
      for (const p of topic.partitions) {
        assert.deepEqual([p.replicas.length, p.isr.length], [3, 3], `${topic.name}/${p.partitionId}: replicas and in-sync replicas`);
      }
    }
    const described = await wabus(['topics', 'describe', '--file', clusterTopicsFile]);
    const states = described.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string; replicationFactor: number; config: Record<string, string> });
    assert.deepEqual(
      states.map((s) => [s.name, s.replicationFactor, s.config['min.insync.replicas']]),
      defs.map((d) => [d.name, 3, '2']),
    );

    const again = await wabus(['topics', 'apply', '--file', clusterTopicsFile]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`: 0 created, ${defs.length} unchanged, 0 drifted setting\\(s\\)`));
  },
);
