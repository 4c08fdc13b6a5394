import { progressLine, type ReplayPlan } from '@wabus/ops';
import type { Print } from '../dlq.ts';

export type { Print };

export function printPlan(print: Print, plan: ReplayPlan): void {
  printTopicPlan(print, plan);
  for (const also of plan.also ?? []) {
    print(`with it, all of ${also.topic} again through ${also.groupId} (what the service also reads):`);
    printTopicPlan(print, also);
  }
}

function printTopicPlan(print: Print, plan: ReplayPlan): void {
  print(
    `replay ${plan.id} (${plan.mode}) of group ${plan.groupId} on ${plan.topic}${plan.keys ? ` for ${plan.keys.length} key(s)` : ''}${plan.effects ? ', WITH outside effects' : ''}`,
  );
  print(
    `${'partition'.padEnd(11)}${'committed'.padStart(11)}${'frontier'.padStart(11)}${'start'.padStart(11)}${'until'.padStart(11)}${'replayed'.padStart(11)}`,
  );
  for (const p of plan.partitions) {
    const replayed = p.replay ? BigInt(p.until) - BigInt(p.start) : 0n;
    print(
      `${String(p.partition).padEnd(11)}${(p.committed ?? '-').padStart(11)}${p.frontier.padStart(11)}${(p.replay ? p.start : '-').padStart(11)}${(p.replay ? p.until : '-').padStart(11)}${String(replayed).padStart(11)}`,
    );
  }
}

export function planJson(plan: ReplayPlan): Omit<ReplayPlan, 'offsets' | 'also'> & { also?: unknown[] } {
  const { offsets: _offsets, also, ...rest } = plan;
  return also === undefined ? rest : { ...rest, also: also.map(planJson) };
}

/** Progress on stderr: a redrawn line on a terminal, a line every few seconds otherwise. */
export function progressPrinter(label: string) {
  const started = Date.now();
  let lastLine = 0;
  const tty = process.stderr.isTTY === true;
  return {
    update(done: bigint, total: bigint) {
      const line = progressLine({ label, done, total, elapsedMs: Date.now() - started });
      if (tty) process.stderr.write(`\r${line}`);
      else if (Date.now() - lastLine > 5_000 || done === total) {
        process.stderr.write(`${line}\n`);
        lastLine = Date.now();
      }
    },
    end() {
      if (tty) process.stderr.write('\n');
    },
    elapsedMs: () => Date.now() - started,
  };
}
