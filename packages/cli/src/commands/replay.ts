import { asCodedError } from '@wabus/ops';
import { UsageError } from '../usage-error.ts';
import { diffCommand, diffUsage } from './replay/diff.ts';
import type { Print } from './replay/output.ts';
import { rederiveCommand, rederiveUsage } from './replay/rederive.ts';
import { resetCommand, resetUsage } from './replay/reset.ts';
import { shadowCommand, shadowUsage } from './replay/shadow.ts';

export const replayUsage = `${resetUsage}
${shadowUsage}
${diffUsage}
${rederiveUsage}
    OFFSETS: N (every partition) or P=N[,P=N...] (others untouched); TIME: ISO time or a duration back (90m, 24h, 7d);
    --topic: the events topic, --group: the service's group, --database: its live database (default wabus_<service>);
    each sub-command accepts only the options on its own lines; KAFKA_BROKERS and MONGODB_URI as for the services`;

const stdout: Print = (line) => process.stdout.write(`${line}\n`);

/** Each sub-command parses its own options: one accepted by another sub-command only is a usage error. */
const SUBCOMMANDS = new Map<string, (args: string[], print: Print) => Promise<number>>([
  ['reset', resetCommand],
  ['shadow', shadowCommand],
  ['diff', diffCommand],
  ['rederive', rederiveCommand],
]);

export async function replayCommand(argv: string[], print: Print = stdout): Promise<number> {
  const [sub, ...rest] = argv;
  const command = SUBCOMMANDS.get(sub ?? '');
  if (command === undefined) throw new UsageError(`unknown replay command ${JSON.stringify(sub ?? '')}`);
  try {
    return await command(rest, print);
  } catch (err) {
    throw asCodedError(err);
  }
}
