import { asCodedError } from '@wabus/ops';
import { UsageError } from '../usage-error.ts';
import { diffCommand } from './replay/diff.ts';
import type { Print } from './replay/output.ts';
import { rederiveCommand } from './replay/rederive.ts';
import { resetCommand } from './replay/reset.ts';
import { shadowCommand } from './replay/shadow.ts';

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
