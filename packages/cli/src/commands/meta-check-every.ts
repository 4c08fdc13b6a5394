import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { createMetaCheckMetrics, type TenantCheck } from '@wabus/meta-graph';

/**
 * `wabus meta check --every D`: a check now and every D after the previous one ended (runs never overlap), each
 * run's result exported on `/metrics` (wabus_meta_check_*, wabus_meta_number_*); `/healthz` answers while it runs.
 * Stops on SIGTERM or SIGINT, exit 0.
 */
export async function runScheduledCheck(o: {
  run: () => Promise<TenantCheck[]>;
  everyMs: number;
  port: number;
  host: string;
  json: boolean;
  print: (results: readonly TenantCheck[]) => void;
}): Promise<number> {
  const registry = new Registry();
  const metrics = createMetaCheckMetrics(registry);
  let lastRunAt: Date | null = null;
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/metrics') {
      void registry.metrics().then((text) => {
        res.writeHead(200, { 'content-type': registry.contentType });
        res.end(text);
      });
      return;
    }
    if (req.method === 'GET' && path === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', lastRunAt: lastRunAt?.toISOString() ?? null }));
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'not found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`metrics on http://${o.host}:${port}/metrics, a check every ${o.everyMs / 1000}s\n`);

  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const tick = async (): Promise<void> => {
    const results = await o.run();
    lastRunAt = new Date();
    metrics.record(results, lastRunAt);
    if (o.json) process.stdout.write(`${JSON.stringify({ at: lastRunAt.toISOString(), tenants: results })}\n`);
    else {
      process.stdout.write(`check at ${lastRunAt.toISOString()}\n`);
      o.print(results);
    }
    if (!stopped) timer = setTimeout(() => void tick(), o.everyMs);
  };
  await new Promise<void>((resolve) => {
    const stop = () => {
      stopped = true;
      clearTimeout(timer);
      server.close(() => resolve());
      server.closeAllConnections();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    void tick();
  });
  return 0;
}
