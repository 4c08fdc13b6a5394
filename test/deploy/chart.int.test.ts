/**
 * The Helm chart, with helm itself (v4, built into the cache by `wabus infra tools`): lint (strict too), and the
 * objects `helm template` renders with the defaults and with ci/*.yaml, read back as YAML and checked against the
 * registry (services/*\/package.json), the Dockerfile and the CLI.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { configReads, loadServiceDefinition } from '@wabus/testing';
import { serviceRegistry, type ServiceFacts } from '@wabus/service/registry';
import { imageFile } from './compose-workloads.ts';
import { finalStageInstructions } from './image-layout.ts';
import { CHART_DIR, CI_VALUES, helmBinary, renderChart, runHelm } from './helm.ts';
import { objectNamed, ofKind, podSpec, type K8sObject } from './k8s-objects.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const registry = serviceRegistry();
const values = parse(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as {
  services: Record<string, { enabled: boolean; port: number; readsTenantsFile: boolean }>;
};
/** Whether a service reads the tenants file: its configuration, run as at start, looks up WABUS_TENANTS_FILE. */
const readsTenantsFile = async (facts: ServiceFacts) => configReads(await loadServiceDefinition(facts), facts, {}).variables.includes('WABUS_TENANTS_FILE');
let helm: string;
let tenantsReaders: string[];
before(async () => {
  helm = await helmBinary();
  tenantsReaders = (await Promise.all(registry.map(async (s) => ((await readsTenantsFile(s)) ? [s.name] : [])))).flat();
});

/** Whether `selector` selects objects with `labels`. */
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  selector !== undefined && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

