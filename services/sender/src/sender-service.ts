import type { ServiceDefinition } from '@wabus/service/main';
import { loadSenderConfig, type SenderConfig } from './sender-config.ts';
import { startSender } from './start-sender.ts';

/** The sender for the chassis: its configuration (the Graph token never logged), its start, its stop. */
export const senderService: ServiceDefinition<SenderConfig> = {
  config: (facts, env) => loadSenderConfig(facts, env),
  logLevel: (c) => c.logLevel,
  stopping: 'answering the requests in flight (each records its outcome), closing the store',
  start: ({ config, logger }) => startSender({ config, logger, defaultMetrics: true }),
};
