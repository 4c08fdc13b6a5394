import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { encodeEvent } from '@wabus/events';
import { createProducer, createKafka, createTopicsAndWait } from '@wabus/kafka';
import { eventHeaders, testDeadLetter, testEvent } from '@wabus/ops/testing';
import { highWatermarks, readTopic, testEnv, uniqueName } from '@wabus/testing';
import { dlqCommand } from './dlq.ts';

const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'cli-dlq-test' });
const main = fileURLToPath(new URL('../main.ts', import.meta.url));

/** A dead-letter topic with two rejected events (offsets 0, 1) and one undecodable record (offset 2), plus its redrive and actions topics. */
async function deadLetters(t: TestContext) {
  const topic = uniqueName('cli.events');
  const names = { dlqTopic: `${topic}.dlq.message-store`, redriveTopic: `${topic}.redrive.message-store`, ledgerTopic: `${topic}.actions` };
  const admin = kafka.admin();
  await admin.connect();
  await createTopicsAndWait(admin, {
    topics: [
      { topic: names.dlqTopic, numPartitions: 1 },
      { topic: names.redriveTopic, numPartitions: 3 },
      { topic: names.ledgerTopic, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] },
    ],
  });
  t.after(async () => {
    await admin.deleteTopics({ topics: Object.values(names) }).catch(() => undefined);
    await admin.disconnect();
  });
  const events = [testEvent('wamid.C1', { type: 'sticker' }), testEvent('wamid.C2', { type: 'sticker' })];
  const producer = createProducer(kafka);
  await producer.send([
    {
      topic: names.dlqTopic,
      messages: [
        ...events.map((e, i) => testDeadLetter({ value: encodeEvent(e), headers: eventHeaders(e), source: { topic, partition: 1, offset: String(10 + i) } })),
        testDeadLetter({ value: Buffer.from('{"not":"avro"}'), headers: {}, code: 'WABUS_EVENTS_BAD_MAGIC', source: { topic, partition: 2, offset: '7' } }),
      ],
    },
  ]);
  await producer.close();
  const run = async (...argv: string[]) => {
    const lines: string[] = [];
    const code = await dlqCommand([...argv, '--consumer', 'message-store', '--topic', topic, '--ledger-topic', names.ledgerTopic], (l) => lines.push(l));
    return { code, lines, json: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
  };
  const ends = async (t2: string) => [...(await highWatermarks(admin, t2)).values()].reduce((a, b) => a + b, 0n);
  return { topic, ...names, events, run, ends };
}

test('dlq list and show: counts per code and status; each entry decoded with its error and origin', async (t) => {
  const d = await deadLetters(t);
  const list = await d.run('list', '--json');
  assert.deepEqual(list.json()[0], {
    consumers: [
      {
        consumer: 'message-store',
        dlqTopic: d.dlqTopic,
        total: 3,
        pending: 3,
        redriven: 0,
        discarded: 0,
        codes: [
          { code: 'WABUS_EVENT_REJECTED', total: 2, pending: 2, redriven: 0, discarded: 0 },
          { code: 'WABUS_EVENTS_BAD_MAGIC', total: 1, pending: 1, redriven: 0, discarded: 0 },
        ],
      },
    ],
  });
  const text = await d.run('list');
  assert.match(text.lines.join('\n'), /message-store\s+WABUS_EVENT_REJECTED\s+2\s+2\s+0\s+0/);
  assert.match(text.lines.at(-1)!, /^summary: 3 dead letter\(s\) in 1 topic\(s\): 3 pending, 0 redriven, 0 discarded$/);

  const shown = (await d.run('show', '--json')).json();
  assert.deepEqual(
    shown.map((e) => [e['offset'], (e['error'] as { code: string }).code, e['status']]),
    [
      ['0', 'WABUS_EVENT_REJECTED', 'pending'],
      ['1', 'WABUS_EVENT_REJECTED', 'pending'],
      ['2', 'WABUS_EVENTS_BAD_MAGIC', 'pending'],
    ],
  );
  assert.deepEqual(shown[0]!['source'], { topic: d.topic, partition: 1, offset: '10' });
  assert.equal((shown[0]!['event'] as { itemId: string }).itemId, 'wamid.C1');
  assert.equal(shown[2]!['event'], null);
  assert.equal(Buffer.from(shown[2]!['valueBase64'] as string, 'base64').toString(), '{"not":"avro"}');
  const one = await d.run('show', '--offset', '1');
  assert.match(one.lines.join('\n'), new RegExp(`origin   ${d.topic.replaceAll('.', '\\.')} partition 1 offset 11`));
  assert.match(one.lines.at(-1)!, /^summary: 1 of 3 dead letter\(s\)/);
});

