import { pino } from 'pino';
import { loadConsumerConfig, stopOnSignals } from '@wabus/consumer-service';
import { SERVICE_NAME, startMessageStore } from './start-message-store.ts';

const config = loadConsumerConfig(SERVICE_NAME, 8081, 'MESSAGE_STORE_PORT');
const logger = pino({ name: SERVICE_NAME, level: config.logLevel });
const service = await startMessageStore({ config, logger, defaultMetrics: true });
stopOnSignals(service, logger);
