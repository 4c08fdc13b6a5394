import { consumerDefinition } from '@wabus/consumer-service';
import { startStatusTracker } from './start-status-tracker.ts';

/** status-tracker for the chassis: the shared consumer configuration, nothing of its own. */
export const statusTrackerService = consumerDefinition(startStatusTracker);
