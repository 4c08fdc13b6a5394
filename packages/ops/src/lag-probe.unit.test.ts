import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probeLag, type FetchLike } from './lag-probe.ts';

const answers: Record<string, () => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>> = {
  'http://a/v1/lag': async () => ({
    ok: true,
    status: 200,
    json: async () => ({
      groupId: 'wabus.message-store',
      topic: 'whatsapp.events.v1',
      joined: true,
      partitions: [{ partition: 0, paused: false }, { partition: 1, paused: true, lastError: 'apply: store down' }, { partition: 'x' }],
      redrive: { groupId: 'wabus.message-store.redrive', topic: 'whatsapp.events.v1.redrive.message-store', partitions: [{ partition: 2, paused: false }] },
    }),
  }),
  'http://b/v1/lag': async () => ({ ok: false, status: 503, json: async () => ({}) }),
  'http://c/v1/lag': async () => ({ ok: true, status: 200, json: async () => ({ hello: 'world' }) }),
  'http://d/v1/lag': async () => Promise.reject(new Error('connect ECONNREFUSED')),
};
const fakeFetch: FetchLike = (url) => answers[url]!();

test('given services that answer (with their redrive group), fail, answer nonsense or are down, then each probe says so and none throws', async () => {
  const r = await probeLag(Object.keys(answers), { fetch: fakeFetch });
  assert.deepEqual(r, [
    {
      url: 'http://a/v1/lag',
      ok: true,
      statuses: [
        {
          groupId: 'wabus.message-store',
          topic: 'whatsapp.events.v1',
          partitions: [
            { partition: 0, paused: false },
            { partition: 1, paused: true, lastError: 'apply: store down' },
          ],
        },
        { groupId: 'wabus.message-store.redrive', topic: 'whatsapp.events.v1.redrive.message-store', partitions: [{ partition: 2, paused: false }] },
      ],
    },
    { url: 'http://b/v1/lag', ok: false, error: 'HTTP 503' },
    { url: 'http://c/v1/lag', ok: false, error: 'not a /v1/lag answer (expected {groupId, partitions})' },
    { url: 'http://d/v1/lag', ok: false, error: 'connect ECONNREFUSED' },
  ]);
});

test('given a service that does not answer in time, then the probe gives up after the timeout', async () => {
  const hanging: FetchLike = (_url, init) => new Promise((_, reject) => init.signal.addEventListener('abort', () => reject(init.signal.reason as Error)));
  const [r] = await probeLag(['http://slow/v1/lag'], { fetch: hanging, timeoutMs: 20 });
  assert.equal(r!.ok, false);
  assert.equal(r!.error, 'no answer within 20 ms');
});
