import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signalKafkaNode, startComponent, type Profile } from '@wabus/infra';
import { createKafka } from '@wabus/kafka';
import { createTestTopics, testEnv, waitUntil } from '@wabus/testing';
import { assertDelivered, countOnTopic } from './fault-traffic.test-support.ts';
import { longestAcceptedRun, startHttpTraffic } from './http-traffic.test-support.ts';
import { startIngressProcess } from './ingress-process.test-support.ts';
import { busiestLeader, partitionReplicas, waitForPartitions } from './partition-replicas.test-support.ts';

const profile = process.env['WABUS_INFRA_PROFILE'] as Profile | undefined;
const skip = profile === 'cluster' ? false : 'needs the 3-node cluster `pnpm test:cluster` starts (KAFKA_BROKERS points at a cluster that is not ours to kill)';

// Issue 10, part 2: a broker dies under the leader of busy partitions (SIGKILL: no controlled shutdown, the
// controller notices when its session times out). With RF 3 and min.insync.replicas 2 the other two carry on: the
// controller elects new leaders from the ISR, ingress answers 200 again, and the killed broker, restarted on its
// data, catches up and rejoins every ISR. Webhooks from 12 conversations arrive every 50 ms throughout.
test(
  'the leader of busy partitions SIGKILLed, then restarted, under traffic: 200s again once leadership moved, every 200 on both topics once, every 503 at most once; the broker rejoins every ISR',
  { skip, timeout: 240_000 },
  async (t) => {
    await startComponent(profile!, 'kafka');
    const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'cluster-test' });
    const topics = await createTestTopics(kafka, { partitions: 6, replicated: true });
    const both = [topics.rawTopic, topics.eventsTopic];
    let killed: number | undefined;
    t.after(async () => {
      if (killed !== undefined) await startComponent(profile!, 'kafka', { node: killed });
      await topics.drop();
    });
    const ingress = await startIngressProcess(t, { brokers: testEnv().kafkaBrokers, ...topics });
    const traffic = startHttpTraffic(ingress.post, { prefix: 'FAILOVER', intervalMs: 50, customers: 12 });
    const accepted = (phase: string) => traffic.answers().filter((a) => a.phase === phase && a.status === 200).length;
    await waitUntil('40 accepted before the kill', () => accepted('before') >= 40, { timeoutMs: 30_000 });

    // With all three in sync nothing should be refused; if something was, the diagnostics say why.
    const refusedBefore = traffic.answers().filter((a) => a.status !== 200).length;
    const whyRefusedBefore = refusedBefore > 0 ? ingress.errorLines(2) : [];
    const leader = busiestLeader(await partitionReplicas(kafka, both), topics.eventsTopic);
    traffic.phase('leader-killed');
    const killedAt = Date.now();
    signalKafkaNode(profile!, leader, 'SIGKILL');
    killed = leader;
    await waitForPartitions(
      kafka,
      both,
      `every partition led by a broker other than ${leader}, which is out of every ISR`,
      (p) => p.leader !== leader && p.leader >= 0 && !p.isr.includes(leader),
    );
    const movedAfterMs = Date.now() - killedAt;

    traffic.phase('moved');
    await waitUntil(
      () =>
        `40 accepted in a row once leadership moved; answers of that phase: ${JSON.stringify(
          traffic
            .answers()
            .filter((a) => a.phase === 'moved')
            .map((a) => a.status),
        )}`,
      () => longestAcceptedRun(traffic.answers(), 'moved') >= 40,
      { timeoutMs: 30_000 },
    );

    traffic.phase('restarting');
    const restartedAt = Date.now();
    await startComponent(profile!, 'kafka', { node: leader });
    killed = undefined;
    const registeredAfterMs = Date.now() - restartedAt;
    traffic.phase('restarted');
    await waitForPartitions(kafka, both, `broker ${leader} back in the ISR of every partition`, (p) => p.isr.length === 3, 90_000);
    const inSyncAfterMs = Date.now() - restartedAt;
    traffic.phase('caught-up');
    await waitUntil('40 accepted once the broker caught up', () => accepted('caught-up') >= 40, { timeoutMs: 30_000 });
    const answers = await traffic.stop();
    await ingress.service.stop();

    const events = assertDelivered(answers, await countOnTopic(kafka, topics.eventsTopic));
    const raw = assertDelivered(answers, await countOnTopic(kafka, topics.rawTopic));
    t.diagnostic(JSON.stringify({ killed: leader, movedAfterMs, registeredAfterMs, inSyncAfterMs, events, rawUnavailableStored: raw.unavailableStored }));
    for (const line of whyRefusedBefore) t.diagnostic(`refused before the kill: ${line}`);
    assert.equal(events.byPhase['caught-up']!.unavailable, 0, 'with every replica in sync again, no webhook is refused');
    assert.equal(events.byPhase['restarting']?.unavailable ?? 0, 0, 'a broker rejoining does not make ingress refuse webhooks');
    assert.equal(events.byPhase['restarted']?.unavailable ?? 0, 0, 'nor does its catching up');
  },
);
