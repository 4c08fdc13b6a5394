export { testEnv, uniqueName } from './test-env.ts';
export { readTopic, highWatermarks } from './read-topic.ts';
export type { ReadRecord } from './read-topic.ts';
export { createTestTopics } from './test-topics.ts';
export { createEventTopics, produceRecords, testDatabase } from './consumer-fixtures.ts';
export type { RecordToProduce } from './consumer-fixtures.ts';
export { parsePrometheusText, readScrape, scrapeMetrics } from './prometheus.ts';
export type { ListeningApp, Sample, Scrape } from './prometheus.ts';
