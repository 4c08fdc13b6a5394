import type { TestContext } from 'node:test';
import type { Db } from 'mongodb';
import { pino } from 'pino';
import type { KafkaClient as Kafka } from '@wabus/kafka';
import { serviceFacts } from '@wabus/service/registry';
import { loadConsumerConfig } from '@wabus/consumer-service';
import { contentHash } from '@wabus/projection';
import { decodeEvent } from '@wabus/events';
import { createKafka } from '@wabus/kafka';
import { createEventTopics, produceRecords, stopAfterTest, testDatabase as testDatabaseFor, testEnv, uniqueName, type RecordToProduce } from '@wabus/testing';
import { evolveStatus } from './evolve-status.ts';
import { readStatusFact } from './status-fact.ts';
import type { StatusDocument } from './status-document.ts';
import { STATUSES_COLLECTION } from './status-indexes.ts';
import { SERVICE_NAME, startStatusTracker, type StatusTrackerService } from './start-status-tracker.ts';
import type { EventRecord } from './status-workload.test-support.ts';

export const testKafka = (): Kafka => createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'status-tracker-test' });

/** An events topic and its DLQ for one test, deleted after it. */
export const createTopics = (t: TestContext, kafka: Kafka, partitions = 3) => createEventTopics(t, kafka, { prefix: 'st.events', partitions });

export const produce = (kafka: Kafka, topic: string, records: readonly RecordToProduce[]): Promise<void> => produceRecords(kafka, topic, records);

/** A database name for this test, dropped after it. */
export const testDatabase = (t: TestContext, uri = testEnv().mongoUri): string => testDatabaseFor(t, { prefix: 'st', uri });

export type TrackerUnderTest = StatusTrackerService;

/** The status-tracker in process, started as main.ts starts it, on the test's own topic, group and database. */
export async function startTracker(
  t: TestContext,
  o: { topic: string; dlqTopic: string; database: string; groupId?: string; mongoUri?: string; maxBatch?: number; sendsTopic?: string },
): Promise<TrackerUnderTest> {
  const config = loadConsumerConfig(serviceFacts(SERVICE_NAME), trackerEnv(o));
  return stopAfterTest(t, await startStatusTracker({ config, sendsTopic: o.sendsTopic ?? '', logger: pino({ level: 'silent' }) }));
}

/** The environment main.ts reads, for the test's own topic, group and database. */
export function trackerEnv(o: {
  topic: string;
  dlqTopic: string;
  database: string;
  groupId?: string;
  mongoUri?: string;
  maxBatch?: number;
  logLevel?: string;
  /** Default '': the tests that make no sends topic consume none. */
  sendsTopic?: string;
}): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    STATUS_TRACKER_PORT: '0',
    KAFKA_BROKERS: testEnv().kafkaBrokers.join(','),
    MONGODB_URI: o.mongoUri ?? testEnv().mongoUri,
    WABUS_EVENTS_TOPIC: o.topic,
    WABUS_DLQ_TOPIC: o.dlqTopic,
    WABUS_GROUP_ID: o.groupId ?? uniqueName('st.group'),
    WABUS_DATABASE: o.database,
    WABUS_MAX_BATCH: String(o.maxBatch ?? 500),
    LOG_LEVEL: o.logLevel ?? 'silent',
    STATUS_TRACKER_SENDS_TOPIC: o.sendsTopic ?? '',
  };
}

export const readDocs = (db: Db): Promise<StatusDocument[]> => db.collection<StatusDocument>(STATUSES_COLLECTION).find().sort({ _id: 1 }).toArray();

/** The oracle: the documents as the pure fold computes them from the records, with the `_h` the store must hold. */
export function expectedDocs(records: readonly EventRecord[]): StatusDocument[] {
  const docs = new Map<string, StatusDocument>();
  for (const r of records) {
    const read = readStatusFact(decodeEvent(r.value));
    if (read.kind === 'fact') docs.set(read.fact.id, evolveStatus(docs.get(read.fact.id) ?? null, read.fact));
  }
  return [...docs.values()].map((d) => ({ ...d, _h: contentHash(d) })).sort((a, b) => (a._id < b._id ? -1 : 1));
}

export async function counter(tracker: TrackerUnderTest, name: string): Promise<number> {
  const metric = await tracker.metrics.registry.getSingleMetric(name)?.get();
  return metric?.values.reduce((sum, v) => sum + v.value, 0) ?? 0;
}
