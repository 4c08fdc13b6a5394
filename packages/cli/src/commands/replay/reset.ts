import { executeReplayPlan, formatDuration, replayProgress, waitForEmptyGroup } from '@wabus/ops';
import { parseCommandArgs } from '../../parse-command-args.ts';
import { duration } from '../../usage-error.ts';
import { planJson, printPlan, progressPrinter, type Print } from './output.ts';
import { planServiceReplay, SERVICE_REPLAY_OPTIONS } from './plan-service-replay.ts';

export const resetOptions = {
  ...SERVICE_REPLAY_OPTIONS,
  'allow-effects': { type: 'boolean' },
  wait: { type: 'string' },
  execute: { type: 'boolean' },
  follow: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export const parseResetArgs = (args: string[]) => parseCommandArgs('replay reset', args, resetOptions);

export async function resetCommand(args: string[], print: Print): Promise<number> {
  const values = parseResetArgs(args);
  const { kafka, plan } = await planServiceReplay('reset', values, { effects: values['allow-effects'] === true });
  if (!values.json) printPlan(print, plan);

  if (!values.execute) {
    if (values.json) print(JSON.stringify({ dryRun: true, plan: planJson(plan) }));
    else {
      const live = plan.group.members.length;
      if (live > 0) print(`note: group ${plan.groupId} has ${live} live member(s): stop the service before --execute (or pass --wait)`);
      print(`summary (dry run): ${plan.records} record(s) would be replayed; nothing was changed — add --execute`);
    }
    return 0;
  }

  if (values.wait !== undefined) {
    const waitMs = duration(values.wait, '--wait', 0);
    await waitForEmptyGroup(kafka, plan.groupId, waitMs, (g) =>
      process.stderr.write(`waiting for ${g.members.length} member(s) of ${plan.groupId} to leave\n`),
    );
  }
  await executeReplayPlan(kafka, plan);
  if (!values.json)
    print(
      `offsets of ${plan.groupId} moved: ${plan.records} record(s) will be replayed when ${values.service} starts (marked ${plan.effects ? 'NOT as replay: outside effects happen' : 'wabus-replay: no outside effects'})`,
    );
  if (values.follow) {
    const bar = progressPrinter(`replay ${plan.id}`);
    for (;;) {
      const p = await replayProgress(kafka, plan);
      bar.update(p.done, p.total);
      if (p.finished) break;
      await new Promise((r) => setTimeout(r, 1_000));
    }
    bar.end();
    if (!values.json)
      print(`summary: replay ${plan.id} finished in ${formatDuration(bar.elapsedMs())}: ${plan.records} record(s) replayed through ${plan.groupId}`);
  } else if (!values.json) print(`summary: replay ${plan.id} armed; follow it with \`pnpm wabus groups\` or re-run with --follow`);
  if (values.json) print(JSON.stringify({ dryRun: false, plan: planJson(plan) }));
  return 0;
}
