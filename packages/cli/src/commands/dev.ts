import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import {
  installTraceViewer,
  isTraceViewerInstalled,
  JAEGER_VERSION,
  resolveTraceViewerLayout,
  startInfra,
  startTraceViewer,
  type TraceViewer,
} from '@wabus/infra';
import { CRM_DEV_ENV, runGraphApiStandIn, startDevCrmStandIn } from '@wabus/standins';
import { applyTopics, createKafka } from '@wabus/kafka';
import { SUPERVISOR_PID_ENV } from '@wabus/service/supervisor';
import { serviceRegistry, serviceStartArgs } from '@wabus/service/registry';
import { loadTenantsFile } from '@wabus/tenants';
import { devMetaState, devTenantsFile } from '../dev-meta.ts';
import { formatLogLine } from '../log-format.ts';
import { parseStore } from './infra.ts';
import { defaultTopicsFile, loadWabusTopics, repoRoot } from '../repo-paths.ts';

/** Local defaults for every service; any variable already set in the environment wins. */
export const DEV_DEFAULTS: Record<string, string> = {
  INGRESS_HOST: '127.0.0.1',
  HOST: '127.0.0.1',
  INGRESS_PORT: '8080',
  WHATSAPP_APP_SECRETS: 'dev=wabus-dev-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'wabus-dev-verify-token',
  LOG_LEVEL: 'info',
  // auto-reply answers through the local Graph API stand-in that dev starts on 8090.
  AUTO_REPLY_RULES: 'services/auto-reply/rules.example.json',
  WHATSAPP_GRAPH_BASE_URL: 'http://127.0.0.1:8090',
  WHATSAPP_ACCESS_TOKEN: 'wabus-dev-access-token',
  // The sender asks message-store for the 24-hour window, status-tracker for a send's status and account-state
  // whether a template is approved.
  SENDER_MESSAGE_STORE_URL: 'http://127.0.0.1:8081',
  SENDER_STATUS_TRACKER_URL: 'http://127.0.0.1:8082',
  SENDER_ACCOUNT_STATE_URL: 'http://127.0.0.1:8088',
  // crm-sync pushes contacts to the local CRM stand-in that dev starts on 8091.
  ...CRM_DEV_ENV,
};

const TRACING_VARIABLES = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_TRACES_EXPORTER'] as const;

/** Where the services' spans go under dev, and the viewer to stop with them. */
interface DevTracing {
  env: Record<string, string>;
  /** For the banner. */
  summary: string;
  /** Jaeger's UI and API, when dev runs or uses one. */
  queryUrl?: string;
  viewer: Promise<TraceViewer | undefined>;
  /** The viewer is built and starts in about a second: wait for it before the services, so no early span is lost. */
  waitForViewer: boolean;
}

/**
 * The environment decides first: with an OTLP endpoint or exporter set, spans go there and no viewer starts. With
 * --no-viewer, tracing stays off. Otherwise the local Jaeger: started at once when built (or used when something
 * already serves OTLP on 4318, e.g. docker-compose's Jaeger); when not built yet, built in the background while the
 * services start with the endpoint set already (spans exported before it is up are lost).
 */
function devTracing(noViewer: boolean, log: (m: string) => void): DevTracing {
  const own = TRACING_VARIABLES.filter((v) => process.env[v]);
  const none = Promise.resolve(undefined);
  if (own.length > 0) return { env: {}, summary: `as configured (${own.map((v) => `${v}=${process.env[v]}`).join(', ')})`, viewer: none, waitForViewer: false };
  if (noViewer) return { env: {}, summary: 'off (--no-viewer)', viewer: none, waitForViewer: false };
  const built = isTraceViewerInstalled();
  const layout = resolveTraceViewerLayout();
  const viewer = (async () => {
    if (!built) await installTraceViewer({ log });
    return startTraceViewer({ log });
  })();
  // Without a viewer the services still run; the reason is logged.
  const started = viewer.catch((err: Error & { code?: string }) => {
    log(`no trace viewer: ${err.code ? `${err.code}: ` : ''}${err.message} (pnpm dev --no-viewer skips it)`);
    return undefined;
  });
  return {
    // Exported within a second (the SDK's default waits 5 s): a webhook just sent should be in the viewer.
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://${layout.host}:${layout.otlpHttpPort}`, OTEL_BSP_SCHEDULE_DELAY: '1000' },
    queryUrl: `http://${layout.host}:${layout.queryPort}`,
    summary: built
      ? 'Jaeger'
      : `Jaeger ${JAEGER_VERSION}, building now from the Go module proxy (once, a few minutes; cached): traces from before it is up are lost`,
    viewer: started,
    waitForViewer: built,
  };
}

