import { consumerDefinition } from '@wabus/consumer-service';
import { startLatestMessage } from './start-latest-message.ts';

export const latestMessageService = consumerDefinition(startLatestMessage);
