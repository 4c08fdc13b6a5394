import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { test, type TestContext } from 'node:test';
import { startGraphApiStandIn, type GraphApiStandIn } from '@wabus/standins';
import { freePort, readScrape, writeTenantsFile } from '@wabus/testing';
import { repoRoot } from '../repo-paths.ts';

// Two tenants, two apps; acme has two WABAs, one of them with a callback override. Against the Graph stand-in as a
// real HTTP server, which verifies each callback URL with Meta's handshake against a real endpoint.
const A = { app: '670843887433847', secret: 'acme-app-secret', token: 'acme-graph-token', verify: 'acme-verify-token' };
const G = { app: '525650000000001', secret: 'globex-app-secret', token: 'globex-graph-token', verify: 'globex-verify-token' };
const SECRETS = [A.secret, A.token, A.verify, G.secret, G.token, G.verify];

const cliPath = resolve(repoRoot, 'packages/cli/src/main.ts');
const run = (args: string[], env: Record<string, string> = {}) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      process.execPath,
      [cliPath, 'meta', ...args],
      { cwd: repoRoot, env: { ...process.env, WHATSAPP_ACCESS_TOKEN: '', ...env }, timeout: 30_000 },
      (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });

/** Answers Meta's handshake (`hub.challenge` echoed) for the two verify tokens, 403 otherwise. */
async function webhookEndpoint(t: TestContext): Promise<string> {
  const server = createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams;
    const ok = q.get('hub.mode') === 'subscribe' && [A.verify, G.verify].includes(q.get('hub.verify_token') ?? '');
    res.writeHead(ok ? 200 : 403, { 'content-type': 'text/plain' });
    res.end(ok ? (q.get('hub.challenge') ?? '') : 'forbidden');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function setUp(t: TestContext): Promise<{ graph: GraphApiStandIn; args: string[]; hook: string }> {
  const hook = await webhookEndpoint(t);
  const graph = await startGraphApiStandIn({
    accessToken: 'unused-default-token',
    accessTokens: { '1001': A.token, '2001': G.token },
    meta: {
      apps: [
        { id: A.app, secret: A.secret, name: 'Acme' },
        { id: G.app, secret: G.secret, name: 'Globex' },
      ],
      wabas: [
        { id: '100', phoneNumbers: [{ id: '1001' }] },
        { id: '101', phoneNumbers: [{ id: '1011', quality_rating: 'YELLOW' }] },
        { id: '200', phoneNumbers: [{ id: '2001' }] },
      ],
      tokenApps: { [A.token]: A.app, [G.token]: G.app },
      verifyCallbacks: true,
    },
  });
  t.after(() => graph.close());
  const file = writeTenantsFile(t, [
    {
      id: 'acme',
      appSecrets: [A.secret],
      verifyToken: A.verify,
      graphAccessToken: A.token,
      wabaIds: ['100', '101'],
      phoneNumberIds: ['1001', '1011'],
      meta: {
        appId: A.app,
        callbackUrl: `${hook}/webhook`,
        fields: ['messages', 'account_update'],
        wabas: { '101': { callbackOverride: `${hook}/eu/webhook` } },
      },
    },
    {
      id: 'globex',
      appSecrets: [G.secret],
      verifyToken: G.verify,
      graphAccessToken: G.token,
      wabaIds: ['200'],
      phoneNumberIds: ['2001'],
      meta: { appId: G.app, callbackUrl: `${hook}/webhook`, fields: ['messages'] },
    },
  ]);
  return { graph, args: ['--tenants-file', file, '--graph-url', graph.url], hook };
}

const writes = (g: GraphApiStandIn) => g.requests.filter((r) => r.method !== 'GET').length;
const noSecrets = (text: string) => {
  for (const s of SECRETS) assert.ok(!text.includes(s), `a secret was printed: ${s}`);
};

/** The stand-in's state as a test compares it: each app's webhook, each WABA's subscribed apps with overrides. */
const state = (g: GraphApiStandIn) => ({
  apps: Object.fromEntries(
    [A.app, G.app].map((id) => {
      const s = g.meta.appSubscription(id);
      return [id, s === null ? null : { callback: s.callback_url, fields: s.fields.map((f) => f.name).sort(), active: s.active }];
    }),
  ),
  wabas: Object.fromEntries(
    ['100', '101', '200'].map((id) => [id, g.meta.subscribedApps(id).map((a) => [a.whatsapp_business_api_data.id, a.override_callback_uri ?? null])]),
  ),
});

test('meta subscribe: a dry run prints the plan and writes nothing; --execute twice holds exactly the expected subscriptions, the second run writes nothing', async (t) => {
  const { graph, args, hook } = await setUp(t);
  const before = state(graph);

  const dry = await run(['subscribe', ...args]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(writes(graph), 0, 'a dry run writes nothing');
  assert.deepEqual(state(graph), before);
  assert.match(dry.stdout, new RegExp(`would  POST /v21.0/${A.app}/subscriptions .*"fields":"account_update,messages","verify_token":"\\[redacted\\]"`));
  assert.match(
    dry.stdout,
    /would {2}POST \/v21.0\/101\/subscribed_apps \{"override_callback_uri":"http:\/\/127\.0\.0\.1:\d+\/eu\/webhook","verify_token":"\[redacted\]"\}/,
  );
  assert.match(dry.stdout, /would {2}POST \/v21.0\/100\/subscribed_apps /);
  assert.match(dry.stdout, /would {2}POST \/v21.0\/200\/subscribed_apps /);
  assert.match(dry.stdout, /DRY RUN: 5 change\(s\) not made/);
  noSecrets(dry.stdout + dry.stderr);

  const first = await run(['subscribe', ...args, '--execute']);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(writes(graph), 5, 'two app webhooks, three WABAs');
  noSecrets(first.stdout + first.stderr);
  const expected = {
    apps: {
      [A.app]: { callback: `${hook}/webhook`, fields: ['account_update', 'messages'], active: true },
      [G.app]: { callback: `${hook}/webhook`, fields: ['messages'], active: true },
    },
    wabas: { '100': [[A.app, null]], '101': [[A.app, `${hook}/eu/webhook`]], '200': [[G.app, null]] },
  };
  assert.deepEqual(state(graph), expected);
  // The stand-in received the verify tokens (and verified both callbacks with them): sent, never printed.
  const override = graph.requests.find((r) => r.method === 'POST' && r.path === '/v21.0/101/subscribed_apps');
  assert.deepEqual(override?.body, { override_callback_uri: `${hook}/eu/webhook`, verify_token: A.verify });

  const second = await run(['subscribe', ...args, '--execute']);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /nothing to change/);
  assert.equal(writes(graph), 5, 'the second run writes nothing');
  assert.deepEqual(state(graph), expected);

  // One tenant only: its own app and WABAs.
  graph.meta.dropSubscription('200');
  graph.meta.dropSubscription('100');
  const onlyAcme = await run(['subscribe', ...args, '--tenant', 'acme', '--execute']);
  assert.equal(onlyAcme.code, 0, onlyAcme.stderr);
  assert.equal(writes(graph), 6);
  assert.deepEqual(state(graph).wabas, { ...expected.wabas, '200': [] });
});

test('meta check: agreeing exits 0; a dropped subscription, fields, an override elsewhere, a RED or FLAGGED number exit 3 naming it; an expired token or no Graph exit 4 with its code', async (t) => {
  const { graph, args, hook } = await setUp(t);
  const initial = await run(['check', ...args]);
  assert.equal(initial.code, 3);
  assert.match(initial.stdout, new RegExp(`app ${A.app}: no whatsapp_business_account webhook subscription`));
  assert.equal((await run(['subscribe', ...args, '--execute'])).code, 0);

  const agree = await run(['check', ...args]);
  assert.equal(agree.code, 0, agree.stdout + agree.stderr);
  assert.match(agree.stdout, /tenant acme: Meta agrees with the tenants file/);
  assert.match(agree.stdout, /number 1011 \(WABA 101\) .*status CONNECTED, quality YELLOW, limit TIER_1K/);
  const writesBefore = writes(graph);

  graph.meta.dropSubscription('101', A.app);
  const dropped = await run(['check', ...args]);
  assert.equal(dropped.code, 3);
  assert.match(dropped.stdout, new RegExp(`DIFFERS  WABA 101: app ${A.app} is not subscribed`));
  assert.match(dropped.stdout, /tenant globex: Meta agrees/, 'the other tenant is unaffected');
  assert.equal((await run(['subscribe', ...args, '--tenant', 'acme', '--execute'])).code, 0);

  graph.meta.setAppSubscription(A.app, { callbackUrl: `${hook}/webhook`, fields: ['messages', 'security'] });
  graph.meta.setOverride('101', A.app, 'https://elsewhere.example/webhook');
  graph.meta.setNumber('1001', { quality_rating: 'RED' });
  graph.meta.setNumber('2001', { status: 'FLAGGED' });
  const json = await run(['check', ...args, '--json']);
  assert.equal(json.code, 3);
  const report = JSON.parse(json.stdout) as { status: number; tenants: { tenantId: string; differences: Record<string, unknown>[] }[] };
  assert.deepEqual(
    report.tenants.map((r) => [r.tenantId, r.differences]),
    [
      [
        'acme',
        [
          { kind: 'app_fields_missing', appId: A.app, fields: ['account_update'] },
          { kind: 'app_fields_extra', appId: A.app, fields: ['security'] },
          { kind: 'waba_override', wabaId: '101', expected: `${hook}/eu/webhook`, reported: 'https://elsewhere.example/webhook' },
          { kind: 'number_quality', phoneNumberId: '1001', rating: 'RED' },
        ],
      ],
      ['globex', [{ kind: 'number_status', phoneNumberId: '2001', status: 'FLAGGED' }]],
    ],
  );
  const text = await run(['check', ...args]);
  assert.match(text.stdout, new RegExp(`app ${A.app}: not subscribed to fields account_update`));
  assert.match(text.stdout, /WABA 101: callback override is https:\/\/elsewhere\.example\/webhook, expected http:\/\/127\.0\.0\.1:\d+\/eu\/webhook/);
  assert.match(text.stdout, /number 1001: quality rating RED/);
  assert.match(text.stdout, /number 2001: status FLAGGED, expected CONNECTED/);
  assert.equal(writes(graph), writesBefore + 1, 'check never writes (the one write is the re-subscribe of WABA 101 above)');

  graph.meta.expireToken(A.token);
  const expired = await run(['check', ...args]);
  assert.equal(expired.code, 4);
  assert.match(
    expired.stderr,
    /WABUS_META_TOKEN_INVALID: tenant acme: GET \/v21\.0\/100\/subscribed_apps: Meta refused tenant acme's Graph token \(code 190, subcode 463\)/,
  );
  assert.match(expired.stdout, /tenant globex: 1 difference/, 'the other tenant is still checked');
  noSecrets(expired.stdout + expired.stderr);
  const expiredSubscribe = await run(['subscribe', ...args, '--tenant', 'acme']);
  assert.equal(expiredSubscribe.code, 4);
  assert.match(expiredSubscribe.stderr, /^wabus: WABUS_META_TOKEN_INVALID: /);

  const nowhere = await run(['check', ...args, '--graph-url', `http://127.0.0.1:${await freePort()}`]);
  assert.equal(nowhere.code, 4);
  assert.match(nowhere.stderr, /WABUS_META_GRAPH_UNREACHABLE: tenant acme: GET \/v21\.0\/670843887433847\/subscriptions: ECONNREFUSED/);
});

test('meta check: bad command lines and files are usage errors (2) or coded errors (1), before any call', async (t) => {
  const { graph, args } = await setUp(t);
  for (const [argv, code, message] of [
    [['check', ...args, '--execute'], 2, /meta check does not accept --execute/],
    [['check', ...args, '--metrics-port', '9469'], 2, /--metrics-port and --metrics-host go with --every/],
    [['check', ...args, '--every', '0s'], 2, /--every expects at least 1s/],
    [['check', ...args, '--api-version', '21'], 2, /--api-version expects a Graph API version/],
    [['check', ...args, '--tenant', 'initech'], 1, /WABUS_META_NOT_CONFIGURED: --tenant initech: no such tenant/],
    [['check', '--graph-url', graph.url], 1, /WABUS_META_NOT_CONFIGURED: no tenants file/],
    [['unsubscribe'], 2, /unknown meta command "unsubscribe"/],
  ] as const) {
    const r = await run([...argv], { WABUS_TENANTS_FILE: '' });
    assert.equal(r.code, code, `${argv.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.equal(graph.requests.length, 0);
});

test('meta check --every: serves the last run as metrics (a known difference, a RED number), /healthz, and stops on SIGTERM', async (t) => {
  const { graph, args } = await setUp(t);
  assert.equal((await run(['subscribe', ...args, '--execute'])).code, 0);
  graph.meta.dropSubscription('100');
  graph.meta.setNumber('1011', { quality_rating: 'RED' });
  const port = await freePort();
  const child = spawn(process.execPath, [cliPath, 'meta', 'check', ...args, '--every', '1h', '--metrics-port', String(port)], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  t.after(() => void child.kill('SIGKILL'));
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));

  const deadline = Date.now() + 20_000;
  let scrape: ReturnType<typeof readScrape> | null = null;
  while (Date.now() < deadline) {
    const text = await fetch(`http://127.0.0.1:${port}/metrics`).then(
      (r) => r.text(),
      () => '',
    );
    if (text.includes('wabus_meta_check_last_run_timestamp_seconds{')) {
      scrape = readScrape(text);
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(scrape, `no run exported within the deadline; stdout: ${stdout}`);
  assert.equal(scrape.value('wabus_meta_check_ok', { tenant: 'acme' }), 0);
  assert.equal(scrape.value('wabus_meta_check_ok', { tenant: 'globex' }), 1);
  assert.deepEqual(scrape.series('wabus_meta_check_differences'), { 'kind=number_quality,tenant=acme': 1, 'kind=waba_not_subscribed,tenant=acme': 1 });
  assert.equal(scrape.value('wabus_meta_number_quality', { tenant: 'acme', phone_number_id: '1011', rating: 'RED' }), 1);
  assert.equal(scrape.value('wabus_meta_number_quality', { tenant: 'acme', phone_number_id: '1001', rating: 'GREEN' }), 1);
  assert.equal(scrape.value('wabus_meta_number_status', { tenant: 'globex', phone_number_id: '2001', status: 'CONNECTED' }), 1);
  assert.ok(scrape.value('wabus_meta_check_last_run_timestamp_seconds', { tenant: 'acme' }) > Date.now() / 1000 - 60);
  assert.deepEqual(scrape.series('wabus_meta_check_error'), {});
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.equal(health.status, 200);
  assert.match(stdout, /WABA 100: app 670843887433847 is not subscribed/);

  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});
