import { readConfig, str, type ConfigOf } from '@wabus/config';
import { SENDS_TOPIC } from '@wabus/events';

/** The sends consumer's name: its group is `<group>.sends`, and the registry's `alsoReads` entry (package.json) names it. */
export const SENDS_CONSUMER = 'sends';

/** status-tracker's own configuration, on top of the consumer service's (`@wabus/consumer-service`). */
export const statusTrackerSchema = {
  sendsTopic: {
    env: 'STATUS_TRACKER_SENDS_TOPIC',
    parse: str,
    default: SENDS_TOPIC,
    description: "the sender's sends, joined to their statuses by wamid (consumer group <group>.sends); empty: not consumed",
  },
} as const;

export type StatusTrackerConfig = ConfigOf<typeof statusTrackerSchema>;

export function loadStatusTrackerConfig(env: NodeJS.ProcessEnv = process.env): StatusTrackerConfig {
  return readConfig(statusTrackerSchema, env);
}
