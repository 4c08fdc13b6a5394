import { UsageError } from './usage-error.ts';
import { devUsage, dlqUsage, eventsUsage, groupsUsage, infraUsage, replayUsage, simulateUsage, topicsUsage, traceUsage } from './usage.ts';

const USAGE = `usage: pnpm wabus <command>

${infraUsage}
${topicsUsage}
${eventsUsage}
${simulateUsage}
${dlqUsage}
${groupsUsage}
${traceUsage}
${devUsage}
${replayUsage}
`;

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
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const load = commands[name];
  if (!load) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  return (await load())(rest);
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  // Codes are strings for our errors; some clients' (kafkajs, the driver) are numbers.
  const e = err as Error & { code?: unknown };
  if (e.code === 'WABUS_CLI_USAGE' || (typeof e.code === 'string' && e.code.startsWith('ERR_PARSE_ARGS'))) {
    process.stderr.write(`wabus: ${e.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`wabus: ${e.code ? `${e.code}: ` : ''}${e.message}\n`);
    process.exitCode = 1;
  }
}
// kafkajs keeps sockets and timers alive after disconnect on some paths; a CLI must end when its command did.
setImmediate(() => process.exit());
