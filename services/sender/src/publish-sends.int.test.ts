import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TopicMessages } from '@wabus/kafka';
import { testDatabase, testMongoClient } from '@wabus/testing';
import { parseSend } from './parse-send.ts';
import { createSendPublisher } from './publish-sends.ts';
import { sendsOf, type SendDoc } from './sends.ts';
import { surfaceStale } from './surface-stale.ts';

test('send events: a produce that fails leaves the send unpublished; the sweep appends it once, then nothing', async (t) => {
  const client = await testMongoClient(t);
  const sends = sendsOf(client.db(testDatabase(t, { prefix: 'sender_pub' })));
  const at = new Date(Date.UTC(2026, 11, 6, 12));
  const doc: SendDoc = {
    _id: 'snd_1',
    state: 'sent',
    tenantId: 'default',
    phoneNumberId: '1',
    idempotencyKey: 'k',
    fingerprint: 'f',
    command: parseSend({ phoneNumberId: '1', to: '5511999990001', type: 'text', text: { body: 'hi' } }),
    request: { method: 'POST', path: '/v21.0/1/messages', body: {} },
    attempts: 1,
    owner: 'o',
    reply: { wamid: 'wamid.A', acceptedAt: at },
    createdAt: at,
    updatedAt: at,
  };
  await sends.insertOne(doc);
  const produced: TopicMessages[] = [];
  let failNext = true;
  const producer = {
    send: async (batch: TopicMessages[]) => {
      if (failNext) {
        failNext = false;
        throw new Error('broker unreachable');
      }
      produced.push(...batch);
    },
  };
  const warnings: string[] = [];
  const publisher = createSendPublisher({ producer, topic: 'sends', sends, log: { warn: (_o, m) => warnings.push(m) } });

  assert.equal(await publisher.publish(doc), false);
  assert.equal((await sends.findOne({ _id: 'snd_1' }))?.published, undefined);
  assert.equal(await publisher.sweep(new Date(at.getTime() - 1)), 0, 'not due yet: its request may still be publishing');
  assert.equal(await publisher.sweep(new Date(at.getTime() + 1)), 1);
  assert.equal(await publisher.sweep(new Date(at.getTime() + 1)), 0, 'published in its state: not again');
  assert.equal((await sends.findOne({ _id: 'snd_1' }))?.published, 'sent');
  assert.deepEqual(
    produced.map((b) => [b.topic, b.messages[0]!.key, JSON.parse(String(b.messages[0]!.value)) as unknown]),
    [
      [
        'sends',
        '1',
        {
          sendId: 'snd_1',
          state: 'sent',
          tenantId: 'default',
          phoneNumberId: '1',
          customer: '5511999990001',
          type: 'text',
          wamid: 'wamid.A',
          error: null,
          at: at.toISOString(),
        },
      ],
    ],
  );
  assert.deepEqual(warnings, ['send event not appended: the sweep appends it']);
});

test('a send left pending by a stopped process is surfaced unknown (orphaned) once it is older than any live call, then published', async (t) => {
  const client = await testMongoClient(t);
  const sends = sendsOf(client.db(testDatabase(t, { prefix: 'sender_stale' })));
  const at = new Date(Date.UTC(2026, 11, 6, 12));
  const pending = (id: string, updatedAt: Date): SendDoc => ({
    _id: id,
    state: 'pending',
    tenantId: 'default',
    phoneNumberId: '1',
    idempotencyKey: id,
    fingerprint: 'f',
    command: parseSend({ phoneNumberId: '1', to: '5511999990001', type: 'text', text: { body: 'hi' } }),
    request: { method: 'POST', path: '/v21.0/1/messages', body: {} },
    attempts: 1,
    owner: 'dead-process',
    createdAt: updatedAt,
    updatedAt,
  });
  await sends.insertMany([pending('old', at), pending('live', new Date(at.getTime() + 60_000))]);
  assert.equal(await surfaceStale(sends, new Date(at.getTime() + 1), new Date(at.getTime() + 70_000)), 1);
  const old = await sends.findOne({ _id: 'old' });
  assert.deepEqual([old?.state, old?.unknown?.reason, old?.attempts], ['unknown', 'orphaned', 1], 'never claimed again: attempts unchanged');
  assert.equal((await sends.findOne({ _id: 'live' }))?.state, 'pending', 'a recent one may still be in its call');

  const produced: TopicMessages[] = [];
  const publisher = createSendPublisher({
    producer: { send: async (b: TopicMessages[]) => void produced.push(...b) },
    topic: 'sends',
    sends,
    log: { warn: () => undefined },
  });
  assert.equal(await publisher.sweep(new Date(at.getTime() + 80_000)), 1);
  assert.deepEqual((JSON.parse(String(produced[0]!.messages[0]!.value)) as { error: unknown }).error, { code: 'unknown', reason: 'orphaned' });
});
