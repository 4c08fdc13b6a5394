import { formatDuration, runShadowReplay } from '@wabus/ops';
import { parseCommandArgs } from '../../parse-command-args.ts';
import { UsageError } from '../../usage-error.ts';
import { launchService } from './launch-service.ts';
import { planJson, printPlan, progressPrinter, type Print } from './output.ts';
import { planServiceReplay, requireService, SERVICE_REPLAY_OPTIONS } from './plan-service-replay.ts';
import { now } from './positions.ts';
import { consumerDefaults } from '@wabus/service/registry';

export const shadowOptions = {
  ...SERVICE_REPLAY_OPTIONS,
  label: { type: 'string' },
  database: { type: 'string' },
  execute: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export const parseShadowArgs = (args: string[]) => parseCommandArgs('replay shadow', args, shadowOptions);

export async function shadowCommand(args: string[], print: Print): Promise<number> {
  const values = parseShadowArgs(args);
  const name = requireService(values.service);
  const label = values.label ?? `s${now().toISOString().replace(/[-:]/g, '').slice(0, 15).toLowerCase()}`;
  if (!/^[a-z0-9_]{1,40}$/.test(label)) throw new UsageError(`--label expects 1-40 of [a-z0-9_], got ${JSON.stringify(label)}`);
  const { kafka, topics, plan } = await planServiceReplay('shadow', values, { effects: false, shadowGroupId: (groupId) => `${groupId}.shadow.${label}` });
  const shadowDb = `${values.database ?? consumerDefaults(name).database}__shadow_${label}`;
  if (!values.json) printPlan(print, plan);

  if (!values.execute) {
    if (values.json) print(JSON.stringify({ dryRun: true, plan: planJson(plan), shadowDatabase: shadowDb }));
    else print(`summary (dry run): ${plan.records} record(s) would be replayed into ${shadowDb}; nothing was changed — add --execute`);
    return 0;
  }

  const bar = progressPrinter(`shadow ${label}`);
  const result = await runShadowReplay(
    kafka,
    plan,
    { database: shadowDb, dlqTopic: `${topics.dlqTopic}.shadow` },
    { launch: launchService(name), onProgress: (p) => bar.update(p.done, p.total) },
  );
  bar.end();
  const rate = result.elapsedMs > 0 ? Math.round((Number(plan.records) * 1000) / result.elapsedMs) : 0;
  if (values.json) print(JSON.stringify({ dryRun: false, plan: planJson(plan), shadowDatabase: shadowDb, elapsedMs: result.elapsedMs }));
  else {
    print(`summary: ${plan.records} record(s) replayed into ${shadowDb} by group ${plan.groupId} in ${formatDuration(result.elapsedMs)} (${rate}/s)`);
    print(`next: pnpm wabus replay diff --service ${name} --label ${label}`);
  }
  return 0;
}
