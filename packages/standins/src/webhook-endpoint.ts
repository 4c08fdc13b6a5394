import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request a webhook endpoint received, whole. */
export interface ReceivedWebhook {
  seq: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Arrival time, epoch ms. */
  at: number;
  /** The status answered; null for a dropped or hung request. */
  status: number | null;
}

/** How the endpoint answers: a status (with headers), or `drop` (close the connection unanswered), or `hang`. */
export type EndpointBehavior = { status: number; headers?: Record<string, string>; delayMs?: number } | 'drop' | 'hang';

export interface WebhookEndpointStandIn {
  url: string;
  received: ReceivedWebhook[];
  /** From now on every request is answered so (default: 200). */
  behave(b: EndpointBehavior): void;
  /** Resolves once `n` requests matching `when` arrived. */
  waitFor(n: number, when?: (r: ReceivedWebhook) => boolean, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/**
 * A customer's webhook endpoint (or a Slack-compatible incoming webhook) as a real HTTP server on loopback: it
 * records every request with its headers and body and answers as told (an outage is `behave({ status: 503 })`).
 */
export async function startWebhookEndpointStandIn(opts: { port?: number } = {}): Promise<WebhookEndpointStandIn> {
  const received: ReceivedWebhook[] = [];
  const sockets = new Set<Socket>();
  let behavior: EndpointBehavior = { status: 200 };
  let waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const b = behavior;
      const r: ReceivedWebhook = {
        seq: received.length,
        method: req.method ?? '',
        path: req.url ?? '',
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')])),
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
        status: typeof b === 'string' ? null : b.status,
      };
      received.push(r);
      for (const w of waiters) w();
      if (b === 'drop') req.socket.destroy();
      else if (b !== 'hang') setTimeout(() => res.writeHead(b.status, { 'content-type': 'application/json', ...b.headers }).end('{}'), b.delayMs ?? 0);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    behave(b) {
      behavior = b;
    },
    waitFor(n, when = () => true, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.filter(when).length < n) return false;
          clearTimeout(timer);
          waiters = waiters.filter((w) => w !== check);
          resolve(received.filter(when));
          return true;
        };
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== check);
          reject(new Error(`waited ${timeoutMs} ms for ${n} webhook requests, got ${received.filter(when).length}`));
        }, timeoutMs);
        if (!check()) waiters.push(check);
      });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
