import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';

export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

export interface HealthRoutesOptions {
  readiness: () => Promise<Readiness>;
  registry: Registry;
}

/** /healthz: the process is alive. /readyz: the producer is connected and the topics exist. /metrics: Prometheus. */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, opts) => {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const r = await opts.readiness();
    return reply.code(r.ready ? 200 : 503).send({ status: r.ready ? 'ready' : 'not_ready', checks: r.checks });
  });
  app.get('/metrics', async (_request, reply) => {
    return reply.type(opts.registry.contentType).send(await opts.registry.metrics());
  });
};
