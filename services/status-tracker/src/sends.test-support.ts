import type { TestContext } from 'node:test';
import type { SendEvent } from '@wabus/events';
import type { KafkaClient as Kafka } from '@wabus/kafka';
import { createEventTopics, type RecordToProduce } from '@wabus/testing';

/** A sends topic for one test (one partition, as the sender's is keyed by business number), deleted after it. */
export const createSendsTopic = async (t: TestContext, kafka: Kafka): Promise<string> =>
  (await createEventTopics(t, kafka, { prefix: 'st.sends', partitions: 1 })).topic;

/** A sent send of `wamid`, as services/sender appends it. */
export const sentEvent = (wamid: string, sendId: string, over: Partial<SendEvent> = {}): SendEvent => ({
  sendId,
  state: 'sent',
  tenantId: 'acme',
  phoneNumberId: '106540352242922',
  customer: '5511999990001',
  type: 'text',
  wamid,
  error: null,
  at: '2026-01-02T03:04:05.000Z',
  ...over,
});

/** The record of a send event on the sends topic, with the send span's traceparent when given. */
export const sendRecord = (e: SendEvent, traceparent?: string): RecordToProduce => ({
  key: e.phoneNumberId,
  value: Buffer.from(JSON.stringify(e)),
  ...(traceparent === undefined ? {} : { headers: { traceparent } }),
});
