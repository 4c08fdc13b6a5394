import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { createKafka } from '@wabus/kafka';
import { createTestTopics, descendantPids, processExists, testEnv, waitUntil } from '@wabus/testing';
import { countOnTopic } from './fault-traffic.test-support.ts';
import { customerWebhook } from './http-traffic.test-support.ts';
import { startIngressProcess } from './ingress-process.test-support.ts';

/** The real ingress with INGRESS_WORKERS=2 (and `env`) on topics of the test's own; resolves once both workers listen. */
async function startTwoWorkers(t: TestContext, env: Record<string, string>) {
  const kafka = createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'workers-test' });
  const topics = await createTestTopics(kafka);
  t.after(() => topics.drop());
  const ingress = await startIngressProcess(t, { brokers: testEnv().kafkaBrokers, ...topics, env: { INGRESS_WORKERS: '2', LOG_LEVEL: 'info', ...env } });
  const supervisor = ingress.service.child.pid!;
  await waitUntil('two workers', () => descendantPids(supervisor).length === 2);
  const workers = descendantPids(supervisor) as [number, number];
  // Each listening (so each told the supervisor its metrics answer: a worker still starting is not asked for them).
  await waitUntil('both workers listening', () => workers.every((pid) => new RegExp(`"pid":${pid},[^\\n]*"ingress listening"`).test(ingress.service.output())));
  return { kafka, topics, ingress, supervisor, workers };
}

// INGRESS_WORKERS > 1 on the chassis: the first process only supervises; each worker is a whole ingress.
test('ingress with 2 workers: every webhook stored once; a SIGKILLed worker is replaced; SIGTERM stops the workers, then the supervisor, exit 0', async (t) => {
  const { kafka, topics, ingress, supervisor, workers: startedWith } = await startTwoWorkers(t, {});
  const [first, second] = startedWith;

  const post = async (from: number, n: number) => {
    const answers = await Promise.all(Array.from({ length: n }, (_, i) => ingress.post(customerWebhook(`wamid.W${from + i}`, (from + i) % 7))));
    return answers.map((a) => a.status);
  };
  assert.deepEqual(await post(0, 20), Array(20).fill(200));

  process.kill(first, 'SIGKILL');
  await waitUntil('a third worker in place of the killed one', () => {
    const now = descendantPids(supervisor);
    return now.length === 2 && !now.includes(first) && now.includes(second);
  });
  // A probe refused while the replacement starts counts as not ready yet (seen once in CI at load 10: ECONNREFUSED
  // right after the new worker appeared); the webhooks below must all be 200 all the same.
  await waitUntil('ready again', async () => (await fetch(`${ingress.base}/readyz`).catch(() => null))?.status === 200);
  assert.deepEqual(await post(20, 20), Array(20).fill(200));
  // The supervisor's log is buffered but written out within a second: the death is there, naming the worker.
  await waitUntil('the death logged', () => new RegExp(`"workerPid":${first}[^\\n]*ingress worker died; starting another`).test(ingress.service.output()));

  const workers = descendantPids(supervisor);
  assert.equal(await ingress.service.stop(), 0);
  assert.deepEqual(workers.filter(processExists), [], 'no worker outlives the supervisor');
  const onTopic = await countOnTopic(kafka, topics.eventsTopic);
  assert.deepEqual(
    Array.from({ length: 40 }, (_, i) => onTopic.get(`wamid.W${i}`)),
    Array(40).fill(1),
    'every acknowledged webhook on the topic, once',
  );
});

