import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { HADOLINT_VERSION, HELM_VERSION, PROMETHEUS_VERSION, resolveDeployToolsLayout } from './deploy-tools-layout.ts';

test('given a cache directory, then helm, hadolint and promtool are kept in it under their versions', () => {
  const l = resolveDeployToolsLayout({ HOME: '/home/u', WABUS_CACHE_DIR: '/c' });
  assert.equal(l.helm, `/c/helm-${HELM_VERSION}/helm`);
  assert.equal(l.hadolintDir, `/c/hadolint-${HADOLINT_VERSION}`);
  assert.equal(l.hadolint, `/c/hadolint-${HADOLINT_VERSION}/bin/hadolint`);
  assert.equal(l.promtool, `/c/promtool-${PROMETHEUS_VERSION}/promtool`);
});

test('given no WABUS_CACHE_DIR, then the tools are in ~/.cache/wabus', () => {
  const l = resolveDeployToolsLayout({});
  assert.equal(l.helm, join(homedir(), '.cache', 'wabus', `helm-${HELM_VERSION}`, 'helm'));
});
