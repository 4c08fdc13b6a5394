import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { MongoClient, type Db } from 'mongodb';
import { createTopicsAndWait, type KafkaClient } from '@wabus/kafka';
import { serviceFacts } from '@wabus/service/registry';
import type { BenchInfra } from '../section.ts';
import { spawnNodeChild, waitForHttp200, type NodeChild } from './node-child.ts';
import { freePort } from './proc-stats.ts';

/** What a phase's body gets: its ids, the service's database and process. */
export interface ConsumerPhase {
  runId: string;
  topic: string;
  db: Db;
  child: NodeChild;
}

/**
 * One benchmark phase of a consumer service: a fresh events topic (3 partitions) and DLQ, a fresh database, the
 * service's production entry point on a free port with `env(runId)` over the shared variables, ready before `body`
 * runs; then the process stopped, the topics deleted and the database dropped, whatever happened.
 */
export async function consumerPhase<T>(
  o: { root: string; infra: BenchInfra; kafka: KafkaClient; dir: string; service: string; env: (runId: string) => Promise<Record<string, string>> },
  body: (p: ConsumerPhase) => Promise<T>,
): Promise<T> {
  const runId = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const topic = `bench.${runId}.${o.service}.events`;
  const database = `bench_${o.service.replaceAll('-', '_')}_${runId.replaceAll('-', '_')}`;
  const facts = serviceFacts(o.service);
  const admin = o.kafka.admin();
  await admin.connect();
  const mongo = new MongoClient(o.infra.mongoUri);
  await mongo.connect();
  try {
    await createTopicsAndWait(admin, {
      topics: [
        { topic, numPartitions: 3 },
        { topic: `${topic}.dlq`, numPartitions: 1 },
      ],
    });
    const port = await freePort();
    const env = {
      ...process.env,
      HOST: '127.0.0.1',
      [facts.portEnv]: String(port),
      KAFKA_BROKERS: o.infra.kafkaBrokers.join(','),
      MONGODB_URI: o.infra.mongoUri,
      WABUS_EVENTS_TOPIC: topic,
      WABUS_DLQ_TOPIC: `${topic}.dlq`,
      WABUS_REDRIVE_TOPIC: '-',
      WABUS_GROUP_ID: `bench.${o.service}.${runId}`,
      WABUS_DATABASE: database,
      LOG_LEVEL: 'warn',
      ...(await o.env(runId)),
    };
    const child = spawnNodeChild({ script: join(o.root, 'services', o.service, 'src', 'main.ts'), cwd: o.root, env, logFile: join(o.dir, `${runId}.log`) });
    try {
      await waitForHttp200(`http://127.0.0.1:${port}/readyz`, child, 60_000);
      return await body({ runId, topic, db: mongo.db(database), child });
    } finally {
      await child.stop();
    }
  } finally {
    await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined);
    await admin.disconnect();
    await mongo
      .db(database)
      .dropDatabase()
      .catch(() => undefined);
    await mongo.close();
  }
}
