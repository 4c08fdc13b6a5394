import { devCommand, devUsage } from './commands/dev.ts';
import { dlqCommand, dlqUsage } from './commands/dlq.ts';
import { eventsCommand, eventsUsage } from './commands/events-tail.ts';
import { groupsCommand, groupsUsage } from './commands/groups.ts';
import { infraCommand, infraUsage } from './commands/infra.ts';
import { replayCommand, replayUsage } from './commands/replay.ts';
import { simulateCommand, simulateUsage } from './commands/simulate.ts';
import { topicsCommand, topicsUsage } from './commands/topics.ts';
import { traceCommand, traceUsage } from './commands/trace.ts';
import { UsageError } from './usage-error.ts';

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

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  infra: infraCommand,
  topics: topicsCommand,
  events: eventsCommand,
  simulate: simulateCommand,
  dlq: (argv) => dlqCommand(argv),
  groups: (argv) => groupsCommand(argv),
  trace: (argv) => traceCommand(argv),
  dev: (argv) => devCommand(argv),
  replay: (argv) => replayCommand(argv),
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  return command(rest);
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
