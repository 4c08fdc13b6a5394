import { graphApiSchema } from '@wabus/config';
import {
  checkTargets,
  createMetaGraph,
  describeDifference,
  describeRequest,
  GRAPH_FAILURES,
  MetaError,
  planTargets,
  targetsOf,
  type MetaGraph,
  type Target,
  type TenantCheck,
} from '@wabus/meta-graph';
import { loadTenantsFile } from '@wabus/tenants';
import { parseCommandArgs } from '../parse-command-args.ts';
import { duration, UsageError } from '../usage-error.ts';

const COMMON = {
  'tenants-file': { type: 'string' },
  tenant: { type: 'string' },
  'graph-url': { type: 'string' },
  'api-version': { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** Exit status of `meta check` when Meta and the file disagree (as `topics apply` on drift). */
export const EXIT_DIFFERENCES = 3;
/** Exit status when Meta could not be asked or refused (a token code 190, an unreachable Graph, another Graph error). */
export const EXIT_GRAPH_FAILED = 4;

const out = (line: string) => process.stdout.write(`${line}\n`);

interface MetaSetup {
  graph: MetaGraph;
  targets: Target[];
  apiVersion: string;
  json: boolean;
}

/** The tenants to work on and the Graph client, from the options and the environment (only the CLI reads it). */
function setup(values: {
  'tenants-file'?: string;
  tenant?: string;
  'graph-url'?: string;
  'api-version'?: string;
  timeout?: string;
  json?: boolean;
}): MetaSetup {
  const file = values['tenants-file'] ?? process.env['WABUS_TENANTS_FILE'] ?? '';
  if (file === '')
    throw new MetaError('WABUS_META_NOT_CONFIGURED', { message: 'no tenants file: give --tenants-file or set WABUS_TENANTS_FILE (docs/meta.md)' });
  // The services' Graph variables and checks (@wabus/config), each overridden by its option.
  const { graphBaseUrl, apiVersion: versionVar } = graphApiSchema;
  const option = (flag: string, given: string | undefined, field: typeof graphBaseUrl | typeof versionVar, expects: string): string => {
    const raw = given ?? (process.env[field.env] || field.default);
    try {
      return field.parse(raw, given === undefined ? field.env : flag);
    } catch {
      throw new UsageError(`${given === undefined ? field.env : flag} expects ${expects}, got ${JSON.stringify(raw)}`);
    }
  };
  const baseUrl = option('--graph-url', values['graph-url'], graphBaseUrl, 'an http(s) URL');
  const apiVersion = option('--api-version', values['api-version'], versionVar, 'a Graph API version such as v21.0');
  const targets = targetsOf(loadTenantsFile(file), { only: values.tenant, fallbackToken: process.env['WHATSAPP_ACCESS_TOKEN'] ?? '' });
  const graph = createMetaGraph({ baseUrl, apiVersion, timeoutMs: duration(values.timeout, '--timeout', 10_000) });
  return { graph, targets, apiVersion, json: values.json === true };
}

/** A Graph failure of subscribe: printed with its code, exit 4 (a bad file or option stays the CLI's exit 1 or 2). */
function graphFailed(err: unknown): number {
  if (!(err instanceof MetaError) || !GRAPH_FAILURES.has(err.code)) throw err;
  process.stderr.write(`wabus: ${err.code}: ${err.message}\n`);
  return EXIT_GRAPH_FAILED;
}

async function subscribe(argv: string[]): Promise<number> {
  const values = parseCommandArgs('meta subscribe', argv, { ...COMMON, execute: { type: 'boolean' }, prune: { type: 'boolean' } });
  const s = setup(values);
  const execute = values.execute === true;
  try {
    const planned = await planTargets(s.graph, s.targets, { prune: values.prune === true });
    const lines = planned.map(({ change }) => ({ change, request: describeRequest(s.apiVersion, change) }));
    if (s.json) out(JSON.stringify({ execute, changes: lines }));
    else {
      for (const t of s.targets) out(`tenant ${t.expected.tenantId}: app ${t.expected.appId}, WABAs ${t.expected.wabas.map((w) => w.id).join(', ')}`);
      if (planned.length === 0) out('nothing to change: Meta already has what the tenants file says');
      for (const { change, request } of lines) out(`${execute ? 'applying' : 'would'}  ${request}   (fixes: ${change.why.join(', ')})`);
    }
    if (!execute) {
      if (!s.json && planned.length > 0) out(`DRY RUN: ${planned.length} change(s) not made; run again with --execute`);
      return 0;
    }
    for (const { target, change } of planned) await s.graph.apply(change, target.credentials);
    if (!s.json) out(`${planned.length} change(s) made`);
    return 0;
  } catch (err) {
    return graphFailed(err);
  }
}

function printCheck(results: readonly TenantCheck[]): void {
  for (const r of results) {
    if (r.error !== null) {
      out(`tenant ${r.tenantId}: FAILED ${r.error.code}: ${r.error.message}`);
      continue;
    }
    out(`tenant ${r.tenantId}: ${r.ok ? 'Meta agrees with the tenants file' : `${r.differences.length} difference(s)`}`);
    for (const d of r.differences) out(`  DIFFERS  ${describeDifference(d)}`);
    for (const n of r.numbers)
      out(
        `  number ${n.id} (WABA ${n.wabaId}) ${n.displayPhoneNumber ?? ''}: status ${n.status ?? '-'}, quality ${n.qualityRating ?? '-'}, limit ${n.messagingLimitTier ?? '-'}, throughput ${n.throughput ?? '-'}, name ${n.nameStatus ?? '-'}, code verification ${n.codeVerificationStatus ?? '-'}`,
      );
  }
}

/** 4 when a tenant could not be checked, else 3 when one differs, else 0. */
export const checkStatus = (results: readonly TenantCheck[]): number =>
  results.some((r) => r.error !== null) ? EXIT_GRAPH_FAILED : results.some((r) => !r.ok) ? EXIT_DIFFERENCES : 0;

async function check(argv: string[]): Promise<number> {
  const values = parseCommandArgs('meta check', argv, {
    ...COMMON,
    every: { type: 'string' },
    'metrics-port': { type: 'string' },
    'metrics-host': { type: 'string' },
  });
  if (values.every === undefined && (values['metrics-port'] !== undefined || values['metrics-host'] !== undefined))
    throw new UsageError('--metrics-port and --metrics-host go with --every (the scheduled mode)');
  const s = setup(values);
  if (values.every !== undefined) {
    const everyMs = duration(values.every, '--every', 0);
    if (everyMs < 1_000) throw new UsageError(`--every expects at least 1s, got ${JSON.stringify(values.every)}`);
    const port = values['metrics-port'] === undefined ? 9469 : Number(values['metrics-port']);
    if (!/^\d+$/.test(values['metrics-port'] ?? '0') || port > 65_535)
      throw new UsageError(`--metrics-port expects a port number, got ${JSON.stringify(values['metrics-port'])}`);
    const { runScheduledCheck } = await import('./meta-check-every.ts');
    return runScheduledCheck({
      run: () => checkTargets(s.graph, s.targets),
      everyMs,
      port,
      host: values['metrics-host'] ?? '127.0.0.1',
      json: s.json,
      print: printCheck,
    });
  }
  const results = await checkTargets(s.graph, s.targets);
  if (s.json) out(JSON.stringify({ status: checkStatus(results), tenants: results }));
  else printCheck(results);
  for (const r of results) if (r.error !== null) process.stderr.write(`wabus: ${r.error.code}: tenant ${r.tenantId}: ${r.error.message}\n`);
  return checkStatus(results);
}

/** `wabus meta subscribe|check` (docs/meta.md). */
export async function metaCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'subscribe') return subscribe(rest);
  if (sub === 'check') return check(rest);
  throw new UsageError(`unknown meta command ${JSON.stringify(sub ?? '')} (subscribe, check)`);
}
