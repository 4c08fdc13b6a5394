import { test } from 'node:test';
import assert from 'node:assert/strict';
import { waitUntil } from '@wabus/testing';
import { supervisorGone, supervisorPidOf, watchSupervisor, type ProcessProbe } from './supervisor-watch.ts';

test('the supervisor pid comes from WABUS_SUPERVISOR_PID: none is 0, a bad value names the variable', () => {
  assert.equal(supervisorPidOf({}), 0);
  assert.equal(supervisorPidOf({ WABUS_SUPERVISOR_PID: '4242' }), 4242);
  assert.throws(
    () => supervisorPidOf({ WABUS_SUPERVISOR_PID: 'dev' }),
    (err: Error & { code?: string }) => err.code === 'WABUS_CONFIG_INVALID' && err.message.includes('WABUS_SUPERVISOR_PID'),
  );
});

const probe = (ppid: number, existing: number[]): ProcessProbe => ({ ppid: () => ppid, exists: (pid) => existing.includes(pid) });

test('given the supervisor was the parent, then it is gone once this process is re-parented, even if its pid was reused', () => {
  assert.equal(supervisorGone(100, true, probe(100, [100])), false);
  assert.equal(supervisorGone(100, true, probe(1, [100])), true, 'pid 100 now names another process');
  assert.equal(supervisorGone(100, true, probe(1, [])), true);
});

test('given a supervisor further up, then it is gone once no process has its pid', () => {
  assert.equal(supervisorGone(100, false, probe(7, [100])), false);
  assert.equal(supervisorGone(100, false, probe(7, [])), true);
});

test('the watch calls onGone once, when the supervisor goes, and not before', async () => {
  let ppid = 100;
  let gone = 0;
  watchSupervisor({ pid: 100, everyMs: 5, probe: { ppid: () => ppid, exists: () => true }, onGone: () => gone++ });
  let checks = 0;
  await waitUntil('a few checks', () => ++checks > 5, { intervalMs: 10 });
  assert.equal(gone, 0);
  ppid = 1;
  await waitUntil('onGone', () => gone > 0, { intervalMs: 5 });
  ppid = 100;
  await waitUntil('a few checks more', () => ++checks > 10, { intervalMs: 10 });
  assert.equal(gone, 1);
});
