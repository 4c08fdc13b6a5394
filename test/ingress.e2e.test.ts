import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeEvent } from '@wabus/events';
import { createKafka } from '@wabus/kafka';
import { runSimulation } from '@wabus/simulator';
import { readTopic, testEnv, TOPIC_SIZE_CONFIG, uniqueName } from '@wabus/testing';
import { freePort, startService, waitReady, wabus } from './processes.ts';

const SECRET = 'e2e-secret';

test(
  'end to end: CLI applies topics, the ingress process accepts simulated traffic, every item is on the topic once per id, the CLI tails it',
  { timeout: 180_000 },
  async (t) => {
    const { kafkaBrokers } = testEnv();
    const env = { KAFKA_BROKERS: kafkaBrokers.join(',') };
    const raw = uniqueName('e2e.raw');
    const events = uniqueName('e2e.events');
    const dir = mkdtempSync(join(tmpdir(), 'wabus-e2e-'));
    const topicsFile = join(dir, 'topics.json');
    writeFileSync(
      topicsFile,
      JSON.stringify({ topics: [raw, events].map((name) => ({ name, partitions: 6, replicationFactor: 1, config: TOPIC_SIZE_CONFIG })) }),
    );
    const kafka = createKafka({ brokers: kafkaBrokers, clientId: 'e2e' });
    t.after(async () => {
      rmSync(dir, { recursive: true, force: true });
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [raw, events] }).catch(() => undefined);
      await admin.disconnect();
    });

    const applied = await wabus(['topics', 'apply', '--file', topicsFile], env);
    assert.equal(applied.code, 0, applied.stderr);
    assert.match(applied.stdout, new RegExp(`created\\s+${events.replaceAll('.', '\\.')}`));
    const again = await wabus(['topics', 'apply', '--file', topicsFile], env);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /0 created, 2 unchanged, 0 drifted/);

    const port = await freePort();
    const ingress = startService('ingress', {
      ...env,
      INGRESS_HOST: '127.0.0.1',
      INGRESS_PORT: String(port),
      WHATSAPP_APP_SECRETS: SECRET,
      WHATSAPP_VERIFY_TOKEN: 'e2e-token',
      WABUS_RAW_TOPIC: raw,
      WABUS_EVENTS_TOPIC: events,
    });
    t.after(() => ingress.stop());
    await waitReady(`http://127.0.0.1:${port}/readyz`, ingress);
    const url = `http://127.0.0.1:${port}/webhook`;

    const report = await runSimulation({
      url,
      secret: SECRET,
      rate: 0,
      concurrency: 8,
      durationMs: 60_000,
      maxRequests: 150,
      kinds: ['all'],
      batch: 4,
      duplicates: 0.3,
      duplicateDelayMs: { min: 1, max: 20 },
      seed: 7,
      collectExpected: true,
    });
    assert.equal(report.rejected + report.unavailable + report.errors, 0, JSON.stringify(report.byStatus));
    assert.equal(report.accepted, report.sent);
    assert.ok(report.duplicatesSent > 0, 'some bodies were re-posted like Meta retries');

    const records = await readTopic(kafka, events, { timeoutMs: 30_000 });
    assert.equal(records.length, report.itemsSent, 'one record per item of every accepted request');
    const decoded = records.map((r) => decodeEvent(r.value!));
    assert.equal(new Set(decoded.map((e) => e.eventId)).size, report.uniqueItemsSent, 're-posted bodies carry the same event ids');
    const onTopic = new Set(decoded.map((e) => `${e.kind}|${e.itemId}`));
    const expected = report.expectedItems!.filter((x) => x.id !== null);
    assert.deepEqual(
      expected.filter((x) => !onTopic.has(`${x.kind}|${x.id}`)),
      [],
    );

    const cliSim = await wabus(['simulate', '--url', url, '--secret', SECRET, '--rate', '20', '--duration', '1s', '--kinds', 'text,status', '--json'], env);
    assert.equal(cliSim.code, 0, cliSim.stderr);
    const cliReport = JSON.parse(cliSim.stdout) as { sent: number; accepted: number };
    assert.ok(cliReport.sent > 0);
    assert.equal(cliReport.accepted, cliReport.sent);

    const refused = await wabus(['simulate', '--url', 'http://192.0.2.1:8080/webhook', '--duration', '1s'], env);
    assert.equal(refused.code, 2, 'a non-loopback target is refused without --allow-remote');
    assert.match(refused.stderr, /not on loopback/);

    const tail = await wabus(['events', 'tail', '--topic', events, '--from-beginning', '--max', '3'], env);
    assert.equal(tail.code, 0, tail.stderr);
    const lines = tail.stdout
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            partition: number;
            offset: string;
            key: string;
            headers: Record<string, string>;
            event: { eventId: string; raw: string; key: string };
          },
      );
    assert.equal(lines.length, 3);
    for (const l of lines) {
      assert.equal(typeof l.partition, 'number');
      assert.equal(l.headers['wabus-event-id'], l.event.eventId);
      assert.equal(l.key, l.event.key);
      assert.doesNotThrow(() => JSON.parse(l.event.raw));
    }

    assert.equal(await ingress.stop(), 0, 'SIGTERM shuts the ingress down cleanly');
  },
);
