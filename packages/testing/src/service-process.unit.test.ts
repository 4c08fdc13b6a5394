import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { killAtRandomPoints, spawnServiceProcess, waitUntil } from './service-process.ts';

/** A stand-in entry point: says it is ready, then runs until a signal (SIGTERM: exits 0) or exits on its own. */
async function entry(t: TestContext, body: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wabus-service-process-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'main.ts');
  await writeFile(path, body);
  return path;
}

// The handler is in place before the process says it runs: a write to a pipe is synchronous, so a test reading
// "running" could otherwise signal a process that has not reached the next line yet (seen in CI under load: -1).
const SERVICE = `
process.on('SIGTERM', () => { console.error('stopping'); process.exit(0); });
console.log(JSON.stringify({ msg: 'running', env: process.env['WABUS_TEST_VALUE'] }));
setInterval(() => {}, 1_000);
`;

const ready = (run: { output(): string }) => waitUntil('the process says it runs', () => run.output().includes('"msg":"running"'), { intervalMs: 10 });

test('spawnServiceProcess: env reaches the process, output is captured, stop() is a SIGTERM with its exit code', async (t) => {
  const run = spawnServiceProcess(t, await entry(t, SERVICE), { WABUS_TEST_VALUE: 'from-the-test' });
  await ready(run);
  assert.equal(run.running(), true);
  assert.match(run.output(), /"env":"from-the-test"/);
  assert.equal(await run.stop(), 0);
  assert.equal(run.running(), false);
  assert.match(run.output(), /stopping/);
});

test('kill() is a SIGKILL (no handler runs), and refuses a process that already died on its own', async (t) => {
  const run = spawnServiceProcess(t, await entry(t, SERVICE), {});
  await ready(run);
  await run.kill();
  assert.equal(await run.exited, -1, 'ended by a signal');
  assert.equal(run.child.signalCode, 'SIGKILL');
  assert.doesNotMatch(run.output(), /stopping/);

  const crashed = spawnServiceProcess(t, await entry(t, "console.error('boom: bad config'); process.exit(3);"), {});
  assert.equal(await crashed.exited, 3);
  await assert.rejects(crashed.kill(), /died on its own \(exit 3\):\nboom: bad config/);
});

test('killAtRandomPoints: each round picks before the start, kills at the point, records after; undefined ends early', async (t) => {
  const path = await entry(t, SERVICE);
  const events: string[] = [];
  const recorded = await killAtRandomPoints({
    rounds: 5,
    start: () => {
      events.push('start');
      return spawnServiceProcess(t, path, {});
    },
    pick: (round) => {
      events.push(`pick ${round}`);
      if (round === 3) return undefined;
      return async (run) => {
        await ready(run);
        assert.equal(run.running(), true);
        events.push('point');
      };
    },
    afterKill: (round) => {
      events.push('killed');
      return round * 10;
    },
  });
  assert.deepEqual(recorded, [0, 10, 20]);
  assert.deepEqual(events, ['pick 0', 'start', 'point', 'killed', 'pick 1', 'start', 'point', 'killed', 'pick 2', 'start', 'point', 'killed', 'pick 3']);
});

test('waitUntil names what it waited for when time runs out', async () => {
  await assert.rejects(
    waitUntil('something that never happens', () => false, { timeoutMs: 50, intervalMs: 10 }),
    /timed out after 50 ms waiting for: something that never happens/,
  );
});

test('waitUntil reads a function description only when it fails', async () => {
  let read = 0;
  await waitUntil(
    () => `never read ${++read}`,
    () => true,
  );
  assert.equal(read, 0);
  await assert.rejects(
    waitUntil(
      () => `read at the timeout ${++read}`,
      () => false,
      { timeoutMs: 30, intervalMs: 10 },
    ),
    /waiting for: read at the timeout 1$/,
  );
});
