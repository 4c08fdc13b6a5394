import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportInWorker } from './export-in-worker.ts';

test('given the otlp exporter over http/protobuf, then spans are exported from a worker thread', () => {
  assert.equal(exportInWorker('otlp', 'http/protobuf', {}), true);
});

test('given another exporter or protocol, then the SDK exports in this thread', () => {
  assert.equal(exportInWorker('otlp', 'http/json', {}), false);
  assert.equal(exportInWorker('otlp', 'grpc', {}), false);
  assert.equal(exportInWorker('otlp,console', 'http/protobuf', {}), false);
  assert.equal(exportInWorker('console', 'http/protobuf', {}), false);
});

test('given WABUS_OTEL_EXPORT_WORKER=0 or false, then the SDK exports in this thread', () => {
  assert.equal(exportInWorker('otlp', 'http/protobuf', { WABUS_OTEL_EXPORT_WORKER: '0' }), false);
  assert.equal(exportInWorker('otlp', 'http/protobuf', { WABUS_OTEL_EXPORT_WORKER: 'false' }), false);
  assert.equal(exportInWorker('otlp', 'http/protobuf', { WABUS_OTEL_EXPORT_WORKER: '1' }), true);
});
