import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Registry } from 'prom-client';
import { createConsumerMetrics } from './consumer-metrics.ts';

/** A metric's samples as `label=value,… → value` (the service label included), or undefined when not registered. */
async function samples(registry: Registry, name: string): Promise<Record<string, number> | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  if (metric === undefined) return undefined;
  const labelText = (labels: object) =>
    Object.entries(labels)
      .map(([k, v]) => `${k}=${String(v)}`)
      .sort()
      .join(',');
  return Object.fromEntries(
    metric.values.map((v) => [`${'metricName' in v && v.metricName !== undefined ? `${String(v.metricName)} ` : ''}${labelText(v.labels)}`, v.value]),
  );
}

test("given the runtime's observer calls, then the counters and gauges count them, labelled with the service", async () => {
  const { registry, observer } = createConsumerMetrics('message-store');
  observer.applied!('message', 3, 1);
  observer.applied!('status', 0, 2);
  observer.applied!('message', 2, 0);
  observer.deadLettered!('WABUS_EVENTS_BAD_MAGIC', 'unknown');
  observer.deadLettered!('WABUS_EVENTS_BAD_MAGIC', 'unknown');
  observer.retried!(
    0,
    new Error('store down'),
    new Map([
      ['message', 2],
      ['status', 1],
    ]),
  );
  observer.retried!(0, new Error('store down'), new Map([['message', 2]]));
  observer.replay!('replayed', 5);
  observer.replay!('skipped', 2);
  observer.lag!(1, 42);
  observer.lag!(1, 7);
  observer.paused!(1, true);
  observer.paused!(2, true);
  observer.paused!(2, false);

  assert.deepEqual(await samples(registry, 'wabus_consumer_events_applied_total'), { 'kind=message,service=message-store': 5 });
  assert.deepEqual(await samples(registry, 'wabus_consumer_events_deduplicated_total'), {
    'kind=message,service=message-store': 1,
    'kind=status,service=message-store': 2,
  });
  assert.deepEqual(await samples(registry, 'wabus_consumer_events_dead_lettered_total'), {
    'code=WABUS_EVENTS_BAD_MAGIC,kind=unknown,service=message-store': 2,
  });
  assert.deepEqual(await samples(registry, 'wabus_consumer_retries_total'), { 'partition=0,service=message-store': 2 });
  assert.deepEqual(await samples(registry, 'wabus_consumer_events_retried_total'), {
    'kind=message,service=message-store': 4,
    'kind=status,service=message-store': 1,
  });
  assert.deepEqual(await samples(registry, 'wabus_consumer_replay_events_total'), {
    'outcome=replayed,service=message-store': 5,
    'outcome=skipped,service=message-store': 2,
  });
  assert.deepEqual(await samples(registry, 'wabus_consumer_lag'), { 'partition=1,service=message-store': 7 });
  assert.deepEqual(await samples(registry, 'wabus_consumer_paused'), { 'partition=1,service=message-store': 1, 'partition=2,service=message-store': 0 });
});

test('given durations, then the batch and end-to-end histograms count and sum them', async () => {
  const { registry, observer } = createConsumerMetrics('crm-sync');
  observer.batchSeconds!(0.02);
  observer.batchSeconds!(0.3);
  observer.endToEnd!(1.5);
  const batch = await samples(registry, 'wabus_consumer_batch_duration_seconds');
  assert.equal(batch?.['wabus_consumer_batch_duration_seconds_count service=crm-sync'], 2);
  assert.ok(Math.abs((batch?.['wabus_consumer_batch_duration_seconds_sum service=crm-sync'] ?? 0) - 0.32) < 1e-9);
  assert.equal(batch?.['wabus_consumer_batch_duration_seconds_bucket le=0.025,service=crm-sync'], 1);
  assert.equal(batch?.['wabus_consumer_batch_duration_seconds_bucket le=0.5,service=crm-sync'], 2);
  const e2e = await samples(registry, 'wabus_consumer_end_to_end_seconds');
  assert.deepEqual(
    [
      e2e?.['wabus_consumer_end_to_end_seconds_count service=crm-sync'],
      e2e?.['wabus_consumer_end_to_end_seconds_bucket le=1,service=crm-sync'],
      e2e?.['wabus_consumer_end_to_end_seconds_bucket le=2.5,service=crm-sync'],
    ],
    [1, 0, 1],
  );
});

test('process metrics only when asked for, under the consumer prefix', async () => {
  assert.equal(await samples(createConsumerMetrics('a').registry, 'wabus_consumer_process_cpu_seconds_total'), undefined);
  assert.notEqual(await samples(createConsumerMetrics('b', { defaultMetrics: true }).registry, 'wabus_consumer_process_cpu_seconds_total'), undefined);
});
