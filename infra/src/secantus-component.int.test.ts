// SecantusDB as an infra component, on an instance of the test profile of its own (own state directory and port), so
// that starting and stopping it here disturbs no store another test uses.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { test } from 'node:test';
import { MongoClient } from 'mongodb';
import { componentStatus } from './component-runtime.ts';
import { resolveProfileLayout, startComponent, stopComponent } from './index.ts';
import { freePort, isPortOpen } from './port-probe.ts';
import { mongoUriFor } from './profile-layout.ts';

test('secantus: starts on loopback on its own port, answers a driver, stops on SIGTERM keeping its data, and starts again on it', async (t) => {
  const env = { ...process.env, WABUS_TEST_INSTANCE: `secantus-${process.pid}`, WABUS_SECANTUS_PORT: String(await freePort()) };
  const layout = resolveProfileLayout('test', env).secantus;
  t.after(async () => {
    await stopComponent('test', 'secantus', { env });
    await rm(resolveProfileLayout('test', env).stateDir, { recursive: true, force: true });
  });

  const first = await startComponent('test', 'secantus', { env });
  assert.equal(first.state, 'running');
  assert.equal(first.address, `127.0.0.1:${layout.port}`);
  const cmdline = readFileSync(`/proc/${first.pid}/cmdline`, 'utf8').split('\0');
  assert.ok(cmdline.includes(`wabus.instance=${layout.instanceTag}`), 'the instance tag is on the command line');
  assert.ok(cmdline.includes('secantus') && cmdline.includes(layout.storageDir), cmdline.join(' '));

  const client = new MongoClient(mongoUriFor(layout), { serverSelectionTimeoutMS: 5_000 });
  const build = await client.db('admin').command({ buildInfo: 1 });
  assert.match(String(build['version']), /^\d+\.\d+/);
  await client
    .db('lifecycle')
    .collection('docs')
    .insertOne({ _id: 'kept' as never, at: new Date(0) });
  await client.close();
  assert.equal((await startComponent('test', 'secantus', { env })).pid, first.pid, 'a second start reuses the running process');

  const stopLog: string[] = [];
  await stopComponent('test', 'secantus', { env, log: (m) => stopLog.push(m) });
  assert.match(stopLog.join('\n'), new RegExp(`secantus: pid ${first.pid} terminated in`), 'ended by SIGTERM, not killed after the grace period');
  assert.equal(componentStatus(layout).state, 'stopped');
  assert.equal(await isPortOpen(layout.host, layout.port), false);
  assert.doesNotMatch(readFileSync(layout.logFile, 'utf8'), /Traceback/, 'no Python traceback in the log');

  const second = await startComponent('test', 'secantus', { env });
  assert.notEqual(second.pid, first.pid);
  const again = new MongoClient(mongoUriFor(layout), { serverSelectionTimeoutMS: 5_000 });
  t.after(() => again.close());
  assert.deepEqual(await again.db('lifecycle').collection('docs').findOne({}), { _id: 'kept', at: new Date(0) }, 'the write survived the stop');
});
