// Slow and abusive clients against a real ingress socket with the production server options (server-options.ts),
// the timeouts shortened: each is cut within its timeout, well-behaved webhooks beside them are answered, and after
// 1,000 of them no socket is left and the heap is back near where it was.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createBodyGenerator } from '@wabus/simulator';
import { abuse, ABUSE_KINDS, trackConnections, type AbuseKind } from '@wabus/testing';
import { sign, startTestIngress } from './test-helpers.ts';

const REQUEST_TIMEOUT_MS = 1_000;
const KEEP_ALIVE_TIMEOUT_MS = 1_000;
const CHECK_INTERVAL_MS = 250;
/** Room for a starved event loop on a shared 2-core machine; a missing timeout is seconds to minutes over. */
const SLACK_MS = 2_000;
/** The most a server may keep each kind of client: its timeout, the check interval, the slack. */
const BOUND_MS: Record<AbuseKind, number> = {
  slow_headers: REQUEST_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS,
  slow_body: REQUEST_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS,
  idle: REQUEST_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS,
  idle_keep_alive: KEEP_ALIVE_TIMEOUT_MS + SLACK_MS,
  expect_no_body: REQUEST_TIMEOUT_MS + CHECK_INTERVAL_MS + SLACK_MS,
  // The inactivity timeout counts from when the client's full buffers stop the server's writes, after it computed ~500
  // answers of 8 KB (2-4 s of CPU on a starved machine): seconds, where without the timeout it would be never.
  never_reads: REQUEST_TIMEOUT_MS + CHECK_INTERVAL_MS + 4 * SLACK_MS,
};
/** A client the server never lets go gives up after this: far beyond any bound, far below Node's defaults (72 s keep-alive). */
const GIVE_UP_MS = 20_000;

async function startServer(t: Parameters<typeof startTestIngress>[0]) {
  const ingress = await startTestIngress(t, {
    requestTimeoutMs: REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: KEEP_ALIVE_TIMEOUT_MS,
    connectionsCheckIntervalMs: CHECK_INTERVAL_MS,
  });
  const connections = trackConnections(ingress.app.server);
  await ingress.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (ingress.app.server.address() as net.AddressInfo).port;
  return { ...ingress, connections, port };
}

const webhooks = createBodyGenerator({ seed: 'slow-clients', batch: 3, now: () => Date.UTC(2026, 0, 15) });

/** A well-behaved webhook on a fresh connection (closed after it): its status and disposition. */
function postWebhook(port: number): Promise<string> {
  const body = webhooks.next().body;
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/webhook',
        agent: false,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body), connection: 'close' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(`${res.statusCode} ${(JSON.parse(Buffer.concat(chunks).toString()) as { disposition?: string }).disposition}`));
      },
    );
    req.on('error', (err) => resolve(`error ${err.message}`));
    req.end(body);
  });
}

/** Well-behaved webhooks, one after another, until `until` settles: every answer. */
async function wellBehavedDuring(port: number, until: Promise<unknown>): Promise<string[]> {
  let done = false;
  void until.finally(() => (done = true));
  const answers: string[] = [];
  while (!done || answers.length < 5) answers.push(await postWebhook(port));
  return answers;
}

test('slow and abusive clients: each kind is cut within its timeout while well-behaved webhooks beside them are accepted', async (t) => {
  const { port, connections } = await startServer(t);
  for (const kind of ABUSE_KINDS) {
    const clients = Promise.all(
      Array.from({ length: 20 }, () => abuse(kind, port, { dribbleMs: 100, giveUpMs: GIVE_UP_MS, serverClosed: connections.closed })),
    );
    const answers = await wellBehavedDuring(port, clients);
    for (const r of await clients) {
      assert.ok(r.closedByServer, `${kind}: the server never closed the connection`);
      const held = connections.lifetimeOf(r.localPort);
      assert.ok(held !== undefined && held <= BOUND_MS[kind], `${kind}: held ${held?.toFixed(0)} ms, bound ${BOUND_MS[kind]} ms`);
    }
    assert.deepEqual(new Set(answers), new Set(['200 accepted']), `${kind}: every well-behaved webhook accepted (${answers.length})`);
    t.diagnostic(`${kind}: 20 clients cut (first answer: ${(await clients)[0]!.firstLine ?? 'none'}), ${answers.length} webhooks accepted meanwhile`);
  }
});

