import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { repoRoot } from '../../repo-paths.ts';
import { replayCommand } from '../replay.ts';
import { parseDiffArgs } from './diff.ts';
import { parseRederiveArgs } from './rederive.ts';
import { parseResetArgs } from './reset.ts';
import { parseShadowArgs } from './shadow.ts';

/** What each sub-command accepts, as the usage tells it: the contract these tests hold the parsers to. */
const ACCEPTED = {
  reset: ['service', 'from', 'to', 'key', 'allow-effects', 'wait', 'id', 'topic', 'group', 'execute', 'follow', 'json'],
  shadow: ['service', 'from', 'to', 'key', 'label', 'id', 'topic', 'group', 'database', 'execute', 'json'],
  diff: ['service', 'label', 'shadow-db', 'live-db', 'database', 'limit', 'json'],
  rederive: ['since', 'until', 'only-missing', 'as-replay', 'tenants-file', 'id', 'topic', 'raw-topic', 'execute', 'json'],
} as const;
const BOOLEAN = new Set(['allow-effects', 'execute', 'follow', 'json', 'only-missing', 'as-replay']);
const parsers: Record<keyof typeof ACCEPTED, (args: string[]) => Record<string, unknown>> = {
  reset: parseResetArgs,
  shadow: parseShadowArgs,
  diff: parseDiffArgs,
  rederive: parseRederiveArgs,
};
const ALL_OPTIONS = [...new Set(Object.values(ACCEPTED).flat())];
const argsOf = (option: string) => (BOOLEAN.has(option) ? [`--${option}`] : [`--${option}`, 'v1']);

for (const [sub, accepted] of Object.entries(ACCEPTED) as [keyof typeof ACCEPTED, readonly string[]][]) {
  test(`given replay ${sub}, when each of its options is passed, then it is parsed`, () => {
    for (const option of accepted) {
      const values = parsers[sub](argsOf(option));
      const expected = BOOLEAN.has(option) ? true : option === 'key' ? ['v1'] : 'v1';
      assert.deepEqual(values[option], expected, `--${option}`);
    }
  });

  test(`given replay ${sub}, when an option of another sub-command is passed, then it is a usage error naming the option and replay ${sub}`, async () => {
    const others = ALL_OPTIONS.filter((o) => !accepted.includes(o));
    assert.ok(others.length > 0);
    for (const option of others) {
      const expected = { code: 'WABUS_CLI_USAGE', message: `replay ${sub} does not accept --${option}` };
      assert.throws(() => parsers[sub](argsOf(option)), expected, `parse --${option}`);
      // Through the command as main.ts calls it: refused before anything is read or written.
      await assert.rejects(
        replayCommand([sub, ...argsOf(option)], () => assert.fail('printed')),
        expected,
        `replay ${sub} --${option}`,
      );
    }
  });
}

test('given replay diff, when an unknown or misused option comes with accepted ones, then the unknown one is named; values and positionals are still checked', async () => {
  const base = ['--service', 'message-store', '--label', 'fix42'];
  assert.throws(() => parseDiffArgs([...base, '--follow']), { code: 'WABUS_CLI_USAGE', message: 'replay diff does not accept --follow' });
  assert.throws(() => parseDiffArgs([...base, '--nope=1']), { code: 'WABUS_CLI_USAGE', message: 'replay diff does not accept --nope' });
  assert.throws(() => parseDiffArgs([...base, '-f']), { code: 'WABUS_CLI_USAGE', message: 'replay diff does not accept -f' });
  assert.throws(() => parseDiffArgs([...base, '--json=yes']), { code: 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' });
  assert.throws(() => parseDiffArgs([...base, 'extra']), { code: 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL' });
  assert.deepEqual({ ...parseDiffArgs(base) }, { service: 'message-store', label: 'fix42' });
  await assert.rejects(replayCommand(['toString']), { code: 'WABUS_CLI_USAGE', message: 'unknown replay command "toString"' });
  await assert.rejects(replayCommand([]), { code: 'WABUS_CLI_USAGE' });
});

test('given the wabus command line, when replay diff gets --follow, then it exits 2 with the message and the usage of replay on stderr', async () => {
  const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      [resolve(repoRoot, 'packages/cli/src/main.ts'), 'replay', 'diff', '--service', 'message-store', '--label', 'x', '--follow'],
      { cwd: repoRoot },
      (err, stdout, stderr) => done({ code: err ? (err.code as number) : 0, stdout, stderr }),
    );
  });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^wabus: replay diff does not accept --follow\n\nwabus replay reset --service S /, 'the usage of replay, not of every command');
  assert.match(r.stderr, /wabus replay diff --service S \(--label L \| --shadow-db DB\)/);
});
