import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installHadolint } from '@wabus/infra';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** hadolint (from the cache: `wabus infra tools`) on a file or on standard input, JSON out. */
async function hadolint(
  args: string[],
  input?: string,
): Promise<{ code: number | null; findings: { code: string; level: string; line: number }[]; stderr: string }> {
  const { binary } = await installHadolint();
  const r = spawnSync(binary, ['--no-color', '--format', 'json', ...args], { encoding: 'utf8', ...(input === undefined ? {} : { input }) });
  return {
    code: r.status,
    findings: r.stdout.trim() === '' ? [] : (JSON.parse(r.stdout) as { code: string; level: string; line: number }[]),
    stderr: r.stderr,
  };
}

test('given the Dockerfile, then hadolint finds nothing, not even style or info', async () => {
  const r = await hadolint(['--failure-threshold', 'style', join(repo, 'Dockerfile')]);
  assert.deepEqual(r.findings, [], JSON.stringify(r.findings));
  assert.equal(r.code, 0, r.stderr);
});

test('given a Dockerfile with the usual mistakes, then hadolint reports them (it really checks)', async () => {
  const bad = 'FROM node:latest\nRUN apt-get update && apt-get install curl\nWORKDIR app\nCMD node main.js\n';
  const r = await hadolint(['--failure-threshold', 'style', '-'], bad);
  assert.notEqual(r.code, 0);
  const codes = r.findings.map((f) => f.code);
  for (const expected of ['DL3007', 'DL3008', 'DL3015', 'DL3000', 'DL3025']) assert.ok(codes.includes(expected), `${expected} in ${codes.join(', ')}`);
});
