import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildImageLayout } from './image-layout.ts';

/** A build context with a Dockerfile, a .dockerignore and some files; returns a layout builder over it. */
async function context(t: TestContext, dockerfile: string) {
  const dir = await mkdtemp(join(tmpdir(), 'wabus-layout-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(join(dir, 'ctx/src'), { recursive: true });
  await writeFile(join(dir, 'ctx/Dockerfile'), dockerfile);
  await writeFile(join(dir, 'ctx/.dockerignore'), '*.log\n');
  await writeFile(join(dir, 'ctx/a.txt'), 'a');
  await writeFile(join(dir, 'ctx/debug.log'), 'left out');
  await writeFile(join(dir, 'ctx/src/main.js'), '');
  await mkdir(join(dir, 'out'));
  return () =>
    buildImageLayout({ context: join(dir, 'ctx'), dockerfile: join(dir, 'ctx/Dockerfile'), out: join(dir, 'out'), pnpm: 'pnpm', pnpmVersion: '1.0.0' });
}

test('given stages, then the final one has what its COPY lines bring, and how the image starts', async (t) => {
  const build = await context(
    t,
    'ARG BASE=node:1-slim\nFROM ${BASE} AS first\nWORKDIR /app\nCOPY . .\nFROM ${BASE}\nENV NODE_ENV=production\nWORKDIR /app\nCOPY --from=first /app /app\nUSER 1000:1000\nEXPOSE 8080\nENTRYPOINT ["node", "src/main.js"]\nCMD ["help"]\n',
  );
  const image = build();
  assert.equal(readFileSync(join(image.root, 'app/a.txt'), 'utf8'), 'a');
  assert.ok(existsSync(join(image.root, 'app/src/main.js')));
  assert.ok(!existsSync(join(image.root, 'app/debug.log')), '.dockerignore applies');
  assert.ok(existsSync(join(image.root, 'usr/local/bin/node')), "the base image's Node");
  assert.deepEqual(
    [image.workdir, image.env, image.user, image.entrypoint, image.cmd],
    ['/app', { NODE_ENV: 'production' }, '1000:1000', ['node', 'src/main.js'], ['help']],
  );
});

test('given what the check cannot reproduce, then it refuses, naming the line', async (t) => {
  const refused = async (dockerfile: string, message: RegExp) => assert.throws(await context(t, dockerfile), message);
  await refused('FROM node\nRUN apt-get install -y curl\n', /line 2 .*only the RUN lines that install pnpm/);
  await refused('FROM node\nCOPY --chown=node a.txt /a.txt\n', /COPY --chown is not reproduced/);
  await refused('FROM node\nCOPY *.txt /x/\n', /wildcards/);
  await refused('FROM node\nCOPY missing.txt /x\n', /missing\.txt is not in the build context/);
  await refused('FROM node\nCOPY debug.log /x\n', /debug\.log is not in the build context \(or \.dockerignore leaves it out\)/);
  await refused('FROM node\nRUN npm install --global pnpm@9.0.0\n', /installs pnpm 9\.0\.0; this machine's pnpm, which reproduces it, is 1\.0\.0/);
  await refused('FROM node\nCMD node main.js\n', /exec \(JSON\) form/);
  await refused('FROM node\nLABEL a=b\nHEALTHCHECK CMD node -e 0\n', /Dockerfile line 3 \(HEALTHCHECK CMD node -e 0\): not reproduced by the image check/);
});
