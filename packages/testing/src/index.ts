export { testEnv, uniqueName } from './test-env.ts';
export { readTopic, highWatermarks } from './read-topic.ts';
export type { ReadRecord } from './read-topic.ts';
export { createTestTopics } from './test-topics.ts';
