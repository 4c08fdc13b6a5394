import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workerStart } from './worker-span-exporter.ts';

const entry = new URL('file:///app/packages/telemetry/src/node/span-export-worker.ts');
const noTsx = (specifier: string): string => {
  throw new Error(`Cannot find module '${specifier}'`);
};

test('given a Node that strips types (the image: no tsx), then the .ts worker starts as it is', () => {
  assert.deepEqual(workerStart(entry, noTsx, 'strip'), { script: entry, eval: false });
  assert.deepEqual(workerStart(entry, noTsx, 'transform'), { script: entry, eval: false });
});

test("given a Node that does not strip types, then the .ts worker starts through tsx's require hook", () => {
  const start = workerStart(entry, (s) => `/deps/${s}.cjs`, false);
  assert.equal(start.eval, true);
  assert.match(
    String(start.script),
    /require\("\/deps\/tsx\/cjs\/api\.cjs"\)\.register\(\); require\("\/app\/packages\/telemetry\/src\/node\/span-export-worker\.ts"\);/,
  );
  assert.throws(() => workerStart(entry, noTsx, false), /tsx/);
});

test('given a built .js entry, then it starts as it is', () => {
  const js = new URL('file:///app/dist/span-export-worker.js');
  assert.deepEqual(workerStart(js, noTsx, false), { script: js, eval: false });
});
