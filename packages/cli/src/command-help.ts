import { findService } from '@wabus/service/registry';
import { UsageError } from './usage-error.ts';
import { COMMAND_USAGES, SUBCOMMAND_USAGES, USAGE } from './usage.ts';

/** `--help` or `-h` anywhere before a `--`: the command's usage instead of running it. */
export function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/**
 * The usage of `wabus help [command [sub-command]]` or `wabus <command> [sub-command] --help`: the sub-command's
 * when it has its own, else the command's, else the whole; an unknown command is a usage error.
 */
export function helpFor(words: readonly string[]): string {
  const [command, sub] = words;
  if (command === undefined) return USAGE;
  const usage = COMMAND_USAGES[command];
  if (usage !== undefined) return `${(sub !== undefined ? SUBCOMMAND_USAGES[command]?.[sub] : undefined) ?? usage}\n`;
  const service = findService(command);
  if (service === undefined) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  return `wabus ${service.name}
    run the ${service.name} service (${service.kind}) until SIGTERM: HTTP API on ${service.portEnv} (default ${service.port}),
    /healthz, /readyz and /metrics; configured only by environment variables (README, "Configuration")
`;
}
