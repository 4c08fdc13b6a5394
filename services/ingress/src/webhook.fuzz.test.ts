// Ingress over real HTTP under ten thousand generated requests of every class (docs/fuzz.md): each gets the answer
// README's "What the ingress answers" documents, and the topics hold exactly what the 200s promise. Seeded:
// WABUS_FUZZ_SEED replays a run, WABUS_FUZZ_RUNS scales it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { decodeEvent } from '@wabus/events';
import { readTopic, type ReadRecord } from '@wabus/testing';
import { createTally, fuzzSettings, oracleJsonParse, watchUnhandledRejections } from '@wabus/testing/fuzz';
import { createCasePoster, type CaseAnswer } from './case-poster.test-support.ts';
import { bodyOf, httpCaseArb, resolveRetries, sha256, type HttpCase, type HttpClass } from './http-cases.test-support.ts';
import { startTestIngress } from './test-helpers.ts';

const settings = fuzzSettings(10_000);
/** The server's own bound on a request (INGRESS_REQUEST_TIMEOUT_MS in the test app): no answer may take longer. */
const REQUEST_TIMEOUT_MS = 15_000;

interface Answered {
  disposition: 'accepted' | 'quarantined';
  reason?: string;
  times: number;
  c: HttpCase;
}

const outcomeOf = (a: CaseAnswer): string => {
  if (a.status !== 200) return a.status === 0 ? `no answer (${a.error})` : String(a.status);
  const json = JSON.parse(a.body.toString('utf8')) as { disposition: string; reason?: string };
  return json.disposition === 'quarantined' ? `quarantined:${json.reason}` : json.disposition;
};

/** How an answer differs from the documented one; null when it is the documented one. */
function answerProblem(c: HttpCase, a: CaseAnswer): string | null {
  const e = c.expected;
  if (a.status !== e.status) return `answered ${outcomeOf(a)}, documented ${e.status} ${'code' in e ? e.code : e.disposition}`;
  const json = JSON.parse(a.body.toString('utf8')) as { deliveryId?: string; disposition?: string; reason?: string; events?: number; error?: { code: string } };
  if (e.status !== 200) return json.error?.code === e.code ? null : `code ${json.error?.code}, documented ${e.code}`;
  if (json.deliveryId !== sha256(bodyOf(c))) return `delivery id ${json.deliveryId} is not the body's sha256`;
  if (json.disposition !== e.disposition) return `${json.disposition} (${json.reason ?? ''}), documented ${e.disposition}`;
  if (e.disposition === 'quarantined') return json.reason === e.reason ? null : `quarantined as ${json.reason}, the oracle says ${e.reason}`;
  return json.events === e.items.length ? null : `${json.events} events, the body has ${e.items.length} items`;
}

function groupBy<T>(list: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of list) out.set(key(x), [...(out.get(key(x)) ?? []), x]);
  return out;
}

