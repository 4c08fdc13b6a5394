import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatusDocument } from './status-document.ts';
import { statusView } from './status-routes.ts';
import { deliver, statusWorkload } from './status-workload.test-support.ts';
import { createTopics, expectedDocs, produce, startTracker, testDatabase, testKafka } from './tracker.test-support.ts';

const json = (body: string) => JSON.parse(body) as Record<string, unknown>;

/** Counts and failures computed from the oracle documents, independently of the store's aggregation. */
function expectedReport(docs: StatusDocument[], phone: string, from: number, to: number) {
  const inRange = docs.filter((d) => d.phoneNumberId === phone && d.firstTimestamp !== null && d.firstTimestamp >= from && d.firstTimestamp < to);
  const counts: Record<string, number> = { sent: 0, delivered: 0, read: 0, played: 0, failed: 0, unknown: 0 };
  for (const d of inRange) counts[d.status ?? 'unknown']! += 1;
  const byCode = new Map<number | null, StatusDocument[]>();
  for (const d of inRange.filter((x) => x.status === 'failed')) {
    for (const code of new Set(d.errors.length === 0 ? [null] : d.errors.map((e) => e.code))) byCode.set(code, [...(byCode.get(code) ?? []), d]);
  }
  const codes = [...byCode]
    .map(([code, list]) => ({
      code,
      messages: list.length,
      examples: list
        .sort((a, b) => b.firstTimestamp! - a.firstTimestamp! || (a._id < b._id ? -1 : 1))
        .slice(0, 5)
        .map((d) => d._id),
    }))
    .sort((a, b) => b.messages - a.messages || (a.code ?? -1) - (b.code ?? -1));
  return { total: inRange.length, counts, codes, failed: counts['failed'] ?? 0 };
}

test('status-tracker API: a message by wamid, counts per status and failures by code match the produced workload', async (t) => {
  const kafka = testKafka();
  const records = deliver(statusWorkload({ seed: 'api', messages: 600 }), { seed: 'api-order', maxPerBody: 5 });
  const { topic, dlqTopic } = await createTopics(t, kafka);
  await produce(kafka, topic, records);
  const tracker = await startTracker(t, { topic, dlqTopic, database: testDatabase(t) });
  await tracker.runtime.whenApplied();
  const docs = expectedDocs(records);
  const { app } = tracker;

  // One document, as stored, without the concurrency token; 404 with a code for an unknown id.
  const failed = docs.find((d) => d.status === 'failed' && d.pricing === null)!;
  const one = await app.inject({ url: `/v1/statuses/${encodeURIComponent(failed._id)}` });
  assert.equal(one.statusCode, 200);
  assert.deepEqual(json(one.body), JSON.parse(JSON.stringify(statusView(failed))));
  assert.equal(json(one.body)['_h'], undefined);
  const missing = await app.inject({ url: '/v1/statuses/wamid.unknown' });
  assert.equal(missing.statusCode, 404);
  assert.equal((json(missing.body)['error'] as { code: string }).code, 'WABUS_STATUS_TRACKER_NOT_FOUND');

  // The busiest business number, over the later half of its time span (from inclusive, to exclusive).
  const phones = new Map<string, StatusDocument[]>();
  for (const d of docs) phones.set(d.phoneNumberId!, [...(phones.get(d.phoneNumberId!) ?? []), d]);
  const [phone, mine] = [...phones].sort((a, b) => b[1].length - a[1].length)[0]!;
  const times = mine.map((d) => d.firstTimestamp!).sort((a, b) => a - b);
  const from = times[Math.floor(times.length / 3)]!;
  const to = times.at(-1)!;
  const want = expectedReport(docs, phone, from, to);
  assert.ok(want.total > 50 && want.failed > 3, JSON.stringify(want.counts));

  const counts = await app.inject({ url: `/v1/statuses/counts?phone_number_id=${phone}&from=${from}&to=${new Date(to * 1000).toISOString()}` });
  assert.equal(counts.statusCode, 200, counts.body);
  assert.deepEqual(json(counts.body), {
    phoneNumberId: phone,
    from: new Date(from * 1000).toISOString(),
    to: new Date(to * 1000).toISOString(),
    total: want.total,
    counts: want.counts,
  });
  const all = json((await app.inject({ url: `/v1/statuses/counts?phone_number_id=${phone}` })).body);
  assert.equal(all['total'], mine.length, 'no range: every message of the number');

  const failures = await app.inject({ url: `/v1/statuses/failures?phone_number_id=${phone}&from=${from}&to=${to}` });
  assert.equal(failures.statusCode, 200, failures.body);
  const body = json(failures.body) as { failed: number; codes: { code: number | null; title: string | null; messages: number; examples: string[] }[] };
  assert.equal(body.failed, want.failed);
  assert.deepEqual(
    body.codes.map(({ code, messages, examples }) => ({ code, messages, examples })),
    want.codes,
  );
  assert.ok(
    body.codes.every((c) => c.code === null || typeof c.title === 'string'),
    'each code with its title',
  );
});
