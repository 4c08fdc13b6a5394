import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serviceFacts } from '@wabus/service/registry';
import { SENDS_CONSUMER, statusTrackerSchema } from './status-tracker-config.ts';

test("the registry's alsoReads (what `wabus replay` re-reads with the events) is the sends consumer the service runs: its name, topic and variable", () => {
  assert.deepEqual(serviceFacts('status-tracker').alsoReads, [
    { name: SENDS_CONSUMER, topic: statusTrackerSchema.sendsTopic.default, env: statusTrackerSchema.sendsTopic.env },
  ]);
});
