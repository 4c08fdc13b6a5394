import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCrmStandIn, startGraphApiStandIn } from '@wabus/standins';
import { serviceRegistry } from '@wabus/service/registry';
import { idleReport } from './idle/idle-report.ts';
import { measureIdleStack, type IdlePhases, type IdleResult } from './idle/measure-idle.ts';
import type { BenchSection } from './section.ts';

const IDLE_FULL: IdlePhases = { settleMs: 10_000, idleMs: 60_000, longSilenceMs: 60_000, longSamples: 3, shortSilenceMs: 1_000, shortSamples: 5 };
const IDLE_QUICK: IdlePhases = { settleMs: 3_000, idleMs: 15_000, longSilenceMs: 15_000, longSamples: 2, shortSilenceMs: 1_000, shortSamples: 3 };

/**
 * The dev stack at rest: `wabus dev`'s services idle (CPU and RSS each), then one message end to end after a
 * minute of silence and after a second of it. With WABUS_BENCH_BASELINE=<another checkout>, its dev stack is measured
 * the same way first, and the report gives the ratios.
 */
export const idleBench: BenchSection = {
  name: 'idle',
  title: 'The dev stack at rest: idle CPU and memory, and the first message after a silence',
  async run(ctx) {
    const phases = ctx.quick ? IDLE_QUICK : IDLE_FULL;
    const infra = await ctx.infra();
    const registry = serviceRegistry();
    const graph = await startGraphApiStandIn({ accessToken: 'wabus-dev-access-token' });
    const crm = await startCrmStandIn({});
    const logDir = mkdtempSync(join(tmpdir(), 'wabus-bench-idle-'));
    const baseline = process.env['WABUS_BENCH_BASELINE'];
    const results: IdleResult[] = [];
    try {
      for (const [target, root] of [...(baseline ? [['baseline', baseline] as const] : []), ['wabus', ctx.root] as const]) {
        ctx.log(`idle: ${target} (${root}), logs in ${logDir}`);
        results.push(
          await measureIdleStack({
            target,
            root,
            registry,
            kafkaBrokers: infra.kafkaBrokers,
            mongoUri: infra.mongoUri,
            kafkaPid: infra.kafkaPid,
            graphUrl: graph.url,
            crmUrl: crm.url,
            logFile: join(logDir, `${target}.log`),
            phases,
            log: ctx.log,
          }),
        );
      }
    } finally {
      await graph.close();
      await crm.close();
    }
    return idleReport(results, phases, baseline);
  },
};
