/**
 * The image, without Docker: the Dockerfile's final stage rebuilt as a directory (image-layout.ts: its COPY lines from
 * the build context with .dockerignore applied, its RUN lines' `pnpm install --prod --frozen-lockfile` from this
 * machine's store), then its ENTRYPOINT run as written, as the image's user, with plain Node and nothing of this
 * machine's tools in reach. What it proves: the production dependencies alone run every service and the CLI, from
 * the TypeScript sources, without tsx.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceRegistry } from '@wabus/service/registry';
import { createKafka } from '@wabus/kafka';
import { createTestTopics, freePort, serviceTestEnv, testEnv, waitUntil } from '@wabus/testing';
import { buildImageLayout, type ImageLayout } from './image-layout.ts';
import { runImage, runImageToEnd } from './image-run.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const services = serviceRegistry();

let out: string;
let image: ImageLayout;
let app: string;

before(async () => {
  out = await mkdtemp(join(tmpdir(), 'wabus-image-'));
  const pnpmVersion = execFileSync('pnpm', ['--version'], { encoding: 'utf8' }).trim();
  image = buildImageLayout({ context: repo, dockerfile: join(repo, 'Dockerfile'), out, pnpm: 'pnpm', pnpmVersion });
  app = join(image.root, image.workdir);
});
after(() => rm(out, { recursive: true, force: true }));

test('given the layout, then it holds the production dependencies only: no tsx, no TypeScript, no linters, no tests', () => {
  const installed = readdirSync(join(app, 'node_modules', '.pnpm'));
  for (const dev of ['tsx', 'typescript', 'typescript-eslint', 'eslint', 'prettier', 'esbuild', 'autocannon']) {
    assert.ok(!installed.some((p) => p.startsWith(`${dev}@`)), `${dev} is not installed (found ${installed.filter((p) => p.startsWith(dev)).join(', ')})`);
  }
  assert.ok(installed.some((p) => p.startsWith('fastify@')) && installed.some((p) => p.startsWith('kafkajs@')), 'the runtime dependencies are');
  // Node strips types only outside node_modules: the workspace packages are links into packages/*, not copies.
  assert.ok(existsSync(join(app, 'packages/service/src/run-service.ts')));
  assert.ok(!readdirSync(join(app, 'services/ingress/src')).some((f) => f.endsWith('.test.ts')), 'no tests in the image');
  for (const f of ['infra/topics.json', 'infra/topics.cluster.json']) assert.ok(existsSync(join(app, f)), `${f}, read by topics apply`);
  for (const s of services) assert.ok(existsSync(join(app, 'services', s.name, 'package.json')), `${s.name}'s facts, read by the registry`);
});

test('given the image as written (ENTRYPOINT and CMD), then the CLI prints its usage and exits 0', async () => {
  const r = await runImageToEnd(image, undefined);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^usage: /);
  assert.match(r.stdout, /wabus topics apply/);
});

test('given each service by name with an invalid port, then it stops at its configuration check: one line naming the variable, exit 1', async () => {
  for (const s of services) {
    const r = await runImageToEnd(image, [s.name], { [s.portEnv]: 'not-a-port' });
    assert.equal(r.code, 1, `${s.name}: ${r.stdout}${r.stderr}`);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `${s.name}: one line, got ${r.stderr}`);
    assert.match(lines[0]!, new RegExp(`^${s.name}: WABUS_CONFIG_INVALID: ${s.portEnv}: `));
  }
});

test('given ingress with no secrets, then the line names the first variable it needs', async () => {
  const r = await runImageToEnd(image, ['ingress']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim(), 'ingress: WABUS_CONFIG_INVALID: WHATSAPP_APP_SECRETS: is required (or give WABUS_TENANTS_FILE)');
});

test('given each service with the brokers and the store, then it becomes ready (/healthz, /readyz) and stops on SIGTERM with 0', async (t) => {
  const topics = await createTestTopics(createKafka({ brokers: testEnv().kafkaBrokers, clientId: 'image-test' }));
  t.after(() => topics.drop());
  const runs = await Promise.all(
    services.map(async (s) => {
      const port = await freePort();
      // The rules file: the example in the image (/app/services/...), the working directory being /app.
      const p = runImage(image, [s.name], {
        ...serviceTestEnv(topics, `image.${s.name}`),
        [s.portEnv]: String(port),
        // Tracing on (to a closed port): the SDK and the exporter's worker thread load from the image too.
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      });
      t.after(() => void p.stop());
      const status = async (path: string) => (await fetch(`http://127.0.0.1:${port}${path}`).catch(() => undefined))?.status;
      const alive = () => {
        if (p.child.exitCode !== null) throw new Error(`${s.name} exited ${p.child.exitCode}:\n${p.stdout()}${p.stderr()}`);
      };
      await waitUntil(`${s.name} ready on ${port}`, async () => (alive(), (await status('/healthz')) === 200 && (await status('/readyz')) === 200), {
        timeoutMs: 90_000,
        intervalMs: 250,
      });
      return { s, p };
    }),
  );
  for (const { s, p } of runs) {
    assert.equal(await p.stop(), 0, `${s.name} stops cleanly:\n${p.stderr()}`);
    const tracing =
      p
        .stdout()
        .split('\n')
        .find((l) => l.includes('"msg":"tracing"')) ?? '';
    // The span exporter's worker thread loads its TypeScript entry with Node's own type stripping: no tsx.
    assert.match(tracing, /otlp http\/protobuf to http:\/\/127\.0\.0\.1:9 from a worker thread/, s.name);
  }
});

test("given the topics Job's command against the brokers, then topics apply reads the image's file and reports every topic", async () => {
  const file = 'infra/topics.cluster.json';
  const kafkaBrokers = testEnv().kafkaBrokers.join(',');
  const r = await runImageToEnd(image, ['topics', 'apply', '--file', file, '--dry-run'], { KAFKA_BROKERS: kafkaBrokers });
  // 3: a topic of the shared test broker differs from the file (replication factor 3 is for a cluster); reported, not fatal here.
  assert.ok(r.code === 0 || r.code === 3, `exit ${r.code}: ${r.stderr}`);
  assert.match(r.stdout, new RegExp(`^${kafkaBrokers.replaceAll('.', '\\.')}: 0 created, \\d+ unchanged, \\d+ drifted setting\\(s\\)$`, 'm'));
  const defined = (JSON.parse(readFileSync(join(app, file), 'utf8')) as { topics: { name: string }[] }).topics.map((t) => t.name);
  for (const name of defined.filter((n) => !n.includes('{consumer}'))) assert.match(r.stdout, new RegExp(`\\b${name.replaceAll('.', '\\.')}\\b`), name);
});
