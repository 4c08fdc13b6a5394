import { chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testEnv, uniqueName } from './test-env.ts';

/**
 * An environment on which any service of the registry starts against the shared test broker and store, isolated by
 * name: the test's `topics` (createTestTopics), a consumer group and a database of its own named after `label` (e.g.
 * `image.crm-sync`), dead letters beside the events topic, no redrive topic, no sends topic for status-tracker; secrets and API addresses are placeholders
 * that nothing calls; media-store's directory under <temp>/wabus-test-media (never removed: empty unless a
 * test sends media). The port (`[facts.portEnv]`) is the caller's. The rules file is the checkout's example, relative
 * to the working directory: the repository's, or the image's /app.
 */
export function serviceTestEnv(topics: { rawTopic: string; eventsTopic: string }, label: string): Record<string, string> {
  const { kafkaBrokers, mongoUri } = testEnv();
  // Shared by every test and user, as /tmp is (sticky, world-writable): the image test runs media-store as the
  // image's user, which could not make its directory in one a root-run test had made first (EACCES).
  const mediaRoot = join(tmpdir(), 'wabus-test-media');
  mkdirSync(mediaRoot, { recursive: true });
  try {
    chmodSync(mediaRoot, 0o1777);
  } catch {
    // made by another user, who set it so
  }
  return {
    KAFKA_BROKERS: kafkaBrokers.join(','),
    MONGODB_URI: mongoUri,
    WABUS_EVENTS_TOPIC: topics.eventsTopic,
    WABUS_RAW_TOPIC: topics.rawTopic,
    WABUS_GROUP_ID: uniqueName(label),
    // A database name has no dots (and by habit here no dashes).
    WABUS_DATABASE: uniqueName(label).replaceAll(/[.-]/g, '_'),
    WABUS_DLQ_TOPIC: `${topics.eventsTopic}.dlq`,
    WABUS_REDRIVE_TOPIC: '-',
    // No sends topic for status-tracker unless the test makes one (the shared broker's whatsapp.sends.v1 is anyone's).
    STATUS_TRACKER_SENDS_TOPIC: '',
    WHATSAPP_APP_SECRETS: 'test=secret',
    WHATSAPP_VERIFY_TOKEN: 'token',
    WHATSAPP_ACCESS_TOKEN: 'token',
    AUTO_REPLY_RULES: 'services/auto-reply/rules.example.json',
    WHATSAPP_GRAPH_BASE_URL: 'http://127.0.0.1:9',
    CRM_BASE_URL: 'http://127.0.0.1:9',
    // media-store's fs backend needs a writable directory, as a deployment gives it a volume (the image's /app is
    // not writable by its user).
    MEDIA_STORE_DIR: join(mediaRoot, uniqueName(label)),
  };
}
