import type { FastifyPluginAsync } from 'fastify';
import type { Registry } from 'prom-client';

export interface Check {
  ok: boolean;
  detail?: string;
}

export interface Readiness {
  ready: boolean;
  checks: Record<string, Check>;
}

/** Ready when every check is. */
export const readinessOf = (checks: Record<string, Check>): Readiness => ({ ready: Object.values(checks).every((c) => c.ok), checks });

export interface HealthRoutesOptions {
  readiness: () => Promise<Readiness>;
  registry: Registry;
  /** What /metrics answers, in the registry's content type; default the registry's own (ingress' workers: all of them). */
  exposition?: () => Promise<string>;
}

/**
 * The routes every service answers, the same way: /healthz (the process is alive), /readyz (200 `ready` or 503
 * `not_ready`, each check with its detail), /metrics (Prometheus).
 */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, opts) => {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const r = await opts.readiness();
    return reply.code(r.ready ? 200 : 503).send({ status: r.ready ? 'ready' : 'not_ready', checks: r.checks });
  });
  const exposition = opts.exposition ?? (() => opts.registry.metrics());
  app.get('/metrics', async (_request, reply) => reply.type(opts.registry.contentType).send(await exposition()));
};