/** Sends headers with `Expect: 100-continue`; the body only once `100 Continue` came. Everything the server wrote before closing. */
function expectContinue(port: number, body: Buffer, declared = body.length): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let text = '';
    let sent = false;
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.startsWith('HTTP/1.1 100 Continue\r\n\r\n') && !sent) {
        sent = true;
        // Not end(): a half-closed client may be answered with a close before its response.
        socket.write(body);
      }
    });
    socket.on('close', () => resolve(text));
    socket.write(
      `POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Hub-Signature-256: ${sign(body)}\r\n` +
        `Content-Length: ${declared}\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`,
    );
  });
}

test('Expect: 100-continue: a body within the limit is invited and accepted; one declared over it gets 413 without the invitation', async (t) => {
  const { port } = await startServer(t);
  const ok = await expectContinue(port, webhooks.next().body);
  assert.match(ok, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK/);
  assert.match(ok, /"disposition":"accepted"/);
  const big = await expectContinue(port, Buffer.alloc(0), 3 * 1024 * 1024 + 1);
  assert.match(big, /^HTTP\/1\.1 413 /, 'no 100 Continue: the client is not asked for 3 MB that would be thrown away');
  assert.match(big, /FST_ERR_CTP_BODY_TOO_LARGE/);
});

const openDescriptors = () => readdirSync('/proc/self/fd').length;

test('1,000 abusive clients: every one is cut, then no server connection and no descriptor is left, and the heap is back near its baseline', async (t) => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const { app, port, connections, logLines } = await startServer(t);
  const countConnections = () => new Promise<number>((resolve, reject) => app.server.getConnections((err, n) => (err ? reject(err) : resolve(n))));
  // Warm up (code paths, pools), then measure.
  await Promise.all(ABUSE_KINDS.map((kind) => abuse(kind, port, { dribbleMs: 200, giveUpMs: GIVE_UP_MS, serverClosed: connections.closed })));
  assert.equal(await postWebhook(port), '200 accepted');
  // The test's own log sink keeps every line; the server's heap is what is measured.
  logLines.length = 0;
  gc();
  const baseline = { heap: process.memoryUsage().heapUsed, fds: openDescriptors() };

  // Non-readers pipeline 8 requests each here (the test above fills their buffers): 600 each would be ~100,000 answers
  // of 8 KB for the server to compute first, which measures its speed, not its leaks.
  const clients = Promise.all(
    Array.from({ length: 1_000 }, (_, i) =>
      abuse(ABUSE_KINDS[i % ABUSE_KINDS.length]!, port, { dribbleMs: 200, giveUpMs: GIVE_UP_MS, pipelined: 8, serverClosed: connections.closed }),
    ),
  );
  const answers = await wellBehavedDuring(port, clients);
  const results = await clients;
  assert.deepEqual(
    results.filter((r) => !r.closedByServer).map((r) => r.kind),
    [],
    'the server closed every connection',
  );
  assert.deepEqual(new Set(answers), new Set(['200 accepted']));
  assert.equal(await countConnections(), 0, 'no connection left on the server');

  logLines.length = 0;
  for (let i = 0; i < 3; i++) gc();
  const heap = process.memoryUsage().heapUsed;
  const fds = openDescriptors();
  t.diagnostic(
    `heap ${(baseline.heap / 1e6).toFixed(1)} → ${(heap / 1e6).toFixed(1)} MB, descriptors ${baseline.fds} → ${fds}, ${answers.length} webhooks accepted meanwhile`,
  );
  assert.ok(fds <= baseline.fds + 5, `descriptors ${baseline.fds} → ${fds}`);
  // Generous: 1,000 connections' worth of leaked buffers or parsers would be tens of megabytes.
  assert.ok(heap - baseline.heap < 8e6, `heap grew by ${((heap - baseline.heap) / 1e6).toFixed(1)} MB`);
});
