import { spawn } from 'node:child_process';
import { loadTenantsFile } from '@wabus/tenants';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  asCodedError,
  CONSUMER_SERVICES,
  consumerTopics,
  diffDatabasesAt,
  executeReplayPlan,
  formatDuration,
  OpsError,
  parseOffsets,
  parseSince,
  planReplay,
  progressLine,
  rederiveEvents,
  replayProgress,
  runShadowReplay,
  waitForEmptyGroup,
  type EndAt,
  type LaunchedService,
  type ReplayPlan,
  type StartAt,
} from '@wabus/ops';
import { cliKafka } from '../kafka-target.ts';
import { repoRoot } from '../repo-paths.ts';
import { duration, positiveInt, UsageError } from '../usage-error.ts';

export const replayUsage = `wabus replay reset --service S [--from beginning|OFFSETS|TIME] [--to OFFSETS|TIME] [--key K]... [--allow-effects]
                  [--wait DURATION] [--id ID] [--execute] [--follow] [--json]
    move the group's committed offsets back so the (stopped) service applies them again; refuses while the group has
    live members unless --wait; DRY RUN unless --execute; --follow shows progress until the group is past the replay
wabus replay shadow --service S [--from ...] [--to ...] [--key K]... [--label L] [--execute] [--json]
    replay into a separate group (<group>.shadow.<L>) and database (<db>__shadow_<L>) with the service's own code,
    replay-only, no outside effects, then stop; compare with \`replay diff\`; DRY RUN unless --execute
wabus replay diff --service S (--label L | --shadow-db DB) [--live-db DB] [--limit N] [--json]
    documents added, removed and changed in the shadow database compared with the live one
wabus replay rederive --since TIME [--until TIME] [--only-missing] [--as-replay] [--tenants-file F] [--execute] [--json]
    rebuild ${'whatsapp.events.v1'} records from ${'whatsapp.webhooks.raw.v1'} with the current parser (same event ids);
    --tenants-file: check each body's owner again with this file (bodies quarantined as tenant_mismatch or
    unknown_owner become events if their signer owns them now); DRY RUN unless --execute
    OFFSETS: N (every partition) or P=N[,P=N...] (others untouched); TIME: ISO time or a duration back (90m, 24h, 7d)
    overrides: --topic (events topic), --raw-topic, --group, --database; KAFKA_BROKERS and MONGODB_URI as for the services`;

export type Print = (line: string) => void;
const stdout: Print = (line) => process.stdout.write(`${line}\n`);