/** `argv` after `dev`; the CLI's entry point does not pass it yet, so it falls back to the process's own arguments. */
export async function devCommand(argv: string[] = process.argv.slice(process.argv.indexOf('dev') + 1)): Promise<number> {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: { 'no-viewer': { type: 'boolean', default: false }, topics: { type: 'string' }, store: { type: 'string' } },
    strict: true,
  });
  const tracing = devTracing(values['no-viewer'], (m) => process.stderr.write(`[viewer] ${m}\n`));
  const infra = await startInfra({ profile: 'dev', store: parseStore(values.store), log: (m) => process.stderr.write(`[infra] ${m}\n`) });
  const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: 'wabus-dev' });
  const admin = kafka.admin();
  await admin.connect();
  const report = await applyTopics(admin, await loadWabusTopics(values.topics ?? defaultTopicsFile));
  await admin.disconnect();
  for (const t of report.created) console.log(`[topics] created ${t}`);
  for (const d of report.drift) console.log(`[topics] DRIFT ${d.topic}: ${d.setting} is ${d.actual}, defined as ${d.expected}`);

  const env: NodeJS.ProcessEnv = { ...DEV_DEFAULTS, ...tracing.env, ...process.env, KAFKA_BROKERS: infra.kafkaBrokers.join(','), MONGODB_URI: infra.mongoUri };
  // Each service stops by itself once this process is gone, however it ended (SIGKILL, a crash): docs/services.md.
  env[SUPERVISOR_PID_ENV] = String(process.pid);
  if (tracing.waitForViewer) await tracing.viewer;
  // Stand-ins for what is outside wabus, unless the environment points the services at real ones.
  const standIns: { close(): Promise<void> }[] = [];
  const ingressUrl = `http://${env['INGRESS_HOST']}:${env['INGRESS_PORT']}/webhook`;
  const secret = String(env['WHATSAPP_APP_SECRETS']).split(',')[0]!.split('=').pop();
  // Like Meta, the stand-in reports each accepted send's statuses (sent, delivered, read) to ingress, signed with
  // the app secret: a send through the sender's API comes back as its status (docs/sender.md).
  if (!process.env['WHATSAPP_GRAPH_BASE_URL'])
    standIns.push(
      await runGraphApiStandIn({
        port: 8090,
        accessToken: env['WHATSAPP_ACCESS_TOKEN'],
        ...(secret ? { statusCallbacks: { url: ingressUrl, appSecret: secret, delayMs: 500 } } : {}),
        // Meta's webhook setup for `wabus meta subscribe|check` (docs/meta.md): the dev tenant's app, WABA and number.
        meta: devMetaState(loadTenantsFile(devTenantsFile)),
      }),
    );
  if (!process.env['CRM_BASE_URL']) standIns.push(await startDevCrmStandIn({ log: (line: string) => console.log(`[crm] ${line}`) }));
  const registry = serviceRegistry();
  const services = registry.map((s) => s.name);
  const color = process.stdout.isTTY === true;
  const children: ChildProcess[] = registry.map(({ name }, i) => {
    // Own process group: Ctrl-C reaches dev alone, which sends each service one SIGTERM (a second signal, the
    // terminal's SIGINT and then ours, makes a consumer exit at once, without committing or flushing its spans).
    const child = spawn(process.execPath, serviceStartArgs(name), { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (l) => console.log(formatLogLine(name, i, l, color)));
    }
    child.on('exit', (code, signal) => console.log(formatLogLine(name, i, `exited (${signal ?? code})`, color)));
    return child;
  });

  // Detached, they would outlive a dev that ends abnormally.
  process.once('exit', () => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  });

  console.log(`
  wabus is starting: ${services.join(', ')}
    Kafka          ${infra.kafkaBrokers.join(',')}
    MongoDB        ${infra.mongoUri}
    Webhook URL    ${ingressUrl}
    Verify token   ${env['WHATSAPP_VERIFY_TOKEN']}
    Graph API      ${env['WHATSAPP_GRAPH_BASE_URL']}${process.env['WHATSAPP_GRAPH_BASE_URL'] ? '' : '  (local stand-in: replies are logged as [graph-api])'}
    CRM            ${env['CRM_BASE_URL']}${process.env['CRM_BASE_URL'] ? '' : `  (local stand-in: curl ${env['CRM_BASE_URL']}/contacts)`}
    Traces         ${tracing.summary}${
      tracing.queryUrl
        ? `, spans to ${tracing.env['OTEL_EXPORTER_OTLP_ENDPOINT']}
                   viewer ${tracing.queryUrl}   API curl '${tracing.queryUrl}/api/traces?service=ingress&limit=5'`
        : ''
    }
    App secret     ${secret}   (set WHATSAPP_APP_SECRETS to your Meta app's secret)
  Try:  pnpm wabus simulate --url ${ingressUrl} --secret ${secret} --rate 5 --duration 10s
        pnpm wabus events tail --from-beginning --max 5
        curl -s -X POST http://127.0.0.1:8086/v1/messages -H 'idempotency-key: try-1' -H 'content-type: application/json' \\
          -d '{"phoneNumberId":"106540352242922","to":"15551234567","type":"template","template":{"name":"hello_world","language":"en_US"}}'
        (then GET http://127.0.0.1:8086/v1/messages/<id>: the stand-in's sent, delivered, read come back through ingress)
        pnpm wabus meta subscribe --tenants-file infra/tenants.dev.json --graph-url ${env['WHATSAPP_GRAPH_BASE_URL']} [--execute]
        pnpm wabus meta check --tenants-file infra/tenants.dev.json --graph-url ${env['WHATSAPP_GRAPH_BASE_URL']}
`);

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      console.log('\nstopping services (infra keeps running; stop it with: pnpm wabus infra down)');
      for (const c of children) c.kill('SIGTERM');
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    process.on('SIGHUP', stop); // the terminal closed
    let alive = children.length;
    if (alive === 0) resolve();
    for (const c of children) c.on('exit', () => --alive === 0 && resolve());
  });
  await Promise.all(standIns.map((s) => s.close()));
  // A viewer still being built is left to its build (Ctrl-C ends that too); one that runs stops with the services.
  await (await Promise.race([tracing.viewer, Promise.resolve(undefined)]))?.stop();
  return 0;
}
