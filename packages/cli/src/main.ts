import { helpFor, wantsHelp } from './command-help.ts';
import { UsageError } from './usage-error.ts';
import { COMMAND_USAGES, USAGE } from './usage.ts';

type Command = (argv: string[]) => Promise<number>;

/** Each command is loaded when it is run: `help`, a usage error or one command load nothing else (Kafka, the store, ...). */
const commands: Record<string, () => Promise<Command>> = {
  infra: async () => (await import('./commands/infra.ts')).infraCommand,
  topics: async () => (await import('./commands/topics.ts')).topicsCommand,
  events: async () => (await import('./commands/events-tail.ts')).eventsCommand,
  simulate: async () => (await import('./commands/simulate.ts')).simulateCommand,
  dlq: async () => (await import('./commands/dlq.ts')).dlqCommand,
  groups: async () => (await import('./commands/groups.ts')).groupsCommand,
  trace: async () => (await import('./commands/trace.ts')).traceCommand,
  dev: async () => (await import('./commands/dev.ts')).devCommand,
  replay: async () => (await import('./commands/replay.ts')).replayCommand,
  meta: async () => (await import('./commands/meta.ts')).metaCommand,
};

/** A command's exit status, or 'serving' when a service was started: it runs until it is stopped. */
async function main(argv: string[]): Promise<number | 'serving'> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stdout.write(USAGE);
    return 2;
  }
  const help = name === 'help' || name === '--help' || name === '-h' ? rest : wantsHelp(argv) ? argv.filter((a) => a !== '--help' && a !== '-h') : undefined;
  if (help !== undefined) {
    process.stdout.write(helpFor(help));
    return 0;
  }
  const load = commands[name];
  if (load) return (await load())(rest);
  const { runServiceCommand } = await import('./service-command.ts');
  if (await runServiceCommand(name, rest)) return 'serving';
  throw new UsageError(`unknown command ${JSON.stringify(name)}`);
}

const argv = process.argv.slice(2);
const status = await main(argv).catch((err: unknown) => {
  // Codes are strings for our errors; some clients' (kafkajs, the driver) are numbers.
  const e = err as Error & { code?: unknown };
  if (e.code === 'WABUS_CLI_USAGE' || (typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS'))) {
    const usage = COMMAND_USAGES[argv[0] ?? ''];
    process.stderr.write(`wabus: ${e.message}\n\n${usage === undefined ? USAGE : `${usage}\n`}`);
    return 2;
  }
  process.stderr.write(`wabus: ${e.code ? `${e.code}: ` : ''}${e.message}\n`);
  return 1;
});
if (status !== 'serving') {
  process.exitCode = status;
  // kafkajs keeps sockets and timers alive after disconnect on some paths; a CLI must end when its command did.
  setImmediate(() => process.exit());
}