const OPTIONS = {
  service: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  key: { type: 'string', multiple: true },
  'allow-effects': { type: 'boolean' },
  wait: { type: 'string' },
  id: { type: 'string' },
  label: { type: 'string' },
  execute: { type: 'boolean' },
  follow: { type: 'boolean' },
  json: { type: 'boolean' },
  'shadow-db': { type: 'string' },
  'tenants-file': { type: 'string' },
  'live-db': { type: 'string' },
  limit: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  'only-missing': { type: 'boolean' },
  'as-replay': { type: 'boolean' },
  topic: { type: 'string' },
  'raw-topic': { type: 'string' },
  group: { type: 'string' },
  database: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>['values'];

const PORT_ENV: Record<string, string> = {
  'message-store': 'MESSAGE_STORE_PORT',
  'status-tracker': 'STATUS_TRACKER_PORT',
  'auto-reply': 'AUTO_REPLY_PORT',
  'crm-sync': 'CRM_SYNC_PORT',
};

const now = () => new Date();
const mongoUri = () => process.env['MONGODB_URI'] ?? 'mongodb://127.0.0.1:27017/?directConnection=true';
const defaultDatabase = (service: string) => `wabus_${service.replaceAll('-', '_')}`;

/** A position on the command line: offsets (`N`, `P=N,...`) or a time (ISO, or a duration back such as 24h). */
function position(text: string, flag: string): { kind: 'offsets'; offsets: Map<number, bigint> } | { kind: 'time'; ms: number } {
  if (/^[\d\s,=:]+$/.test(text) || text.includes('=')) {
    const o = parseOffsets(text, flag);
    return { kind: 'offsets', offsets: 'all' in o ? new Map([[-1, o.all]]) : o.each };
  }
  try {
    return { kind: 'time', ms: parseSince(text, now) };
  } catch {
    throw new OpsError('WABUS_OPS_BAD_TIME', { message: `${flag} expects ${flag === '--from' ? 'beginning, ' : ''}an offset (N), offsets (P=N,...) or a time (ISO such as 2026-11-27T10:00:00Z, or 90m/24h/7d back), got ${JSON.stringify(text)}` });
  }
}

const startAt = (text: string | undefined): StartAt => (text === undefined || text === 'beginning' ? { kind: 'beginning' } : position(text, '--from'));
const endAt = (text: string | undefined): EndAt => (text === undefined ? { kind: 'frontier' } : position(text, '--to'));

/** `--from 0` means offset 0 on every partition: spread the -1 entry over the topic's partitions. */
async function spread<T extends StartAt | EndAt>(at: T, partitions: () => Promise<number[]>): Promise<T> {
  if (at.kind !== 'offsets' || !at.offsets.has(-1)) return at;
  const all = at.offsets.get(-1)!;
  return { kind: 'offsets', offsets: new Map((await partitions()).map((p) => [p, all])) } as unknown as T;
}

function service(values: Values): string {
  if (values.service === undefined) throw new UsageError(`needs --service (${Object.keys(CONSUMER_SERVICES).join(', ')})`);
  return values.service;
}

function printPlan(print: Print, plan: ReplayPlan): void {
  print(`replay ${plan.id} (${plan.mode}) of group ${plan.groupId} on ${plan.topic}${plan.keys ? ` for ${plan.keys.length} key(s)` : ''}${plan.effects ? ', WITH outside effects' : ''}`);
  print(`${'partition'.padEnd(11)}${'committed'.padStart(11)}${'frontier'.padStart(11)}${'start'.padStart(11)}${'until'.padStart(11)}${'replayed'.padStart(11)}`);
  for (const p of plan.partitions) {
    const replayed = p.replay ? BigInt(p.until) - BigInt(p.start) : 0n;
    print(`${String(p.partition).padEnd(11)}${(p.committed ?? '-').padStart(11)}${p.frontier.padStart(11)}${(p.replay ? p.start : '-').padStart(11)}${(p.replay ? p.until : '-').padStart(11)}${String(replayed).padStart(11)}`);
  }
}

function planJson(plan: ReplayPlan) {
  const { offsets: _offsets, ...rest } = plan;
  return rest;
}

/** Progress on stderr: a redrawn line on a terminal, a line every few seconds otherwise. */
function progressPrinter(label: string) {
  const started = Date.now();
  let lastLine = 0;
  const tty = process.stderr.isTTY === true;
  return {
    update(done: bigint, total: bigint) {
      const line = progressLine({ label, done, total, elapsedMs: Date.now() - started });
      if (tty) process.stderr.write(`\r${line}`);
      else if (Date.now() - lastLine > 5_000 || done === total) {
        process.stderr.write(`${line}\n`);
        lastLine = Date.now();
      }
    },
    end() {
      if (tty) process.stderr.write('\n');
    },
    elapsedMs: () => Date.now() - started,
  };
}

/** The service's composition root in its own process, as a deploy would start it, with the shadow's settings. */
function launchService(name: string): (env: Record<string, string>) => LaunchedService {
  return (env) => {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(repoRoot, `services/${name}/src/main.ts`)], {
      cwd: repoRoot,
      env: { ...process.env, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn', [PORT_ENV[name]!]: '0', HOST: '127.0.0.1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    const keep = (c: Buffer) => {
      tail.push(c.toString());
      if (tail.length > 50) tail.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
    return {
      exited,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        await exited;
      },
      outputTail: () => tail.join('').slice(-4_000),
    };
  };
}

export async function replayCommand(argv: string[], print: Print = stdout): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'reset' && sub !== 'shadow' && sub !== 'diff' && sub !== 'rederive') throw new UsageError(`unknown replay command ${JSON.stringify(sub ?? '')}`);
  const { values } = parseArgs({ args: rest, options: OPTIONS, strict: true });
  try {
    if (sub === 'diff') return await diff(values, print);
    if (sub === 'rederive') return await rederive(values, print);
    return await replay(sub, values, print);
  } catch (err) {
    throw asCodedError(err);
  }
}

