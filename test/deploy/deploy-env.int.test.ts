/**
 * The environment the deployment files give each container, against what the code reads: every variable the chart
 * (rendered by helm: defaults, everything on, the chart's own Secrets) or docker-compose.yml sets for a service is one
 * that service reads (its configuration schema, run as at start; the tenants file's `{ "env" }` names; or a shared
 * library's, each accounted for in shared-variables.ts), and none it requires is missing (its configuration accepts
 * the environment, and the files it names are mounted).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceRegistry } from '@wabus/service/registry';
import { chartWorkloads } from './chart-workloads.ts';
import { composeWorkloads } from './compose-workloads.ts';
import { parseDockerfile, stageAssignments } from './dockerfile.ts';
import { environmentProblems } from './environment-check.ts';
import { CI_VALUES, helmBinary, renderChart } from './helm.ts';
import { CLI_VARIABLES, isReadAsClaimed, META_CHECK_VARIABLES, SHARED_VARIABLES } from './shared-variables.ts';
import type { Workload } from './workload.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const registry = serviceRegistry();
let helm: string;
before(async () => {
  helm = await helmBinary();
});

/** The Secrets the values files name and the operator creates (never rendered by the chart). */
const OPERATOR_SECRETS = [
  'wabus-meta-check-token',
  'wabus-ingress',
  'wabus-auto-reply',
  'wabus-media-store-token',
  'wabus-sender-token',
  'wabus-tenants',
  'mongodb-credentials',
];

async function problemsOf(workloads: Workload[]): Promise<string[]> {
  return (await Promise.all(workloads.map(environmentProblems))).flat();
}

test('given each variable accounted for outside the schemas, then the code it names really reads it', () => {
  for (const v of [...SHARED_VARIABLES, ...CLI_VARIABLES, ...META_CHECK_VARIABLES])
    assert.ok(isReadAsClaimed(v), `${v.variable}: not named in ${JSON.stringify(v.readBy)}`);
});

test("given the image's ENV, then each variable is one the code reads", () => {
  const final = parseDockerfile(readFileSync(join(repo, 'Dockerfile'), 'utf8')).stages.at(-1)!;
  for (const name of Object.keys(stageAssignments(final, 'ENV')))
    assert.ok(SHARED_VARIABLES.some((s) => s.variable === name) && isReadAsClaimed(SHARED_VARIABLES.find((s) => s.variable === name)!), name);
});

for (const [label, files] of [
  ['defaults', []],
  ['all-on', [CI_VALUES.allOn]],
  ['secrets', [CI_VALUES.secrets]],
] as const) {
  test(`given the chart (${label}), then every container gets exactly what it reads, and all it needs`, async () => {
    const workloads = chartWorkloads(renderChart(helm, [...files]), label, OPERATOR_SECRETS);
    assert.ok(
      workloads.some((w) => w.args[0] === 'topics'),
      'the topics Job is checked too',
    );
    assert.equal(
      workloads.some((w) => w.args[0] === 'meta'),
      label !== 'defaults',
      'the scheduled meta check is checked too (on in all-on and secrets)',
    );
    assert.deepEqual(await problemsOf(workloads), []);
  });
}

test('given the chart with everything on, then each service has a variable of each kind the chart sets', () => {
  const workloads = chartWorkloads(renderChart(helm, [CI_VALUES.allOn]), 'all-on', OPERATOR_SECRETS);
  const env = (service: string) => workloads.find((w) => w.args[0] === service)!.env;
  // The shared ConfigMap, the store's Secret (consumers only), tracing, files, secretEnv, the operator's Secrets.
  assert.equal(env('ingress')['KAFKA_BROKERS'], 'kafka-0.kafka:9092,kafka-1.kafka:9092,kafka-2.kafka:9092');
  assert.equal(env('ingress')['MONGODB_URI'], undefined, 'ingress uses no store');
  assert.equal(env('message-store')['MONGODB_URI'], 'placeholder-from-mongodb-credentials/uri');
  assert.equal(env('status-tracker')['OTEL_TRACES_SAMPLER_ARG'], '0.1');
  assert.equal(env('auto-reply')['AUTO_REPLY_RULES'], '/etc/wabus/auto-reply/rules.json');
  assert.equal(env('crm-sync')['CRM_SIGNING_SECRET'], 'test-signing-secret');
  assert.equal(env('auto-reply')['WHATSAPP_ACCESS_TOKEN'], 'placeholder-from-wabus-auto-reply/WHATSAPP_ACCESS_TOKEN');
});

test("given the chart's own Secrets, then the tenants file's secrets reach every service that validates the file", () => {
  const workloads = chartWorkloads(renderChart(helm, [CI_VALUES.secrets]), 'secrets', OPERATOR_SECRETS);
  for (const name of ['ingress', 'auto-reply']) {
    const w = workloads.find((x) => x.args[0] === name)!;
    assert.equal(w.env['ACME_VERIFY_TOKEN'], 'acme-verify-token', name);
    assert.match(w.file('/etc/wabus/tenants/tenants.json') ?? '', /"id": "acme"/, name);
  }
  assert.equal(workloads.find((x) => x.args[0] === 'message-store')!.env['ACME_VERIFY_TOKEN'], undefined, 'message-store reads no tenants file');
});

test('given a chart that sets what a service does not read or lacks what it needs, then the check names both', async () => {
  const objects = renderChart(helm, [], ['--set', 'services.message-store.env.CRM_BASE_URL=http://crm', '--set', 'services.ingress.existingSecret.name=']);
  const problems = await problemsOf(chartWorkloads(objects, 'broken', OPERATOR_SECRETS));
  assert.ok(
    problems.some((p) => /Deployment wabus-message-store: CRM_BASE_URL is set, but message-store does not read it/.test(p)),
    problems.join('\n'),
  );
  assert.ok(
    problems.some((p) => /Deployment wabus-ingress: ingress would not start: WHATSAPP_APP_SECRETS/.test(p)),
    problems.join('\n'),
  );
});

test('given a meta check that checks an unknown tenant and is given a variable it does not read, then the check names both', async () => {
  const objects = renderChart(helm, [CI_VALUES.secrets], ['--set', 'metaCheck.tenant=globex', '--set', 'metaCheck.env.CRM_BASE_URL=http://crm']);
  const problems = await problemsOf(chartWorkloads(objects, 'broken', OPERATOR_SECRETS));
  assert.deepEqual(
    problems.filter((p) => p.includes('wabus-meta-check')),
    [
      'chart (broken) Deployment wabus-meta-check: meta check would not start: --tenant globex: no such tenant (tenants with meta: acme)',
      'chart (broken) Deployment wabus-meta-check: CRM_BASE_URL is set, but meta check does not read it',
    ],
  );
});

test('given docker-compose.yml, then every service of the registry is there from the image, gets what it reads and all it needs', async () => {
  const workloads = composeWorkloads();
  assert.deepEqual(
    workloads
      .map((w) => w.args[0])
      .filter((c) => c !== 'topics')
      .sort(),
    registry.map((s) => s.name).sort(),
  );
  assert.deepEqual(await problemsOf(workloads), []);
});
