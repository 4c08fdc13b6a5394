import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workerExecArgv } from './worker-span-exporter.ts';

test("given the flags Node 24's test runner gives a test file's process, then a worker gets only the module-loading ones", () => {
  const given = [
    '--import',
    'tsx',
    '--stack-trace-limit=10',
    '--v8-pool-size=4',
    '--test-reporter=spec',
    '--input-type=module',
    '--conditions=dev',
    '-r',
    './hook.cjs',
    '--enable-source-maps',
    '--secure-heap=0',
    '--experimental-strip-types',
    '--import=./x.mjs',
  ];
  assert.deepEqual(workerExecArgv(given), [
    '--import',
    'tsx',
    '--conditions=dev',
    '-r',
    './hook.cjs',
    '--enable-source-maps',
    '--experimental-strip-types',
    '--import=./x.mjs',
  ]);
});