async function replay(mode: 'reset' | 'shadow', values: Values, print: Print): Promise<number> {
  const name = service(values);
  const topics = consumerTopics(name, { eventsTopic: values.topic, groupId: values.group });
  if (mode === 'shadow' && values['allow-effects']) throw new UsageError('a shadow replay never has outside effects: --allow-effects is for reset');
  const label = values.label ?? `s${now().toISOString().replace(/[-:]/g, '').slice(0, 15).toLowerCase()}`;
  if (!/^[a-z0-9_]{1,40}$/.test(label)) throw new UsageError(`--label expects 1-40 of [a-z0-9_], got ${JSON.stringify(label)}`);
  const id = values.id ?? `${mode}-${randomUUID().slice(0, 8)}`;
  const { kafka } = cliKafka('wabus-cli-replay');
  const partitions = async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      return (await admin.fetchTopicOffsets(topics.eventsTopic)).map((o) => o.partition);
    } finally {
      await admin.disconnect();
    }
  };
  const plan = await planReplay(kafka, {
    mode,
    topic: topics.eventsTopic,
    groupId: topics.groupId,
    ...(mode === 'shadow' ? { shadowGroupId: `${topics.groupId}.shadow.${label}` } : {}),
    from: await spread(startAt(values.from), partitions),
    to: await spread(endAt(values.to), partitions),
    ...(values.key ? { keys: values.key } : {}),
    effects: values['allow-effects'] === true,
    id,
  });
  const liveDb = values.database ?? defaultDatabase(name);
  const shadowDb = `${liveDb}__shadow_${label}`;
  if (!values.json) printPlan(print, plan);

  if (!values.execute) {
    if (values.json) print(JSON.stringify({ dryRun: true, plan: planJson(plan), ...(mode === 'shadow' ? { shadowDatabase: shadowDb } : {}) }));
    else {
      const live = plan.group.members.length;
      if (mode === 'reset' && live > 0) print(`note: group ${plan.groupId} has ${live} live member(s): stop the service before --execute (or pass --wait)`);
      print(`summary (dry run): ${plan.records} record(s) would be replayed${mode === 'shadow' ? ` into ${shadowDb}` : ''}; nothing was changed — add --execute`);
    }
    return 0;
  }

  if (mode === 'reset') {
    if (values.wait !== undefined) {
      const waitMs = duration(values.wait, '--wait', 0);
      await waitForEmptyGroup(kafka, plan.groupId, waitMs, (g) => process.stderr.write(`waiting for ${g.members.length} member(s) of ${plan.groupId} to leave\n`));
    }
    await executeReplayPlan(kafka, plan);
    if (!values.json) print(`offsets of ${plan.groupId} moved: ${plan.records} record(s) will be replayed when ${name} starts (marked ${plan.effects ? 'NOT as replay: outside effects happen' : 'wabus-replay: no outside effects'})`);
    if (values.follow) {
      const bar = progressPrinter(`replay ${id}`);
      for (;;) {
        const p = await replayProgress(kafka, plan);
        bar.update(p.done, p.total);
        if (p.finished) break;
        await new Promise((r) => setTimeout(r, 1_000));
      }
      bar.end();
      if (!values.json) print(`summary: replay ${id} finished in ${formatDuration(bar.elapsedMs())}: ${plan.records} record(s) replayed through ${plan.groupId}`);
    } else if (!values.json) print(`summary: replay ${id} armed; follow it with \`pnpm wabus groups\` or re-run with --follow`);
    if (values.json) print(JSON.stringify({ dryRun: false, plan: planJson(plan) }));
    return 0;
  }

  const bar = progressPrinter(`shadow ${label}`);
  const result = await runShadowReplay(
    kafka,
    plan,
    { database: shadowDb, dlqTopic: `${topics.dlqTopic}.shadow` },
    { launch: launchService(name), onProgress: (p) => bar.update(p.done, p.total) },
  );
  bar.end();
  const rate = result.elapsedMs > 0 ? Math.round((Number(plan.records) * 1000) / result.elapsedMs) : 0;
  if (values.json) print(JSON.stringify({ dryRun: false, plan: planJson(plan), shadowDatabase: shadowDb, elapsedMs: result.elapsedMs }));
  else {
    print(`summary: ${plan.records} record(s) replayed into ${shadowDb} by group ${plan.groupId} in ${formatDuration(result.elapsedMs)} (${rate}/s)`);
    print(`next: pnpm wabus replay diff --service ${name} --label ${label}`);
  }
  return 0;
}

