import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveProfileLayout, startComponent, stopComponent, type Profile } from '@wabus/infra';
import { createKafka } from '@wabus/kafka';
import { createTestTopics, testEnv, waitUntil } from '@wabus/testing';
import { assertDelivered, countOnTopic } from './fault-traffic.test-support.ts';
import { longestAcceptedRun, startHttpTraffic } from './http-traffic.test-support.ts';
import { startIngressProcess } from './ingress-process.test-support.ts';
import { partitionReplicas, waitForPartitions } from './partition-replicas.test-support.ts';

const profile = process.env['WABUS_INFRA_PROFILE'] as Profile | undefined;
const skip = profile === 'cluster' ? false : 'needs the 3-node cluster `pnpm test:cluster` starts (KAFKA_BROKERS points at a cluster that is not ours to stop)';

// Issue 10, part 2: with min.insync.replicas 2, one broker left of three must refuse acks=all writes
// (NOT_ENOUGH_REPLICAS), so ingress answers 503 and Meta retries; nothing it acknowledged before may be lost, and
// once the two come back it answers 200 again. The two are stopped one after the other (SIGTERM: each controlled
// shutdown moves its leaderships and leaves the ISRs while a controller majority still stands; on three combined
// nodes the second one's exit takes the quorum with it).
test(
  'two of three brokers stopped under traffic: 503 while one replica is in sync, never a 200; both back: 200 again, every 200 on both topics once, every 503 at most once',
  { skip, timeout: 240_000 },
  async (t) => {
    await startComponent(profile!, 'kafka');
    const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'cluster-test' });
    const topics = await createTestTopics(kafka, { partitions: 6, replicated: true });
    const both = [topics.rawTopic, topics.eventsTopic];
    let down = false;
    t.after(async () => {
      if (down) await startComponent(profile!, 'kafka');
      await topics.drop();
    });
    const ingress = await startIngressProcess(t, { brokers: testEnv().kafkaBrokers, ...topics });
    const traffic = startHttpTraffic(ingress.post, { prefix: 'MINISR', intervalMs: 50, customers: 12 });
    const answersOf = (phase: string) => traffic.answers().filter((a) => a.phase === phase);
    await waitUntil('40 accepted with three brokers', () => answersOf('before').filter((a) => a.status === 200).length >= 40, { timeoutMs: 30_000 });

    // With all three in sync nothing should be refused; if something was, the diagnostics say why.
    const whyRefusedBefore = answersOf('before').some((a) => a.status !== 200) ? ingress.errorLines(2) : [];
    // The broker leading fewest partitions stays; the other two go, each with the leaderships it holds.
    const before = await partitionReplicas(kafka, both);
    const led = (node: number) => before.filter((p) => p.leader === node).length;
    const [survivor, ...stopped] = [1, 2, 3].sort((a, b) => led(a) - led(b) || a - b) as [number, number, number];
    traffic.phase('stopping');
    down = true;
    for (const node of stopped) await stopComponent(profile!, 'kafka', { node });
    traffic.phase('two-down');
    // Its own metadata: the others are gone, and with them the controller quorum (no metadata changes from here on).
    const survivorNode = resolveProfileLayout(profile!).kafkaNodes.find((n) => n.nodeId === survivor)!;
    const survivorOnly = createKafka({ brokers: [`${survivorNode.host}:${survivorNode.port}`], clientId: 'cluster-test-survivor' });
    const oneInSync = await waitForPartitions(
      survivorOnly,
      both,
      `broker ${survivor} the only replica in sync`,
      (p) => p.leader === survivor && p.isr.length === 1,
      30_000,
    );
    await waitUntil(
      () => `20 webhooks answered with one broker left; so far ${JSON.stringify(answersOf('two-down').map((a) => a.status))}`,
      () => answersOf('two-down').length >= 20,
      { timeoutMs: 60_000 },
    );

    traffic.phase('starting');
    await startComponent(profile!, 'kafka');
    down = false;
    traffic.phase('back');
    await waitUntil(
      () => `40 accepted in a row with the brokers back; so far ${JSON.stringify(answersOf('back').map((a) => a.status))}`,
      () => longestAcceptedRun(traffic.answers(), 'back') >= 40,
      { timeoutMs: 60_000 },
    );
    await waitForPartitions(kafka, both, 'all three brokers in every ISR again', (p) => p.isr.length === 3, 90_000);
    const answers = await traffic.stop();
    await ingress.service.stop();

    const events = assertDelivered(answers, await countOnTopic(kafka, topics.eventsTopic));
    const raw = assertDelivered(answers, await countOnTopic(kafka, topics.rawTopic));
    t.diagnostic(JSON.stringify({ survivor, stopped, isrWhileDown: oneInSync.map((p) => p.isr), events, rawUnavailableStored: raw.unavailableStored }));
    for (const line of whyRefusedBefore) t.diagnostic(`refused before the stop: ${line}`);
    const whileDown = events.byPhase['two-down']!;
    assert.equal(whileDown.accepted, 0, 'no webhook acknowledged with a single replica in sync (min.insync.replicas 2)');
    assert.ok(whileDown.unavailable >= 20, 'every webhook posted with one broker left got 503');
    assert.ok(events.byPhase['back']!.accepted >= 40);
  },
);
