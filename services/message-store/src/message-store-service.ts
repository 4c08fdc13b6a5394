import { consumerDefinition } from '@wabus/consumer-service';
import { startMessageStore } from './start-message-store.ts';

/** message-store for the chassis: the shared consumer configuration, nothing of its own. */
export const messageStoreService = consumerDefinition(startMessageStore);
