import { randomBytes } from 'node:crypto';

/**
 * Where the shared test broker and store are. `pnpm test` starts them (infra profile `test`) and sets these;
 * an integration test run without them fails loudly instead of skipping.
 */
export function testEnv(): { kafkaBrokers: string[]; mongoUri: string } {
  const brokers = process.env['KAFKA_BROKERS'];
  const mongoUri = process.env['MONGODB_URI'];
  if (!brokers || !mongoUri) {
    throw new Error('KAFKA_BROKERS and MONGODB_URI must be set: run integration tests through `pnpm test` (it starts the test broker and store)');
  }
  return { kafkaBrokers: brokers.split(',').map((b) => b.trim()), mongoUri };
}

/** A name no other test in this run uses: tests isolate by topic, group and database names. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}
