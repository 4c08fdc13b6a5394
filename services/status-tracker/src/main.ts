import { pino } from 'pino';
import { createConsumerMetrics, loadConsumerConfig, startConsumerService, stopOnSignals } from '@wabus/consumer-service';
import type { WhatsAppEvent } from '@wabus/events';
import { createStatusHandler } from './status-handler.ts';
import { statusRoutes } from './status-routes.ts';

// Composition root: the only module that reads the environment and builds clients.
const name = 'status-tracker';
const config = loadConsumerConfig(name, 8082, 'STATUS_TRACKER_PORT');
const logger = pino({ name, level: config.logLevel });
const { registry, observer } = createConsumerMetrics(name, { defaultMetrics: true });

const service = await startConsumerService<WhatsAppEvent>({
  name,
  config,
  logger,
  handler: createStatusHandler,
  routes: statusRoutes,
  registry,
  observer,
});
stopOnSignals(service, logger);
