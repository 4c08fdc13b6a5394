import { loadConsumerConfig, type ConsumerConfig } from '@wabus/consumer-service';
import type { ServiceDefinition } from '@wabus/service/main';
import { loadAutoReplyConfig, type AutoReplyConfig } from './auto-reply-config.ts';
import { startAutoReply } from './start-auto-reply.ts';

/**
 * auto-reply for the chassis: the shared consumer configuration and its own (rules, Graph API, tenants). Rules and
 * tenants errors list every problem in the message; nothing of it carries the token.
 */
export const autoReplyService: ServiceDefinition<{ consumer: ConsumerConfig; config: AutoReplyConfig }> = {
  config: (facts, env) => ({ consumer: loadConsumerConfig(facts, env), config: loadAutoReplyConfig(env) }),
  logLevel: (c) => c.consumer.logLevel,
  stopping: 'finishing the batch in hand and the replies in flight, committing, leaving the group',
  start: ({ config, logger }) => startAutoReply({ ...config, logger, defaultMetrics: true }),
};