async function diff(values: Values, print: Print): Promise<number> {
  const name = service(values);
  consumerTopics(name);
  const liveDb = values['live-db'] ?? values.database ?? defaultDatabase(name);
  if ((values.label === undefined) === (values['shadow-db'] === undefined)) throw new UsageError('replay diff needs exactly one of --label or --shadow-db');
  const shadowDb = values['shadow-db'] ?? `${liveDb}__shadow_${values.label}`;
  const limit = positiveInt(values.limit, '--limit', 20);
  {
    const d = await diffDatabasesAt(mongoUri(), liveDb, shadowDb, { detailLimit: limit });
    if (values.json) {
      print(JSON.stringify(d, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
      return d.totals.identical ? 0 : 3;
    }
    const id = (x: unknown) => (typeof x === 'string' ? x : JSON.stringify(x));
    print(`${'collection'.padEnd(24)}${'live'.padStart(9)}${'shadow'.padStart(9)}${'added'.padStart(8)}${'removed'.padStart(9)}${'changed'.padStart(9)}`);
    for (const c of d.collections) print(`${c.name.padEnd(24)}${String(c.live).padStart(9)}${String(c.shadow).padStart(9)}${String(c.added.length).padStart(8)}${String(c.removed.length).padStart(9)}${String(c.changed.length).padStart(9)}`);
    for (const c of d.collections) {
      for (const x of c.added.slice(0, limit)) print(`+ ${c.name} ${id(x)}  (only in the shadow)`);
      for (const x of c.removed.slice(0, limit)) print(`- ${c.name} ${id(x)}  (only in the live database)`);
      for (const x of c.changed.slice(0, limit)) print(`~ ${c.name} ${id(x.id)}  ${x.fields.join(', ')}`);
    }
    print(`summary: ${d.totals.identical ? 'identical' : `${d.totals.added} added, ${d.totals.removed} removed, ${d.totals.changed} changed`} (${shadowDb} vs ${liveDb})`);
    // Like diff(1): 0 identical, 3 different (1 and 2 are errors and usage).
    return d.totals.identical ? 0 : 3;
  }
}

async function rederive(values: Values, print: Print): Promise<number> {
  if (values.since === undefined) throw new UsageError('replay rederive needs --since (ISO time or a duration back such as 24h)');
  const sinceMs = parseSince(values.since, now);
  const untilMs = values.until !== undefined ? parseSince(values.until, now) : undefined;
  if (untilMs !== undefined && untilMs <= sinceMs) throw new OpsError('WABUS_OPS_BAD_TIME', { message: '--until must be after --since' });
  const { kafka } = cliKafka('wabus-cli-rederive');
  const bars = { read: progressPrinter('reading'), produce: progressPrinter('appending') };
  const report = await rederiveEvents(kafka, {
    onProgress: (phase, done, total) => bars[phase].update(BigInt(done), BigInt(total)),
    rawTopic: values['raw-topic'] ?? 'whatsapp.webhooks.raw.v1',
    eventsTopic: values.topic ?? 'whatsapp.events.v1',
    sinceMs,
    ...(untilMs !== undefined ? { untilMs } : {}),
    onlyMissing: values['only-missing'] === true,
    asReplay: values['as-replay'] === true,
    ...(values['tenants-file'] !== undefined ? { tenants: loadTenantsFile(values['tenants-file']) } : {}),
    execute: values.execute === true,
    ...(values.id !== undefined ? { id: values.id } : {}),
  });
  bars.read.end();
  if (report.executed) bars.produce.end();
  if (values.json) {
    print(JSON.stringify(report));
    return 0;
  }
  const q = Object.entries(report.quarantined).map(([k, n]) => `${k} ${n}`).join(', ');
  print(`raw records       ${report.rawRecords} (${report.accepted} accepted, of which ${report.nowAccepted} quarantined at ingress; still quarantined: ${q || 'none'}; foreign ${report.foreign})`);
  print(`derived events    ${report.events} (${report.alreadyOnTopic} already on the topic, ${report.missing} missing)`);
  if (report.executed) print(`summary: ${report.produced} event record(s) appended by ${report.id}${values['as-replay'] ? ' marked as replay' : ''}; consumers deduplicate the ones they had`);
  else print(`summary (dry run): ${values['only-missing'] ? report.missing : report.events} event record(s) would be appended; nothing was written — add --execute`);
  return 0;
}
