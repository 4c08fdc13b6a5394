import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { serviceRegistry } from '@wabus/service/registry';
import { helpFor, wantsHelp } from './command-help.ts';
import { repoRoot } from './repo-paths.ts';
import { COMMAND_USAGES, SUBCOMMAND_USAGES, USAGE } from './usage.ts';

const cli = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    // No Kafka or store is reachable from here: a command that tried to run instead of printing its usage would fail.
    const env = { ...process.env, KAFKA_BROKERS: '127.0.0.1:1', MONGODB_URI: 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=200' };
    execFile(process.execPath, [resolve(repoRoot, 'packages/cli/src/main.ts'), ...args], { cwd: repoRoot, env, timeout: 20_000 }, (err, stdout, stderr) =>
      done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });

const firstLine = (usage: string) => usage.split('\n', 1)[0]!;

test('given --help or -h anywhere before --, then help is wanted; after -- or absent, it is not', () => {
  assert.equal(wantsHelp(['replay', 'reset', '--service', 'x', '--help']), true);
  assert.equal(wantsHelp(['dlq', '-h']), true);
  assert.equal(wantsHelp(['replay', 'bogus', '--', '--help']), false);
  assert.equal(wantsHelp(['simulate', '--rate', '5']), false);
});

test('given each command, then its help is its own usage; a sub-command with a usage of its own gets only that one', () => {
  for (const [command, usage] of Object.entries(COMMAND_USAGES)) {
    assert.equal(helpFor([command]), `${usage}\n`, command);
    assert.equal(helpFor([command, 'no-such-sub']), `${usage}\n`, `${command}: an unknown sub-command gets the command's usage`);
  }
  for (const [command, subs] of Object.entries(SUBCOMMAND_USAGES)) {
    for (const [sub, usage] of Object.entries(subs)) assert.equal(helpFor([command, sub]), `${usage}\n`, `${command} ${sub}`);
  }
  assert.equal(helpFor(['topics', 'apply']), `${COMMAND_USAGES['topics']}\n`, 'topics apply has no usage of its own');
  assert.equal(helpFor([]), USAGE);
});

test('given every service of the registry, then its help names its kind, port variable and default port; an unknown word is a usage error', () => {
  for (const s of serviceRegistry()) {
    assert.match(
      helpFor([s.name]),
      new RegExp(`^wabus ${s.name}\\n    run the ${s.name} service \\(${s.kind}\\) until SIGTERM: HTTP API on ${s.portEnv} \\(default ${s.port}\\)`),
    );
  }
  assert.throws(() => helpFor(['nope']), { code: 'WABUS_CLI_USAGE', message: 'unknown command "nope"' });
});

test('given the whole usage, then it lists every service and every command', () => {
  for (const s of serviceRegistry()) assert.ok(USAGE.includes(s.name), s.name);
  for (const usage of Object.values(COMMAND_USAGES)) assert.ok(USAGE.includes(firstLine(usage)), firstLine(usage));
});

test('given the command line, then --help, -h and help <command> print the usage on stdout and exit 0, before anything runs', async () => {
  for (const [args, usage] of [
    [['replay', 'reset', '--service', 'message-store', '--help'], SUBCOMMAND_USAGES['replay']!['reset']!],
    [['dlq', '-h'], COMMAND_USAGES['dlq']!],
    [['help', 'simulate'], COMMAND_USAGES['simulate']!],
  ] as const) {
    const r = await cli([...args]);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, `${usage}\n`, args.join(' '));
    assert.equal(r.stderr, '');
  }
  const service = await cli(['message-store', '--help']);
  assert.equal(service.code, 0, service.stderr);
  assert.equal(service.stdout, helpFor(['message-store']));
});

test('given wabus help, exit 0; no command at all, the same usage and exit 2', async () => {
  const help = await cli(['help']);
  assert.equal(help.code, 0);
  assert.equal(help.stdout, USAGE);
  const none = await cli([]);
  assert.equal(none.code, 2);
  assert.equal(none.stdout, USAGE);
});

test('given an unknown command, a service with arguments, help for an unknown command, or --help after --, then each is a usage error: exit 2, the message first', async () => {
  const unknown = await cli(['nope']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^wabus: unknown command "nope"\n\nusage: wabus <command>/);
  const args = await cli(['message-store', 'extra']);
  assert.equal(args.code, 2);
  assert.match(args.stderr, /^wabus: message-store takes no arguments \(its configuration is the environment\): extra\n/);
  const helpUnknown = await cli(['help', 'nope']);
  assert.equal(helpUnknown.code, 2);
  assert.match(helpUnknown.stderr, /^wabus: unknown command "nope"/);
  const separated = await cli(['replay', 'bogus', '--', '--help']);
  assert.equal(separated.code, 2);
  assert.match(separated.stderr, /^wabus: unknown replay command "bogus"\n\nwabus replay reset /, 'the usage of replay, not help');
  assert.equal(separated.stdout, '');
});
