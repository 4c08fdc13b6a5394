import { test } from 'node:test';
import assert from 'node:assert/strict';
import { telemetryDecision } from './telemetry-enabled.ts';

test('given no OTEL variables, then the SDK is not started', () => {
  assert.deepEqual(telemetryDecision({}), { enabled: false, reason: 'neither OTEL_EXPORTER_OTLP_ENDPOINT nor OTEL_TRACES_EXPORTER is set' });
  assert.equal(telemetryDecision({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' }).enabled, false);
});

test('given an OTLP endpoint (general or for traces), then it is started with the otlp exporter', () => {
  assert.deepEqual(telemetryDecision({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }), { enabled: true, exporters: 'otlp' });
  assert.deepEqual(telemetryDecision({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }), { enabled: true, exporters: 'otlp' });
});

test('given OTEL_TRACES_EXPORTER, then it decides: none is off, anything else is on', () => {
  assert.deepEqual(telemetryDecision({ OTEL_TRACES_EXPORTER: 'console' }), { enabled: true, exporters: 'console' });
  assert.equal(telemetryDecision({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318' }).enabled, false);
});

test('given OTEL_SDK_DISABLED=true, then nothing starts whatever else is set', () => {
  assert.deepEqual(telemetryDecision({ OTEL_SDK_DISABLED: 'TRUE', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318' }), {
    enabled: false,
    reason: 'OTEL_SDK_DISABLED=true',
  });
  assert.equal(telemetryDecision({ OTEL_SDK_DISABLED: 'false', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318' }).enabled, true);
});
