import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { serviceRegistry } from '@wabus/service/registry';
import { repoRoot } from './repo-paths.ts';
import { COMMAND_USAGES, SUBCOMMAND_USAGES } from './usage.ts';

const cli = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    // No Kafka or store is reachable from here: a command that tried to run instead of printing its usage would fail.
    const env = { ...process.env, KAFKA_BROKERS: '127.0.0.1:1', MONGODB_URI: 'mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=200' };
    execFile(process.execPath, [resolve(repoRoot, 'packages/cli/src/main.ts'), ...args], { cwd: repoRoot, env, timeout: 20_000 }, (err, stdout, stderr) =>
      done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });

const firstLine = (usage: string) => usage.split('\n', 1)[0]!;

for (const [command, usage] of Object.entries(COMMAND_USAGES)) {
  test(`given wabus ${command} --help (and -h, and wabus help ${command}), then its usage is printed on stdout and the exit is 0`, async () => {
    for (const args of [
      [command, '--help'],
      [command, '-h'],
      ['help', command],
    ]) {
      const r = await cli(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, `${usage}\n`, args.join(' '));
      assert.equal(r.stderr, '');
    }
  });
}

for (const [command, subs] of Object.entries(SUBCOMMAND_USAGES)) {
  for (const [sub, usage] of Object.entries(subs)) {
    test(`given wabus ${command} ${sub} --help, even after other options, then only its own usage is printed and the exit is 0`, async () => {
      for (const args of [
        [command, sub, '--help'],
        [command, sub, '--service', 'message-store', '-h'],
        ['help', command, sub],
      ]) {
        const r = await cli(args);
        assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
        assert.equal(r.stdout, `${usage}\n`, args.join(' '));
      }
    });
  }
}

test('given a sub-command that has no usage of its own (topics apply), when --help is asked, then the command usage is printed and the exit is 0', async () => {
  const r = await cli(['topics', 'apply', '--help']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${COMMAND_USAGES['topics']}\n`);
});

test('given a -- separator, when --help comes after it, then it is not a request for help', async () => {
  const r = await cli(['replay', 'bogus', '--', '--help']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^wabus: unknown replay command "bogus"\n\n/);
  assert.equal(r.stdout, '');
});

test('given every service of the registry, when wabus <service> --help is asked, then it names its port variable and exits 0 without starting', async () => {
  for (const s of serviceRegistry()) {
    const r = await cli([s.name, '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`^wabus ${s.name}\\n    run the ${s.name} service \\(${s.kind}\\) until SIGTERM: HTTP API on ${s.portEnv} \\(default ${s.port}\\)`),
    );
  }
});

test('given wabus help, then the whole usage lists every service and command, exit 0; given no command at all, the same usage and exit 2', async () => {
  const help = await cli(['help']);
  assert.equal(help.code, 0);
  for (const s of serviceRegistry()) assert.ok(help.stdout.includes(s.name), s.name);
  for (const usage of Object.values(COMMAND_USAGES)) assert.ok(help.stdout.includes(firstLine(usage)), firstLine(usage));
  const none = await cli([]);
  assert.equal(none.code, 2);
  assert.equal(none.stdout, help.stdout);
});

test('given an unknown command, a service with arguments, or help for an unknown command, then each is a usage error: exit 2, the message first', async () => {
  const unknown = await cli(['nope']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /^wabus: unknown command "nope"\n\nusage: wabus <command>/);
  const args = await cli(['message-store', 'extra']);
  assert.equal(args.code, 2);
  assert.match(args.stderr, /^wabus: message-store takes no arguments \(its configuration is the environment\): extra\n/);
  const helpUnknown = await cli(['help', 'nope']);
  assert.equal(helpUnknown.code, 2);
  assert.match(helpUnknown.stderr, /^wabus: unknown command "nope"/);
});
