import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceRegistry } from '@wabus/service/registry';
import { instructionsOf, parseDockerfile, stageAssignments, type Stage } from './dockerfile.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const dockerfile = parseDockerfile(readFileSync(join(repo, 'Dockerfile'), 'utf8'));
const final = dockerfile.stages.at(-1)!;
const words = (stage: Stage, keyword: string) => instructionsOf(stage, keyword).flatMap((i) => i.args);

test('given the Dockerfile, then every stage starts from the official slim Node image at the version ./wabus installs', () => {
  const nodeVersion = /^NODE_VERSION=(\S+)/m.exec(readFileSync(join(repo, 'wabus'), 'utf8'))?.[1];
  assert.ok(nodeVersion, 'wabus pins NODE_VERSION');
  assert.ok(dockerfile.stages.length >= 2, 'multi-stage');
  for (const s of dockerfile.stages) assert.equal(s.image, `node:${nodeVersion}-bookworm-slim`);
});

test("given the build stage, then it installs package.json's pnpm and the production dependencies from the lockfile", () => {
  const [build] = dockerfile.stages;
  const packageManager = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { packageManager: string }).packageManager;
  assert.equal(`pnpm@${stageAssignments(build!, 'ARG')['PNPM_VERSION']}`, packageManager);
  const runs = instructionsOf(build!, 'RUN').map((r) => r.text);
  assert.ok(
    runs.some((r) => /^pnpm install\b/.test(r) && r.includes('--prod') && r.includes('--frozen-lockfile')),
    runs.join('\n'),
  );
});

test('given the final stage, then it runs as the non-root node user in production, from /app, with the CLI as entry point', () => {
  assert.deepEqual(words(final, 'USER'), ['1000:1000']);
  assert.deepEqual(stageAssignments(final, 'ENV'), { NODE_ENV: 'production' });
  assert.deepEqual(words(final, 'WORKDIR'), ['/app']);
  const [entrypoint] = instructionsOf(final, 'ENTRYPOINT');
  assert.ok(entrypoint?.json, 'ENTRYPOINT in exec form (signals reach Node)');
  assert.deepEqual(entrypoint.args, ['node', 'packages/cli/src/main.ts']);
  assert.deepEqual(instructionsOf(final, 'CMD')[0]?.args, ['help']);
  assert.ok(!/\btsx\b/.test(final.instructions.map((i) => i.text).join('\n')), 'no tsx in the final stage');
  // Nothing is installed or built in it: it only copies the build stage's /app.
  assert.deepEqual(instructionsOf(final, 'RUN'), []);
  assert.deepEqual(
    instructionsOf(final, 'COPY').map((c) => [c.flags['from'], ...c.args]),
    [[dockerfile.stages[0]!.name, '/app', '/app']],
  );
});

test("given the final stage, then it exposes the registry's ports, and the entry point it names exists", () => {
  assert.deepEqual(
    words(final, 'EXPOSE').map(Number),
    serviceRegistry().map((s) => s.port),
  );
  assert.doesNotThrow(() => readFileSync(join(repo, instructionsOf(final, 'ENTRYPOINT')[0]!.args[1]!)));
});

test('given continuation lines, flags and comments, then the parser reads instructions as BuildKit does', () => {
  const parsed = parseDockerfile(
    '# syntax=docker/dockerfile:1\nARG V=1\nFROM node:${V} AS a\n# comment\nRUN echo \\\n  one \\\n  two\nCOPY --from=a --chown=1:1 /x /y\nFROM a\nCMD ["x", "y"]\n',
  );
  assert.deepEqual(
    parsed.globalArgs.map((a) => a.text),
    ['V=1'],
  );
  assert.equal(parsed.stages[0]!.name, 'a');
  assert.equal(parsed.stages[0]!.instructions[0]!.text, 'echo one two');
  assert.deepEqual(parsed.stages[0]!.instructions[1]!.flags, { from: 'a', chown: '1:1' });
  assert.deepEqual(parsed.stages[1]!.instructions[0]!.args, ['x', 'y']);
});
