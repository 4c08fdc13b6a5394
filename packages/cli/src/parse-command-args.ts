import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { UsageError } from './usage-error.ts';

export type CommandValues<O extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<{ options: O; strict: true }>>['values'];

/**
 * `parseArgs` for a (sub-)command that declares only the options it accepts: any other option is a usage error naming
 * it and the command (`replay diff does not accept --follow`), instead of parseArgs' own message, which names neither.
 * Positionals and option values are checked by parseArgs as usual (strict).
 */
export function parseCommandArgs<const O extends ParseArgsOptionsConfig>(command: string, args: string[], options: O): CommandValues<O> {
  const { tokens } = parseArgs({ args, options, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind === 'option' && !Object.hasOwn(options, t.name)) throw new UsageError(`${command} does not accept ${t.rawName}`);
  }
  return parseArgs({ args, options, strict: true }).values;
}
