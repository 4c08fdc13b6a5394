import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { installHelm } from '@wabus/infra';
import { parseAllDocuments } from 'yaml';
import { DeployCheckError } from './errors.ts';
import type { K8sObject } from './k8s-objects.ts';

export const CHART_DIR = fileURLToPath(new URL('../../deploy/helm/wabus', import.meta.url));
/** The values files the chart's checks render with, besides the defaults (deploy/helm/wabus/ci). */
export const CI_VALUES = { allOn: `${CHART_DIR}/ci/all-on-values.yaml`, secrets: `${CHART_DIR}/ci/secrets-values.yaml` } as const;

/** helm, from the cache (`wabus infra tools` built it; built here, minutes, if not). */
export async function helmBinary(): Promise<string> {
  return (await installHelm({ log: (m) => process.stderr.write(`[helm] ${m}\n`) })).binary;
}

export function runHelm(helm: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(helm, args, {
    encoding: 'utf8',
    env: { ...process.env, HELM_CACHE_HOME: '/tmp/wabus-helm/cache', HELM_CONFIG_HOME: '/tmp/wabus-helm/config', HELM_DATA_HOME: '/tmp/wabus-helm/data' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `helm template` of the chart as release `wabus` in namespace `messaging`, parsed: every object it renders. */
export function renderChart(helm: string, valuesFiles: string[] = [], extra: string[] = []): K8sObject[] {
  const args = ['template', 'wabus', CHART_DIR, '--namespace', 'messaging', ...valuesFiles.flatMap((f) => ['--values', f]), ...extra];
  const r = runHelm(helm, args);
  if (r.code !== 0) throw new DeployCheckError('WABUS_DEPLOY_TOOL_FAILED', { message: `helm ${args.join(' ')} failed (${r.code}):\n${r.stderr}` });
  return parseAllDocuments(r.stdout)
    .map((d) => {
      if (d.errors.length > 0) throw new DeployCheckError('WABUS_DEPLOY_TOOL_FAILED', { message: `helm rendered invalid YAML: ${d.errors[0]!.message}` });
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}
