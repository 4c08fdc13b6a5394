import { randomUUID } from 'node:crypto';
import { CONSUMER_SERVICES, consumerTopics, planAlsoReads, planReplay, type ConsumerTopics, type ReplayPlan } from '@wabus/ops';
import type { KafkaClient } from '@wabus/kafka';
import { cliKafka } from '../../kafka-target.ts';
import type { CommandValues } from '../../parse-command-args.ts';
import { UsageError } from '../../usage-error.ts';
import { endAt, spread, startAt } from './positions.ts';

/** What `replay reset` and `replay shadow` share on the command line: which service, which records, which ids. */
export const SERVICE_REPLAY_OPTIONS = {
  service: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  key: { type: 'string', multiple: true },
  id: { type: 'string' },
  topic: { type: 'string' },
  group: { type: 'string' },
} as const;

export function requireService(service: string | undefined): string {
  if (service === undefined) throw new UsageError(`needs --service (${Object.keys(CONSUMER_SERVICES).join(', ')})`);
  return service;
}

export interface ServiceReplay {
  kafka: KafkaClient;
  topics: ConsumerTopics;
  plan: ReplayPlan;
}

/** The service's topics and the replay plan per partition (read from the cluster; nothing is changed). */
export async function planServiceReplay(
  mode: 'reset' | 'shadow',
  values: CommandValues<typeof SERVICE_REPLAY_OPTIONS>,
  o: { effects: boolean; shadowGroupId?: (groupId: string) => string },
): Promise<ServiceReplay> {
  const name = requireService(values.service);
  const topics = consumerTopics(name, { eventsTopic: values.topic, groupId: values.group });
  const id = values.id ?? `${mode}-${randomUUID().slice(0, 8)}`;
  const { kafka } = cliKafka('wabus-cli-replay');
  const partitions = async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicOffsets(topics.eventsTopic)).map((o) => o.partition);
    } finally {
      await admin.disconnect();
    }
  };
  const events = await planReplay(kafka, {
    mode,
    topic: topics.eventsTopic,
    groupId: topics.groupId,
    ...(o.shadowGroupId ? { shadowGroupId: o.shadowGroupId(topics.groupId) } : {}),
    from: await spread(startAt(values.from), partitions),
    to: await spread(endAt(values.to), partitions),
    ...(values.key ? { keys: values.key } : {}),
    effects: o.effects,
    id,
  });
  // The other topics the service reads (status-tracker's sends) are read again whole with it.
  const plan = await planAlsoReads(kafka, events, topics.alsoReads);
  return { kafka, topics, plan };
}
