import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SimulatorError } from './errors.ts';
import { formatReport } from './format-report.ts';
import { runSimulation } from './run-simulation.ts';
import { walkBody } from './walk-body.test-support.ts';

const SECRET = 'test-app-secret';

interface Received {
  n: number;
  hash: string;
  body: Buffer;
  signatureOk: boolean;
  status: number;
}

/** A real server on 127.0.0.1 that checks the signature and answers by script (`null` = never answer). */
async function startServer(t: TestContext, script: (n: number, signatureOk: boolean) => number | null | Promise<number | null>) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const header = String(req.headers['x-hub-signature-256'] ?? '');
      const expected = Buffer.from(`sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
      const signatureOk = header.length === expected.length && timingSafeEqual(Buffer.from(header), expected);
      const n = received.length;
      const entry: Received = { n, hash: createHash('sha256').update(body).digest('hex'), body, signatureOk, status: 0 };
      received.push(entry);
      void Promise.resolve(script(n, signatureOk)).then((status) => {
        if (status === null) return;
        entry.status = status;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'EVENT_RECEIVED' : 'no');
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/webhook`, received };
}

const sortedJson = (items: unknown[]) => items.map((i) => JSON.stringify(i)).sort();

test('given a scripted 200/503 server, when run closed-loop with duplicates, then counts, signatures, re-posts and expected items match', async (t) => {
  const server = await startServer(t, (n, ok) => (!ok ? 401 : n % 5 === 4 ? 503 : 200));
  const report = await runSimulation({
    url: server.url,
    secret: SECRET,
    rate: 0,
    concurrency: 4,
    durationMs: 20_000,
    maxRequests: 80,
    batch: 3,
    duplicates: 0.4,
    duplicateDelayMs: { min: 0, max: 5 },
    seed: 'closed-loop',
    collectExpected: true,
  });
  const got = server.received;
  assert.equal(report.sent, 80);
  assert.equal(got.length, 80);
  assert.ok(
    got.every((r) => r.signatureOk),
    'every signature verifies against the raw bytes',
  );
  const ok = got.filter((r) => r.status === 200).length;
  const unavailable = got.filter((r) => r.status === 503).length;
  assert.deepEqual([report.accepted, report.unavailable, report.rejected, report.errors, report.skipped], [ok, unavailable, 0, 0, 0]);
  assert.deepEqual(report.byStatus, { 200: ok, 503: unavailable });
  assert.equal(report.latencyMs.count, 80);
  assert.ok(report.latencyMs.p50 <= report.latencyMs.p99 && report.latencyMs.p99 <= report.latencyMs.max);

  // Re-posts are byte-identical copies of a body posted earlier.
  const seen = new Set<string>();
  let repeats = 0;
  for (const r of got) {
    if (seen.has(r.hash)) repeats++;
    seen.add(r.hash);
  }
  assert.ok(report.duplicatesSent > 0, 'some re-posts happened');
  assert.equal(repeats, report.duplicatesSent);
  assert.equal(seen.size, report.sent - report.duplicatesSent);

  const itemsOnWire = got.reduce((sum, r) => sum + walkBody(JSON.parse(r.body.toString())).length, 0);
  assert.equal(report.itemsSent, itemsOnWire);
  assert.equal(report.uniqueItemsSent, seen.size * 3);

  // Expected: the unique items of every body that got a 200 at least once.
  const acceptedHashes = new Set(got.filter((r) => r.status === 200).map((r) => r.hash));
  const firstCopies = [...new Map(got.map((r) => [r.hash, r] as const)).values()];
  const expected = firstCopies.filter((r) => acceptedHashes.has(r.hash)).flatMap((r) => walkBody(JSON.parse(r.body.toString())));
  assert.deepEqual(sortedJson(report.expectedItems ?? []), sortedJson(expected));
  assert.match(formatReport(report), /accepted \d+/);
});

