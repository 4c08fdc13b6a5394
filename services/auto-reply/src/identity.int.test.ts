import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inboundBody } from './inbound.test-support.ts';
import { recordsOf } from './workload.test-support.ts';
import {
  createTopics,
  EVERYTHING_RULES,
  produce,
  readOutbox,
  repliesByInbound,
  serviceEnv,
  standIn,
  startService,
  testDatabase,
  testKafka,
  writeRules,
} from './service.test-support.ts';

const ORDERS = ['ABC', 'ACB', 'BAC', 'BCA', 'CAB', 'CBA'] as const;

for (const batch of ['1', '500']) {
  test(`auto-reply identity (batches of ${batch}): A (phone + BSUID), B (BSUID only), C (phone only) in every order: one conversation per person once its ids are linked, so one greeting; B answered through recipient, A and C through to`, async (t) => {
    const kafka = testKafka();
    const graph = await standIn(t);
    const { topic, dlqTopic } = await createTopics(t, kafka, 1);
    const now = Math.floor(Date.now() / 1000);
    const people = ORDERS.map((order, i) => ({ order, phone: `551190000000${i}`, bsuid: `BR.${String(i).repeat(19)}` }));
    const records = people.flatMap((p) =>
      [...p.order].map((which, j) => {
        const ids = { A: { customerId: p.phone, userId: p.bsuid }, B: { customerId: null, userId: p.bsuid }, C: { customerId: p.phone } }[
          which as 'A' | 'B' | 'C'
        ];
        return recordsOf(inboundBody({ ...ids, timestamp: now - 10 + j, wamid: `wamid.${p.order}.${which}`, content: { text: 'hello' } }), Date.now() + j)[0]!;
      }),
    );
    await produce(kafka, topic, records);
    const service = await startService(
      t,
      serviceEnv({
        topic,
        dlqTopic,
        database: testDatabase(t),
        graphUrl: graph.url,
        rulesFile: await writeRules(EVERYTHING_RULES),
        env: { WABUS_MAX_BATCH: batch },
      }),
    );
    await service.runtime.whenApplied();

    const replies = repliesByInbound(graph.requests);
    const outbox = await readOutbox(service);
    for (const p of people) {
      const addressed = [...p.order].map((which) => {
        const body = replies.get(`wamid.${p.order}.${which}`)?.[0]?.body as { to?: string; recipient?: string } | undefined;
        return [which, body?.to ?? null, body?.recipient ?? null];
      });
      assert.deepEqual(
        addressed.sort(),
        [
          ['A', p.phone, null],
          ['B', null, p.bsuid],
          ['C', p.phone, null],
        ],
        `${p.order}: each answered once, by the right field`,
      );
      const greetings = outbox.filter((e) => e.inbound.wamid.startsWith(`wamid.${p.order}.`) && e.ruleId === 'greeting').map((e) => e.inbound.wamid.slice(-1));
      // A first or second, or all three in one batch (linked before any is decided): one conversation, one greeting.
      // B and C first in batches of one (BCA, CBA): two persons as far as anyone can know until A links them, so
      // each of the first two is greeted (what wabus cannot know, it cannot do).
      const linkedInTime = batch !== '1' || p.order.indexOf('A') <= 1;
      const expected = linkedInTime ? [p.order[0]] : [p.order[0], p.order[1]];
      assert.deepEqual(greetings.sort(), [...expected].sort(), `${p.order}: greeted ${greetings.join(',')}`);
    }
  });
}