test('dlq redrive: dry run by default; --execute sends once and records it; again only with --again', async (t) => {
  const d = await deadLetters(t);
  const dry = await d.run('redrive', '--code', 'WABUS_EVENT_REJECTED');
  assert.deepEqual(dry.lines.filter((l) => l.startsWith('would redrive')).length, 2);
  assert.match(dry.lines.at(-1)!, /^summary \(dry run\): 2 would be redriven, 0 skipped; nothing was written/);
  assert.equal(await d.ends(d.redriveTopic), 0n, 'a dry run produces nothing');
  assert.equal(await d.ends(d.ledgerTopic), 0n);

  const done = (await d.run('redrive', '--offset', '0/0', '--execute', '--by', 'ana', '--json')).json()[0]!;
  assert.equal(done['dryRun'], false);
  assert.deepEqual(
    (done['redriven'] as { id: string }[]).map((r) => r.id),
    [`${d.dlqTopic}/0/0`],
  );
  const [record] = await readTopic(kafka, d.redriveTopic);
  assert.equal(record!.headers['wabus-redrive-of'], `${d.dlqTopic}/0/0`);
  assert.equal(record!.headers['wabus-event-id'], d.events[0]!.eventId);
  const [action] = await readTopic(kafka, d.ledgerTopic);
  assert.equal(action!.key, `${d.dlqTopic}/0/0`);
  assert.deepEqual(
    { ...JSON.parse(action!.value!.toString()), at: 'x' },
    { action: 'redriven', at: 'x', by: 'ana', redriveTopic: d.redriveTopic, redrivePartition: record!.partition, redriveOffset: record!.offset },
  );

  const second = await d.run('redrive', '--offset', '0', '--execute');
  assert.match(second.lines[0]!, /^skip .* already redriven .* by ana .*--again/);
  assert.match(second.lines.at(-1)!, /^summary: 0 redriven .* 1 skipped$/);
  assert.equal(await d.ends(d.redriveTopic), 1n, 'not sent twice without --again');
  await d.run('redrive', '--offset', '0', '--again', '--execute');
  assert.equal(await d.ends(d.redriveTopic), 2n);

  const list = (await d.run('list', '--json')).json()[0] as { consumers: { pending: number; redriven: number }[] };
  assert.deepEqual([list.consumers[0]!.pending, list.consumers[0]!.redriven], [2, 1]);
});

test('dlq discard: needs a reason, dry run by default, the reason is kept; discarded entries are not re-driven', async (t) => {
  const d = await deadLetters(t);
  await assert.rejects(d.run('discard', '--code', 'WABUS_EVENTS_BAD_MAGIC'), { code: 'WABUS_OPS_REASON_REQUIRED' });
  const dry = await d.run('discard', '--code', 'WABUS_EVENTS_BAD_MAGIC', '--reason', 'load-test garbage');
  assert.match(dry.lines.at(-1)!, /^summary \(dry run\): 1 would be discarded/);
  assert.equal(await d.ends(d.ledgerTopic), 0n);
  await d.run('discard', '--code', 'WABUS_EVENTS_BAD_MAGIC', '--reason', 'load-test garbage', '--by', 'bo', '--execute');
  const [shown] = (await d.run('show', '--status', 'discarded', '--json')).json();
  assert.equal(shown!['offset'], '2');
  assert.deepEqual({ ...(shown!['action'] as object), at: 'x' }, { action: 'discarded', reason: 'load-test garbage', at: 'x', by: 'bo' });
  const all = await d.run('redrive', '--all', '--execute');
  assert.match(all.lines.join('\n'), /skip .*\/0\/2 .*already discarded/);
  assert.equal(await d.ends(d.redriveTopic), 2n, 'the two pending entries only');
});

test('dlq: bad input fails with a coded error', async (t) => {
  const d = await deadLetters(t);
  await assert.rejects(d.run('redrive'), { code: 'WABUS_OPS_SELECTOR_REQUIRED' });
  await assert.rejects(d.run('redrive', '--offset', 'abc'), { code: 'WABUS_OPS_BAD_OFFSET' });
  await assert.rejects(d.run('redrive', '--offset', '99'), { code: 'WABUS_OPS_NO_MATCH' });
  await assert.rejects(d.run('show', '--event-id', 'f'.repeat(64)), { code: 'WABUS_OPS_NO_MATCH' });
  await assert.rejects(dlqCommand(['show', '--consumer', 'message-stor']), { code: 'WABUS_OPS_UNKNOWN_CONSUMER' });
  await assert.rejects(dlqCommand(['show']), { code: 'WABUS_CLI_USAGE' });
  await assert.rejects(dlqCommand(['list', '--consumer', 'crm-sync', '--topic', `${d.topic}.x`]), { code: 'WABUS_OPS_TOPIC_MISSING' });
});

const cli = (args: string[], env: NodeJS.ProcessEnv) =>
  new Promise<{ code: number | null; stderr: string }>((resolve) => {
    execFile(process.execPath, [main, ...args], { env: { ...process.env, ...env } }, (err, _stdout, stderr) =>
      resolve({ code: err ? (err.code as number) : 0, stderr }),
    );
  });

test('dlq, groups, trace as commands: a coded error on stderr and a non-zero exit code (unknown consumer; broker unreachable)', async () => {
  const unknown = await cli(['dlq', 'redrive', '--consumer', 'nope', '--all'], {});
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^wabus: WABUS_OPS_UNKNOWN_CONSUMER: unknown consumer "nope"/);
  const down = { KAFKA_BROKERS: '127.0.0.1:1' };
  const results = await Promise.all([
    cli(['dlq', 'list'], down),
    cli(['groups', '--probe', 'http://127.0.0.1:9/v1/lag'], down),
    cli(['trace', 'wamid.X'], down),
  ]);
  for (const r of results) {
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^wabus: WABUS_OPS_BROKER_UNREACHABLE: cannot reach Kafka/);
  }
});