test('given a rate, when run open-loop, then sends are paced at rate x duration and progress is reported on the same clock', async (t) => {
  // A virtual clock (now, sleep) paces the sends and advances the mocked progress ticker: exact counts and times,
  // whatever the machine's load.
  t.mock.timers.enable({ apis: ['setInterval'] });
  let clock = 0;
  const sentAt: number[] = [];
  const progress: { elapsedMs: number; sent: number }[] = [];
  const report = await runSimulation({
    url: 'http://127.0.0.1:1/',
    secret: SECRET,
    rate: 200,
    durationMs: 500,
    concurrency: 8,
    seed: 1,
    now: () => clock,
    sleep: async (ms) => {
      clock += ms;
      t.mock.timers.tick(ms);
    },
    poster: {
      post: async () => {
        sentAt.push(clock);
        return { ok: true, status: 200, latencyMs: 1 };
      },
      close: () => undefined,
    },
    onProgress: (p) => progress.push({ elapsedMs: p.elapsedMs, sent: p.sent }),
    progressIntervalMs: 100,
  });
  assert.deepEqual(
    sentAt,
    Array.from({ length: 100 }, (_, i) => i * 5),
    'one send every 1000 / 200 ms, from 0 until the 500 ms are over',
  );
  assert.deepEqual([report.sent, report.skipped, report.accepted, report.durationMs], [100, 0, 100, 495]);
  assert.equal(report.expectedItems, undefined, 'off by default');
  assert.deepEqual(
    progress,
    [100, 200, 300, 400].map((ms) => ({ elapsedMs: ms, sent: ms / 5 })),
  );
});

test('given a slow server and a low concurrency, when run open-loop, then sends over the cap are skipped and counted', async (t) => {
  const server = await startServer(t, () => new Promise((resolve) => setTimeout(() => resolve(200), 400)));
  const report = await runSimulation({ url: server.url, secret: SECRET, rate: 100, durationMs: 300, concurrency: 2, seed: 2 });
  assert.ok(report.skipped > 0);
  assert.ok(report.sent <= 4, `sent ${report.sent}`);
  assert.ok(report.sent + report.skipped >= 27 && report.sent + report.skipped <= 30);
  assert.equal(server.received.length, report.sent);
  assert.equal(report.accepted, report.sent);
});

test('given a wrong secret, then every answer is a 4xx counted as rejected', async (t) => {
  const server = await startServer(t, (_n, ok) => (ok ? 200 : 401));
  const report = await runSimulation({ url: server.url, secret: 'wrong', rate: 0, concurrency: 2, durationMs: 5000, maxRequests: 6, seed: 3 });
  assert.deepEqual([report.sent, report.rejected, report.accepted], [6, 6, 0]);
  assert.deepEqual(report.byStatus, { 401: 6 });
});

test('given a server that never answers, then requests time out as network errors and the run still ends', async (t) => {
  const server = await startServer(t, () => null);
  const report = await runSimulation({ url: server.url, secret: SECRET, rate: 0, concurrency: 2, durationMs: 5000, maxRequests: 2, timeoutMs: 100, seed: 4 });
  assert.deepEqual([report.sent, report.errors, report.accepted], [2, 2, 0]);
  assert.deepEqual(report.errorsByCode, { ETIMEDOUT: 2 });
  assert.equal(report.latencyMs.count, 0);
});

test('given no server listening, then connection errors are counted', async () => {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const report = await runSimulation({ url: `http://127.0.0.1:${port}/`, secret: SECRET, rate: 0, concurrency: 1, durationMs: 5000, maxRequests: 3, seed: 5 });
  assert.deepEqual([report.sent, report.errors], [3, 3]);
  assert.deepEqual(report.errorsByCode, { ECONNREFUSED: 3 });
});

test('given invalid options, then WABUS_SIM_INVALID_OPTION names the option', async () => {
  const base = { url: 'http://127.0.0.1:1/', secret: 's', rate: 1, durationMs: 10 };
  for (const [bad, name] of [
    [{ rate: -1 }, 'rate'],
    [{ durationMs: Infinity }, 'durationMs'],
    [{ duplicates: 2 }, 'duplicates'],
    [{ batch: 1001 }, 'batch'],
    [{ concurrency: 0 }, 'concurrency'],
  ] as const) {
    await assert.rejects(runSimulation({ ...base, ...bad }), (e) => SimulatorError.is(e, 'WABUS_SIM_INVALID_OPTION') && e.message.startsWith(name));
  }
});