test('given the chart, then helm lint passes with the defaults and every ci values file, also --strict', () => {
  for (const files of [[], [CI_VALUES.allOn], [CI_VALUES.secrets]]) {
    for (const strict of [[], ['--strict']]) {
      const r = runHelm(helm, ['lint', CHART_DIR, ...strict, ...files.flatMap((f) => ['--values', f])]);
      assert.equal(r.code, 0, `${files.join(' ')} ${strict.join(' ')}:\n${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
      assert.doesNotMatch(r.stdout, /\[(ERROR|WARNING)\]/);
    }
  }
});

test("given Chart.yaml, then its appVersion is the project's version and the image's default tag", () => {
  const chart = parse(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as { appVersion: string };
  assert.equal(chart.appVersion, (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version);
  for (const d of ofKind(renderChart(helm), 'Deployment')) assert.equal(podSpec(d).containers[0]!.image, `wabus:${chart.appVersion}`);
});

test('given values.yaml, then its services are the registry, with its ports, the tenants file for those that read it', () => {
  assert.deepEqual(Object.keys(values.services).sort(), registry.map((s) => s.name).sort());
  assert.ok(tenantsReaders.includes('ingress'), tenantsReaders.join(' '));
  for (const s of registry)
    assert.deepEqual([values.services[s.name]!.port, values.services[s.name]!.readsTenantsFile], [s.port, tenantsReaders.includes(s.name)], s.name);
});

/**
 * Every Deployment: the image's entry point with the service's name, its port, the probes, resources, non-root; what
 * its kind in the registry gives it (the chart derives the kind from the name): the store for a consumer, the webhook
 * Service for ingress.
 */
function checkDeployments(objects: K8sObject[], expected: string[]) {
  const deployments = ofKind(objects, 'Deployment').filter((d) => d.metadata.name !== META_CHECK);
  assert.deepEqual(deployments.map((d) => d.metadata.name).sort(), expected.map((n) => `wabus-${n}`).sort());
  const [userId] = finalStageInstructions(join(repo, 'Dockerfile'), 'USER')[0]!.args[0]!.split(':');
  for (const d of deployments) {
    const spec = podSpec(d);
    assert.equal(spec.containers.length, 1);
    const c = spec.containers[0]!;
    const facts = registry.find((s) => s.name === c.args?.[0]);
    assert.ok(facts, `${d.metadata.name}: args ${JSON.stringify(c.args)} name a service of the registry`);
    assert.deepEqual(c.args, [facts.name]);
    assert.equal(c.command, undefined, 'the image ENTRYPOINT (node packages/cli/src/main.ts) runs');
    assert.deepEqual(c.ports, [{ name: 'http', containerPort: facts.port, protocol: 'TCP' }]);
    assert.deepEqual(
      c.env?.find((e) => e.name === facts.portEnv),
      { name: facts.portEnv, value: String(facts.port) },
    );
    assert.equal(
      c.env?.some((e) => e.name === 'MONGODB_URI'),
      facts.kind !== 'ingress',
      `${d.metadata.name}: MONGODB_URI for consumers and the sender (kind api), not ingress`,
    );
    const webhooks = ofKind(objects, 'Service').filter((s) => s.metadata.name === `wabus-${facts.name}`);
    assert.equal(webhooks.length, facts.kind === 'ingress' ? 1 : 0, `${d.metadata.name}: a webhook Service for ingress only`);
    assert.deepEqual(c.startupProbe?.httpGet, { path: '/healthz', port: 'http' });
    assert.deepEqual(c.livenessProbe?.httpGet, { path: '/healthz', port: 'http' });
    assert.deepEqual(c.readinessProbe?.httpGet, { path: '/readyz', port: 'http' });
    assert.ok(c.resources?.requests?.['cpu'] && c.resources.requests['memory'] && c.resources.limits?.['memory'], `${d.metadata.name} resources`);
    assert.deepEqual([spec.securityContext?.['runAsNonRoot'], spec.securityContext?.['runAsUser']], [true, Number(userId)]);
    assert.equal(c.securityContext?.['readOnlyRootFilesystem'], true);
    assert.equal(c.securityContext?.['allowPrivilegeEscalation'], false);
    assert.equal(spec.automountServiceAccountToken, false);
    assert.ok(selects(d.spec?.selector?.matchLabels, d.spec?.template?.metadata?.labels), `${d.metadata.name} selects its own pods`);
    for (const key of ['checksum/env', 'checksum/secrets', 'checksum/files'])
      assert.match(d.spec?.template?.metadata?.annotations?.[key] ?? '', /^[0-9a-f]{64}$/, `${d.metadata.name} ${key}`);

    const pods = d.spec?.template?.metadata?.labels;
    const pdb = ofKind(objects, 'PodDisruptionBudget').filter((p) => selects(p.spec?.selector?.matchLabels, pods));
    assert.equal(pdb.length, 1, `${d.metadata.name}: one PodDisruptionBudget`);
    const headless = ofKind(objects, 'Service').filter((s) => s.spec?.['clusterIP'] === 'None' && selects(s.spec['selector'] as Record<string, string>, pods));
    assert.equal(headless.length, 1, `${d.metadata.name}: one headless Service`);
    assert.deepEqual(headless[0]!.spec?.['ports'], [{ name: 'http', port: facts.port, targetPort: 'http', protocol: 'TCP' }]);
    assert.equal(headless[0]!.metadata.labels?.['wabus.io/metrics'], 'true');
  }
}

const META_CHECK = 'wabus-meta-check';

/**
 * The scheduled `meta check`: one pod (never two checking at once) of the image running `meta check --every`, its
 * /metrics port, /healthz probes, the tenants file mounted where WABUS_TENANTS_FILE points, non-root; a headless
 * Service with the metrics label (what the ServiceMonitor selects).
 */
function checkMetaCheck(objects: K8sObject[], o: { every: string; port: number; tenant?: string }) {
  const d = objectNamed(objects, 'Deployment', META_CHECK);
  assert.deepEqual([d.spec?.['replicas'], (d.spec?.['strategy'] as { type: string }).type], [1, 'Recreate']);
  const spec = podSpec(d);
  const c = spec.containers[0]!;
  assert.equal(c.command, undefined);
  assert.deepEqual(c.args, [
    'meta',
    'check',
    '--every',
    o.every,
    '--metrics-port',
    String(o.port),
    '--metrics-host',
    '0.0.0.0',
    ...(o.tenant ? ['--tenant', o.tenant] : []),
  ]);
  assert.deepEqual(c.ports, [{ name: 'http', containerPort: o.port, protocol: 'TCP' }]);
  assert.deepEqual(
    [c.livenessProbe?.httpGet, c.readinessProbe?.httpGet],
    [
      { path: '/healthz', port: 'http' },
      { path: '/healthz', port: 'http' },
    ],
  );
  assert.equal(c.env?.find((e) => e.name === 'WABUS_TENANTS_FILE')?.value, '/etc/wabus/tenants/tenants.json');
  assert.deepEqual(c.volumeMounts, [{ name: 'tenants', mountPath: '/etc/wabus/tenants', readOnly: true }]);
  assert.equal(
    c.env?.some((e) => e.name === 'MONGODB_URI' || e.name === 'KAFKA_BROKERS'),
    false,
    'it needs neither the store nor Kafka',
  );
  assert.equal(c.securityContext?.['readOnlyRootFilesystem'], true);
  assert.equal(spec.securityContext?.['runAsNonRoot'], true);
  assert.ok(selects(d.spec?.selector?.matchLabels, d.spec?.template?.metadata?.labels));
  // Placed like the services' pods (the same helpers: service account, pull secrets, nodeSelector, tolerations, affinity).
  const service = podSpec(objectNamed(objects, 'Deployment', 'wabus-ingress'));
  for (const key of ['serviceAccountName', 'automountServiceAccountToken', 'nodeSelector', 'tolerations', 'affinity'] as const)
    assert.deepEqual(spec[key], service[key], `meta check's ${key}`);
  const headless = ofKind(objects, 'Service').filter(
    (s) => s.spec?.['clusterIP'] === 'None' && selects(s.spec['selector'] as Record<string, string>, d.spec?.template?.metadata?.labels),
  );
  assert.deepEqual(
    headless.map((s) => [s.metadata.name, s.metadata.labels?.['wabus.io/metrics'], s.spec?.['ports']]),
    [[`${META_CHECK}-pods`, 'true', [{ name: 'http', port: o.port, targetPort: 'http', protocol: 'TCP' }]]],
  );
}

/** The topics Job: a hook before install and upgrade running `topics apply` on a topics file of the image. */
function checkTopicsJob(objects: K8sObject[], dryRun: boolean) {
  const job = objectNamed(objects, 'Job', 'wabus-topics');
  assert.equal(job.metadata.annotations?.['helm.sh/hook'], 'pre-install,pre-upgrade');
  const spec = podSpec(job);
  const c = spec.containers[0]!;
  assert.equal(c.command, undefined);
  assert.deepEqual(c.args?.slice(0, 3), ['topics', 'apply', '--file']);
  assert.deepEqual(c.args?.slice(4), dryRun ? ['--dry-run'] : []);
  const file = c.args![3]!;
  assert.ok(imageFile(`/app/${file}`) !== undefined, `${file} is a file of the image`);
  // A pre-install hook runs before the release's other objects exist: it may take nothing from them.
  assert.equal(c.envFrom, undefined);
  assert.ok(
    (c.env ?? []).every((e) => e.valueFrom === undefined && e.value !== undefined),
    JSON.stringify(c.env),
  );
  assert.equal(spec.volumes, undefined);
  assert.equal(spec.restartPolicy, 'Never');
  // Placed like the services' pods (docs/deploy.md: nodeSelector, tolerations and affinity are every pod's).
  const service = podSpec(objectNamed(objects, 'Deployment', 'wabus-ingress'));
  for (const key of ['nodeSelector', 'tolerations', 'affinity'] as const) assert.deepEqual(spec[key], service[key], `the topics Job's ${key}`);
}

test('given the default values, then ingress, message-store, status-tracker and account-state run (auto-reply and crm-sync are opt-in), with the topics Job', () => {
  const objects = renderChart(helm);
  checkDeployments(objects, ['ingress', 'message-store', 'status-tracker', 'account-state']);
  checkTopicsJob(objects, false);
  assert.equal(podSpec(objectNamed(objects, 'Job', 'wabus-topics')).containers[0]!.args![3], 'infra/topics.cluster.json');
  assert.equal(ofKind(objects, 'Deployment').filter((d) => d.metadata.name === META_CHECK).length, 0, 'meta check is opt-in');
  const ingress = objectNamed(objects, 'Service', 'wabus-ingress');
  assert.deepEqual([ingress.spec?.['type'], ingress.spec?.['ports']], ['ClusterIP', [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]]);
  assert.equal(objectNamed(objects, 'Deployment', 'wabus-ingress').spec?.['replicas'], 2);
  for (const kind of ['HorizontalPodAutoscaler', 'ServiceMonitor', 'Ingress']) assert.deepEqual(ofKind(objects, kind), [], `no ${kind} by default`);
});

test('given everything on, then every service runs, ingress scales with an HPA, and a ServiceMonitor scrapes each /metrics', () => {
  const objects = renderChart(helm, [CI_VALUES.allOn]);
  checkDeployments(
    objects,
    registry.map((s) => s.name),
  );
  checkTopicsJob(objects, true);
  checkMetaCheck(objects, { every: '10m', port: 9470, tenant: 'acme' });

  const hpa = objectNamed(objects, 'HorizontalPodAutoscaler', 'wabus-ingress');
  assert.equal(hpa.apiVersion, 'autoscaling/v2');
  assert.deepEqual(hpa.spec?.['scaleTargetRef'], { apiVersion: 'apps/v1', kind: 'Deployment', name: 'wabus-ingress' });
  assert.deepEqual([hpa.spec?.['minReplicas'], hpa.spec?.['maxReplicas']], [3, 12]);
  assert.equal(objectNamed(objects, 'Deployment', 'wabus-ingress').spec?.['replicas'], undefined, 'the HPA sets the replicas');

  const monitor = objectNamed(objects, 'ServiceMonitor', 'wabus');
  assert.equal(monitor.apiVersion, 'monitoring.coreos.com/v1');
  assert.equal(monitor.metadata.labels?.['release'], 'kube-prometheus-stack');
  assert.deepEqual(monitor.spec?.['endpoints'], [{ port: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' }]);
  const scraped = ofKind(objects, 'Service').filter((s) => selects(monitor.spec?.selector?.matchLabels, s.metadata.labels));
  assert.deepEqual(scraped.map((s) => s.metadata.name).sort(), [...registry.map((s) => `wabus-${s.name}-pods`), `${META_CHECK}-pods`].sort());

  const webhook = objectNamed(objects, 'Ingress', 'wabus-ingress');
  assert.deepEqual(webhook.spec?.['tls'], [{ hosts: ['webhooks.example.com'], secretName: 'webhooks-tls' }]);

  // The tenants file from the operator's Secret, mounted where WABUS_TENANTS_FILE points, in the services that read it.
  for (const d of ofKind(objects, 'Deployment').filter((x) => x.metadata.name !== META_CHECK)) {
    const spec = podSpec(d);
    const c = spec.containers[0]!;
    const reads = tenantsReaders.includes(c.args![0]!);
    assert.equal(c.env?.find((e) => e.name === 'WABUS_TENANTS_FILE')?.value, reads ? '/etc/wabus/tenants/tenants.json' : undefined, d.metadata.name);
    assert.equal(spec.volumes?.find((v) => v.name === 'tenants')?.secret?.secretName, reads ? 'wabus-tenants' : undefined, d.metadata.name);
  }
});

test('given an install (client-side dry run), then the notes name the Secrets the operator must create', () => {
  const r = runHelm(helm, ['install', 'wabus', CHART_DIR, '--namespace', 'messaging', '--dry-run=client']);
  assert.equal(r.code, 0, r.stderr);
  const notes = r.stdout.slice(r.stdout.indexOf('NOTES:'));
  assert.match(notes, /ingress reads WHATSAPP_APP_SECRETS, WHATSAPP_VERIFY_TOKEN from the Secret wabus-ingress/);
  assert.match(notes, /auto-reply +off/);
  assert.match(notes, /ingress +2 pod\(s\), port 8080/);
  assert.doesNotMatch(notes, /Meta check/);
  const withCheck = runHelm(helm, ['install', 'wabus', CHART_DIR, '--namespace', 'messaging', '--dry-run=client', '-f', CI_VALUES.allOn]);
  assert.equal(withCheck.code, 0, withCheck.stderr);
  const checkNotes = withCheck.stdout.slice(withCheck.stdout.indexOf('NOTES:'));
  assert.match(checkNotes, /Meta check: every 10m, \/metrics on port 9470/);
  assert.match(checkNotes, /meta-check reads WHATSAPP_ACCESS_TOKEN from the Secret wabus-meta-check-token/);
});

test('given settings that cannot work, then rendering fails naming the value', () => {
  const fails = (set: string[], message: RegExp) =>
    assert.throws(
      () =>
        renderChart(
          helm,
          [],
          set.flatMap((s) => ['--set', s]),
        ),
      message,
    );
  fails(['tenants.enabled=true'], /tenants\.enabled: give tenants\.file .* or tenants\.existingSecret/);
  fails(['tenants.enabled=true', 'tenants.existingSecret=t'], /give ingress no WHATSAPP_APP_SECRETS or WHATSAPP_VERIFY_TOKEN/);
  fails(['services.auto-reply.enabled=true'], /services\.auto-reply\.files\.AUTO_REPLY_RULES\.content is empty/);
  fails(['services.crm-sync.enabled=true'], /services\.crm-sync\.env\.CRM_BASE_URL is empty/);
  fails(['metaCheck.enabled=true'], /metaCheck\.enabled: .* set tenants\.enabled too/);
  fails(['metaCheck.every=5 minutes'], /at '\/metaCheck\/every'/);
  fails(
    [
      'metaCheck.enabled=true',
      'tenants.enabled=true',
      'tenants.existingSecret=t',
      'services.ingress.existingSecret.name=',
      'metaCheck.env.WHATSAPP_API_VERSION=',
    ],
    /metaCheck\.env\.WHATSAPP_API_VERSION is empty/,
  );
  // values.schema.json: misspelt keys and values no service accepts.
  fails(['services.ingress.replica=3'], /at '\/services\/ingress': additional properties 'replica' not allowed/);
  // A kind is derived from the service's name, never set.
  fails(['services.message-store.kind=ingress'], /at '\/services\/message-store': additional properties 'kind' not allowed/);
  fails(['logLevel=loud'], /at '\/logLevel'/);
  // (helm names the wrong place for a property name, so only the name is matched)
  fails(['services.ingress.env.lower=1'], /invalid propertyName 'lower'/);
});

test('given a PodDisruptionBudget of maxUnavailable 0, then it renders 0 (no eviction), not the default', () => {
  const pdb = (set: string[]) =>
    objectNamed(
      renderChart(
        helm,
        [],
        set.flatMap((s) => ['--set', s]),
      ),
      'PodDisruptionBudget',
      'wabus-ingress',
    ).spec;
  assert.deepEqual(pdb(['services.ingress.pdb.maxUnavailable=0']), { ...pdb([]), maxUnavailable: 0 });
  assert.equal(pdb([])?.['maxUnavailable'], 1);
  assert.deepEqual(pdb(['services.ingress.pdb.minAvailable=0'])?.['minAvailable'], 0);
  assert.throws(() => pdb(['services.ingress.pdb.maxUnavailable=null']), /services\.ingress\.pdb: give maxUnavailable or minAvailable/);
});

/** Below these, the values are Kubernetes' own objects or free-form maps: the path itself is documented. */
const OPAQUE = ['podSecurityContext', 'securityContext', 'topics.resources', 'metaCheck.resources', 'metaCheck.env'].concat(
  ['resources', 'strategy', 'env', 'secretEnv', 'files'].map((k) => `services.<name>.${k}`),
);

/** Every value of values.yaml as a dotted path, a service's as `services.<name>.<key>`; OPAQUE ones whole. */
function valuePaths(value: unknown, prefix = ''): string[] {
  if (OPAQUE.includes(prefix)) return [prefix];
  if (typeof value !== 'object' || value === null || Array.isArray(value) || Object.keys(value).length === 0) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => valuePaths(v, prefix === 'services' ? 'services.<name>' : prefix === '' ? k : `${prefix}.${k}`));
}

test('given values.yaml, then docs/deploy.md describes every value of it', () => {
  const docs = readFileSync(join(repo, 'docs/deploy.md'), 'utf8');
  const paths = [...new Set(valuePaths(values))];
  assert.ok(paths.includes('services.<name>.port') && paths.includes('image.tag'), paths.join(' '));
  const undocumented = paths.filter((p) => !docs.includes(`\`${p}\``));
  assert.deepEqual(undocumented, [], 'docs/deploy.md names each as `path`');
});
