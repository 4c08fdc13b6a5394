import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { startInfra } from '@wabus/infra';
import { CRM_DEV_ENV, runGraphApiStandIn, startDevCrmStandIn } from '@wabus/standins';
import { applyTopics, createKafka, loadTopicDefinitions } from '@wabus/kafka';
import { formatLogLine } from '../log-format.ts';
import { defaultTopicsFile, repoRoot } from '../repo-paths.ts';

export const devUsage = `wabus dev
    start Kafka and the store (profile dev), apply the topics, start every service with readable logs,
    and print the webhook URL and verify token; Ctrl-C stops the services (infra keeps running: wabus infra down)`;

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
  // crm-sync pushes contacts to the local CRM stand-in that dev starts on 8091.
  ...CRM_DEV_ENV,
};

export async function devCommand(): Promise<number> {
  const infra = await startInfra({ profile: 'dev', log: (m) => process.stderr.write(`[infra] ${m}\n`) });
  const kafka = createKafka({ brokers: infra.kafkaBrokers, clientId: 'wabus-dev' });
  const admin = kafka.admin();
  await admin.connect();
  const report = await applyTopics(admin, await loadTopicDefinitions(defaultTopicsFile));
  await admin.disconnect();
  for (const t of report.created) console.log(`[topics] created ${t}`);
  for (const d of report.drift) console.log(`[topics] DRIFT ${d.topic}: ${d.setting} is ${d.actual}, defined as ${d.expected}`);

  const env: NodeJS.ProcessEnv = { ...DEV_DEFAULTS, ...process.env, KAFKA_BROKERS: infra.kafkaBrokers.join(','), MONGODB_URI: infra.mongoUri };
  // Stand-ins for what is outside wabus, unless the environment points the services at real ones.
  const standIns: { close(): Promise<void> }[] = [];
  if (!process.env['WHATSAPP_GRAPH_BASE_URL']) standIns.push(await runGraphApiStandIn({ port: 8090, accessToken: env['WHATSAPP_ACCESS_TOKEN'] }));
  if (!process.env['CRM_BASE_URL']) standIns.push(await startDevCrmStandIn({ log: (line: string) => console.log(`[crm] ${line}`) }));
  const servicesDir = join(repoRoot, 'services');
  const services = readdirSync(servicesDir).filter((s) => existsSync(join(servicesDir, s, 'src/main.ts')));
  const color = process.stdout.isTTY === true;
  const children: ChildProcess[] = services.map((name, i) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(servicesDir, name, 'src/main.ts')], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (l) => console.log(formatLogLine(name, i, l, color)));
    }
    child.on('exit', (code, signal) => console.log(formatLogLine(name, i, `exited (${signal ?? code})`, color)));
    return child;
  });

  const ingressUrl = `http://${env['INGRESS_HOST']}:${env['INGRESS_PORT']}/webhook`;
  const secret = String(env['WHATSAPP_APP_SECRETS']).split(',')[0]!.split('=').pop();
  console.log(`
  wabus is starting: ${services.join(', ')}
    Kafka          ${infra.kafkaBrokers.join(',')}
    MongoDB        ${infra.mongoUri}
    Webhook URL    ${ingressUrl}
    Verify token   ${env['WHATSAPP_VERIFY_TOKEN']}
    Graph API      ${env['WHATSAPP_GRAPH_BASE_URL']}${process.env['WHATSAPP_GRAPH_BASE_URL'] ? '' : '  (local stand-in: replies are logged as [graph-api])'}
    CRM            ${env['CRM_BASE_URL']}${process.env['CRM_BASE_URL'] ? '' : `  (local stand-in: curl ${env['CRM_BASE_URL']}/contacts)`}
    App secret     ${secret}   (set WHATSAPP_APP_SECRETS to your Meta app's secret)
  Try:  pnpm wabus simulate --url ${ingressUrl} --secret ${secret} --rate 5 --duration 10s
        pnpm wabus events tail --from-beginning --max 5
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
    let alive = children.length;
    if (alive === 0) resolve();
    for (const c of children) c.on('exit', () => --alive === 0 && resolve());
  });
  await Promise.all(standIns.map((s) => s.close()));
  return 0;
}
