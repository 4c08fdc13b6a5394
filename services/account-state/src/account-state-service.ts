import { consumerDefinition } from '@wabus/consumer-service';
import { startAccountState } from './start-account-state.ts';

/** account-state for the chassis: the shared consumer configuration, nothing of its own. */
export const accountStateService = consumerDefinition(startAccountState);
