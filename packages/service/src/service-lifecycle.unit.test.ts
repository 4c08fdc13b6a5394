import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from 'pino';
import { stopOnSignals } from './service-lifecycle.ts';

const silent = { info() {}, error() {} } as unknown as Logger;

test('given a graceful stop under way, when another reason to stop comes (the supervisor gone), then the stop goes on and ends with exit 0, not 1', async (t) => {
  let finish!: () => void;
  const stopped = new Promise<void>((resolve) => (finish = resolve));
  const exits: number[] = [];
  const before = new Set(process.listeners('SIGTERM'));
  const stop = stopOnSignals({ stop: () => stopped }, silent, {
    exit: ((code: number) => void exits.push(code)) as (code: number) => never,
    graceMs: 60_000,
  });
  t.after(() => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) for (const l of process.listeners(signal)) if (!before.has(l)) process.off(signal, l);
  });
  stop({ signal: 'SIGTERM' });
  stop({ supervisorPid: 1 }, 'supervisor gone');
  assert.deepEqual(exits, [], 'no exit while the stop runs');
  finish();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(exits, [0]);
});