// A worker that stalls instead of dying (SIGSTOP): node:cluster keeps it as a worker, and the connections it holds
// (Meta keeps its connections alive) hang with every webhook sent on them.
test('ingress with 2 workers: a SIGSTOPped worker is killed and replaced within INGRESS_WORKER_STALL_MS; webhooks on its connections fail then (not 200), sent again they are stored once', async (t) => {
  const stallMs = 2_000;
  const { kafka, topics, ingress, supervisor, workers } = await startTwoWorkers(t, { INGRESS_WORKER_STALL_MS: String(stallMs) });
  t.after(() => workers.filter(processExists).forEach((p) => process.kill(p, 'SIGCONT')));

  // Twelve kept-alive connections, each one socket: the supervisor deals them to both workers.
  const agents = Array.from({ length: 12 }, () => new Agent({ keepAlive: true, maxSockets: 1 }));
  t.after(() => agents.forEach((a) => a.destroy()));
  const send = (agent: Agent | undefined, wamid: string, i: number) =>
    new Promise<{ wamid: string; status: number | 'failed'; ms: number }>((resolve) => {
      const body = customerWebhook(wamid, i % 7);
      const started = performance.now();
      const done = (status: number | 'failed') => resolve({ wamid, status, ms: performance.now() - started });
      const req = request(`${ingress.base}/webhook`, {
        method: 'POST',
        agent: agent ?? false,
        timeout: 30_000,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': ingress.signature(body) },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode!));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => done('failed'));
      req.end(body);
    });
  const first = await Promise.all(agents.map((a, i) => send(a, `wamid.S${i}`, i)));
  assert.deepEqual(
    first.map((r) => r.status),
    Array(12).fill(200),
  );

  // Which worker holds which connection is the supervisor's choice (under load it may deal all twelve to one): stop
  // one; if every webhook is answered, none of the connections is on it, so resume it and stop the other.
  let frozen = 0;
  let held: Awaited<ReturnType<typeof send>>[] = [];
  let sent = 12;
  for (const candidate of workers) {
    process.kill(candidate, 'SIGSTOP');
    const during = await Promise.all(agents.map((a, i) => send(a, `wamid.S${sent + i}`, i)));
    sent += agents.length;
    held = during.filter((r) => r.status !== 200);
    if (held.length > 0) {
      frozen = candidate;
      break;
    }
    process.kill(candidate, 'SIGCONT');
  }
  assert.ok(frozen !== 0, 'one of the two workers held some of the connections');
  const other = workers.find((p) => p !== frozen)!;
  assert.ok(
    held.every((r) => r.status === 'failed' && r.ms >= stallMs - 500 && r.ms < stallMs + 12_000),
    `held until the stopped worker was killed, then closed, never answered (not the client's 30 s timeout): ${JSON.stringify(held)}`,
  );
  await waitUntil('a new worker in place of the stopped one', () => {
    const now = descendantPids(supervisor);
    return now.length === 2 && !now.includes(frozen) && now.includes(other);
  });
  await waitUntil('the stall logged', () => new RegExp(`"workerPid":${frozen}[^\\n]*WABUS_INGRESS_WORKER_STALLED`).test(ingress.service.output()));
  await waitUntil('ready again', async () => (await fetch(`${ingress.base}/readyz`).catch(() => null))?.status === 200);

  // Meta sends the unanswered ones again.
  assert.deepEqual(
    (await Promise.all(held.map((r, i) => send(undefined, r.wamid, i)))).map((r) => r.status),
    Array(held.length).fill(200),
  );
  const metrics = await (await fetch(`${ingress.base}/metrics`)).text();
  assert.match(metrics, /wabus_ingress_workers_replaced_total\{reason="stalled"\} 1\b/);
  assert.match(metrics, /wabus_ingress_workers_replaced_total\{reason="died"\} 0\b/);

  agents.forEach((a) => a.destroy());
  assert.equal(await ingress.service.stop(), 0);
  const onTopic = await countOnTopic(kafka, topics.eventsTopic);
  assert.deepEqual(
    Array.from({ length: sent }, (_, i) => onTopic.get(`wamid.S${i}`)),
    Array(sent).fill(1),
    'every webhook on the topic once: those the stopped worker held never reached it',
  );
});

// The supervisor merges every worker's registry for a scrape (cluster-metrics.ts): a stalled worker cannot answer.
test('ingress with 2 workers, the watchdog off: while one worker is stopped a scrape fails within the merge timeout (503, coded, naming it), not hanging and not a partial sum; resumed, scrapes answer again', async (t) => {
  const { ingress, supervisor, workers } = await startTwoWorkers(t, { INGRESS_WORKER_STALL_MS: '0' });
  const [frozen] = workers;
  let stopped = false;
  t.after(() => (stopped ? process.kill(frozen, 'SIGCONT') : undefined));
  // A fresh connection per scrape: the stopped worker is dealt at most one of them (node:cluster waits for a worker to
  // take a connection before it deals it another), and that one is held; so three at once.
  const scrape = () =>
    new Promise<{ status: number | 'failed'; text: string; ms: number }>((resolve) => {
      const started = performance.now();
      const req = request(`${ingress.base}/metrics`, { agent: false, timeout: 12_000 });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve({ status: 'failed', text: '', ms: performance.now() - started }));
      req.end();
    });
  assert.equal((await scrape()).status, 200);

  process.kill(frozen, 'SIGSTOP');
  stopped = true;
  const during = await Promise.all([scrape(), scrape(), scrape()]);
  const answered = during.filter((s) => s.status !== 'failed');
  assert.ok(answered.length >= 2, `the live worker answered: ${JSON.stringify(during.map((s) => [s.status, Math.round(s.ms)]))}`);
  for (const s of answered) {
    assert.equal(s.status, 503, 'no partial sums: a counter that dropped would read as a reset');
    assert.deepEqual(JSON.parse(s.text), {
      error: { code: 'WABUS_INGRESS_METRICS_UNAVAILABLE', message: `worker ${frozen}: no answer within 5000 ms` },
    });
    assert.ok(s.ms >= 4_500 && s.ms < 15_000, `answered at the merge timeout (5 s): ${Math.round(s.ms)} ms`);
  }

  process.kill(frozen, 'SIGCONT');
  stopped = false;
  await waitUntil('scrapes answer again', async () => (await scrape()).status === 200, { timeoutMs: 30_000 });
  assert.deepEqual(descendantPids(supervisor).includes(frozen), true, 'with the watchdog off, the worker was kept');
});
