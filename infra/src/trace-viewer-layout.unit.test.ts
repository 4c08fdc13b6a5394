import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JAEGER_VERSION, resolveTraceViewerLayout, traceViewerConfig } from './trace-viewer-layout.ts';

test("given no overrides, then the viewer listens where docker-compose's Jaeger does and is built into the cache", () => {
  const l = resolveTraceViewerLayout({ HOME: '/home/u', WABUS_CACHE_DIR: '/c', WABUS_STATE_DIR: '/s' });
  assert.deepEqual([l.host, l.otlpHttpPort, l.otlpGrpcPort, l.queryPort, l.queryGrpcPort, l.healthPort], ['127.0.0.1', 4318, 4317, 16686, 16685, 13133]);
  assert.equal(l.binary, `/c/jaeger-${JAEGER_VERSION}/jaeger`);
  assert.equal(l.configFile, '/s/jaeger/config.yaml');
  assert.equal(l.logFile, '/s/jaeger.log');
});

test('given port variables, then they move the viewer; a bad one is refused naming the variable', () => {
  const l = resolveTraceViewerLayout({ WABUS_VIEWER_OTLP_PORT: '14318', WABUS_VIEWER_PORT: '26686' });
  assert.deepEqual([l.otlpHttpPort, l.queryPort], [14318, 26686]);
  assert.throws(() => resolveTraceViewerLayout({ WABUS_VIEWER_PORT: 'http' }), /WABUS_VIEWER_PORT must be a TCP port/);
});

test("given a layout, then the config receives OTLP, keeps traces in memory, and serves the query API with wabus' page as its UI", () => {
  const l = resolveTraceViewerLayout({ WABUS_VIEWER_OTLP_PORT: '14318', WABUS_VIEWER_HEALTH_PORT: '23133' });
  const config = traceViewerConfig(l);
  for (const endpoint of ['127.0.0.1:14318', '127.0.0.1:4317', '127.0.0.1:16686', '127.0.0.1:16685', '127.0.0.1:23133']) {
    assert.ok(config.includes(`endpoint: ${endpoint}\n`), `listens on ${endpoint}`);
  }
  assert.match(config, /receivers: \[otlp\]/);
  assert.match(config, /memory:\n\s+max_traces: 100000/);
  assert.ok(config.includes(`assets_path: ${JSON.stringify(l.uiAssets)}`));
  assert.match(config, /traces:\n\s+level: none/, 'Jaeger does not trace its own API calls');
});

test('given the page Jaeger serves, then it is there and carries the placeholder Jaeger fills with its version', () => {
  const l = resolveTraceViewerLayout({});
  const page = readFileSync(join(l.uiAssets, 'index.html'), 'utf8');
  // cmd/query/app/static_handler.go replaces exactly this; the page reads the version from it.
  assert.match(page, /JAEGER_VERSION *= *DEFAULT_VERSION;/);
  assert.match(page, /<base href="\/"/);
  assert.ok(!page.includes('innerHTML'), 'what comes from the API is written as text, never parsed as HTML');
});