/** What the topics must hold compared with what they hold: every 200 once per answer, nothing else. */
function topicProblems(answered: Map<string, Answered>, raw: ReadRecord[], events: ReadRecord[]): string[] {
  const problems: string[] = [];
  const rawById = groupBy(raw, (r) => r.headers['wabus-delivery-id'] ?? '');
  for (const [id, records] of rawById) {
    const a = answered.get(id);
    if (a === undefined) problems.push(`raw record ${id.slice(0, 12)} of no 200 answer`);
    else if (records.length !== a.times) problems.push(`${a.c.cls} ${id.slice(0, 12)}: ${records.length} raw records for ${a.times} answers`);
    for (const r of records) {
      if (r.value === null || sha256(r.value) !== id) problems.push(`raw record ${id.slice(0, 12)}: not the body's bytes`);
      if (a !== undefined && r.headers['wabus-disposition'] !== a.disposition)
        problems.push(`raw record ${id.slice(0, 12)}: disposition ${r.headers['wabus-disposition']}`);
      if (a?.reason !== undefined && r.headers['wabus-quarantine-reason'] !== a.reason)
        problems.push(`raw record ${id.slice(0, 12)}: reason ${r.headers['wabus-quarantine-reason']}`);
    }
  }
  for (const [id, a] of answered) if (!rawById.has(id)) problems.push(`${a.c.cls} ${id.slice(0, 12)}: answered 200, not on the raw topic`);

  const eventsById = groupBy(events, (r) => r.headers['wabus-delivery-id'] ?? '');
  for (const [id, records] of eventsById) {
    const a = answered.get(id);
    if (a?.disposition !== 'accepted' || a.c.expected.status !== 200 || a.c.expected.disposition !== 'accepted') {
      problems.push(`${records.length} event records of ${id.slice(0, 12)}, which was not accepted`);
      continue;
    }
    const { items } = a.c.expected;
    if (records.length !== items.length * a.times)
      problems.push(`${a.c.cls} ${id.slice(0, 12)}: ${records.length} events for ${items.length} items × ${a.times}`);
    const idOfPosition = new Map<string, string>();
    for (const r of records) {
      const e = decodeEvent(r.value!);
      const where = `${e.kind} ${e.position.entry}/${e.position.change}/${e.position.item}`;
      const item = items.find((i) => `${i.kind} ${i.position.entry}/${i.position.change}/${i.position.item}` === where);
      if (item === undefined) problems.push(`${a.c.cls} ${id.slice(0, 12)}: no item at ${where}`);
      else if (!isDeepStrictEqual(oracleJsonParse(e.raw.toString('utf8')), item.value))
        problems.push(`${a.c.cls} ${id.slice(0, 12)}: raw at ${where} is another item`);
      if (r.headers['wabus-event-id'] !== e.eventId) problems.push(`${id.slice(0, 12)}: header and value disagree on the event id`);
      if ((idOfPosition.get(where) ?? e.eventId) !== e.eventId) problems.push(`${id.slice(0, 12)}: two ids for the item at ${where}`);
      idOfPosition.set(where, e.eventId);
    }
  }
  for (const [id, a] of answered) {
    if (
      a.disposition === 'accepted' &&
      a.c.expected.status === 200 &&
      a.c.expected.disposition === 'accepted' &&
      a.c.expected.items.length > 0 &&
      !eventsById.has(id)
    ) {
      problems.push(`${a.c.cls} ${id.slice(0, 12)}: accepted, no event on the topic`);
    }
  }
  return problems;
}

test('ingress over HTTP: every generated request gets its documented answer, and the topics hold exactly what the 200s promise', async (t) => {
  const unhandled = watchUnhandledRejections(t);

  const { app, kafka, topics } = await startTestIngress(t);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;

  let started = performance.now();
  const cases = fc.sample(httpCaseArb, { seed: settings.seed, numRuns: settings.runs });
  resolveRetries(cases);
  t.diagnostic(
    `seed ${settings.seed}: ${cases.length} requests generated in ${((performance.now() - started) / 1000).toFixed(1)} s (replay: ${settings.replay})`,
  );

  started = performance.now();
  const poster = createCasePoster(port, 16);
  t.after(() => poster.close());
  const answers = await poster.postAll(cases);
  t.diagnostic(`posted in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const tally = createTally<HttpClass>();
  const problems: string[] = [];
  const answered = new Map<string, Answered>();
  cases.forEach((c, i) => {
    const a = answers[i]!;
    tally.add(c.cls, outcomeOf(a));
    const problem = answerProblem(c, a);
    if (problem !== null) problems.push(`${c.cls} #${i}: ${problem}`);
    if (a.ms > REQUEST_TIMEOUT_MS) problems.push(`${c.cls} #${i}: answered after ${a.ms.toFixed(0)} ms`);
    if (a.status !== 200) return;
    const json = JSON.parse(a.body.toString('utf8')) as { deliveryId: string; disposition: 'accepted' | 'quarantined'; reason?: string };
    const seen = answered.get(json.deliveryId);
    if (seen !== undefined) seen.times++;
    else answered.set(json.deliveryId, { disposition: json.disposition, ...(json.reason ? { reason: json.reason } : {}), times: 1, c });
  });
  for (const line of tally.lines()) t.diagnostic(line);
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  t.diagnostic(
    `answer time p50 ${ms[Math.floor(ms.length / 2)]!.toFixed(1)} ms, p99 ${ms[Math.floor(ms.length * 0.99)]!.toFixed(1)} ms, max ${ms.at(-1)!.toFixed(1)} ms`,
  );

  started = performance.now();
  const [raw, events] = await Promise.all([
    readTopic(kafka, topics.rawTopic, { timeoutMs: 90_000 }),
    readTopic(kafka, topics.eventsTopic, { timeoutMs: 90_000 }),
  ]);
  t.diagnostic(`read ${raw.length} raw and ${events.length} event records back in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  problems.push(...topicProblems(answered, raw, events));

  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} problems (replay: ${settings.replay})`);
  assert.deepEqual(unhandled, [], 'no unhandled rejection');
  assert.equal(tally.total(), settings.runs);
  // Still healthy, still accepting.
  assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
});
