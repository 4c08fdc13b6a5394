import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { decodeEvent } from '@wabus/events';
import { readTopic } from '@wabus/testing';
import { sign, startTestIngress } from './test-helpers.ts';

function postHttp(port: number, body: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/webhook',
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

test('graceful shutdown: in-flight requests finish with 200 and are on the topic; new connections are refused', async (t) => {
  // Hold every publish until close() has begun, so the requests are provably in flight when shutdown starts.
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let waiting = 0;
  let allWaiting!: () => void;
  const allArrived = new Promise<void>((r) => (allWaiting = r));
  const N = 20;
  const { app, kafka, topics } = await startTestIngress(t, {
    wrapPublisher: (p) => ({
      async publish(...args) {
        if (++waiting === N) allWaiting();
        await gate;
        return p.publish(...args);
      },
    }),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const bodies = Array.from({ length: N }, (_, i) =>
    Buffer.from(
      `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"7"},` +
        `"messages":[{"from":"49${i}","id":"wamid.SD${i}","timestamp":"1","type":"text","text":{"body":"x"}}]}}]}]}`,
    ),
  );
  const inFlight = bodies.map((b) => postHttp(port, b));
  await allArrived;
  const closing = app.close();
  assert.equal(await postHttp(port, bodies[0]!), 0, 'a new connection after close began is refused');
  release();
  const statuses = await Promise.all(inFlight);
  await closing;
  assert.deepEqual(
    statuses,
    bodies.map(() => 200),
    'every in-flight request completes',
  );
  const stored = new Set((await readTopic(kafka, topics.eventsTopic)).map((r) => decodeEvent(r.value!).itemId));
  for (let i = 0; i < N; i++) assert.ok(stored.has(`wamid.SD${i}`), `wamid.SD${i} answered 200 but is not on the topic`);
});

test('a client that stalls mid-body is cut off after the request timeout, and nothing is written', async (t) => {
  const { app, kafka, topics } = await startTestIngress(t, { requestTimeoutMs: 1_000 });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
  const socket = connect(port, '127.0.0.1');
  const closed = new Promise<string>((resolve) => {
    let answer = '';
    socket.on('data', (c: Buffer) => (answer += c.toString()));
    socket.on('close', () => resolve(answer));
  });
  socket.write(
    `POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Hub-Signature-256: ${sign(body)}\r\nContent-Length: ${body.length}\r\n\r\n`,
  );
  socket.write(body.subarray(0, 10));
  const answer = await closed;
  assert.ok(answer === '' || /^HTTP\/1\.1 408/.test(answer), `the stalled request is not answered 200: ${answer.slice(0, 40)}`);
  assert.equal((await readTopic(kafka, topics.rawTopic)).length, 0);
});
