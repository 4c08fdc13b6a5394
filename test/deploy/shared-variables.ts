import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Variables a deployment may set that no service's configuration schema declares, each with the code that reads it:
 * a file of this repository, or a dependency (resolved from the workspace package that depends on it). Accounted for
 * one by one: a variable missing here and from every schema is set for nothing.
 */
export interface SharedVariable {
  variable: string;
  readBy: { file: string } | { package: string; from: string };
  why: string;
}

export const SHARED_VARIABLES: readonly SharedVariable[] = [
  {
    variable: 'OTEL_EXPORTER_OTLP_ENDPOINT',
    readBy: { file: 'packages/telemetry/src/node/telemetry-enabled.ts' },
    why: 'turns tracing on (runService starts the SDK in every service); the SDK exports there',
  },
  {
    variable: 'OTEL_TRACES_SAMPLER',
    readBy: { package: '@opentelemetry/sdk-node', from: 'packages/telemetry' },
    why: "the SDK's sampler (e.g. parentbased_traceidratio)",
  },
  { variable: 'OTEL_TRACES_SAMPLER_ARG', readBy: { package: '@opentelemetry/sdk-node', from: 'packages/telemetry' }, why: "the sampler's ratio" },
  {
    variable: 'NODE_ENV',
    readBy: { package: 'kafkajs', from: 'packages/kafka' },
    why: "the image sets production; only 'test' changes anything (kafkajs' retry timing)",
  },
];

/** The CLI's own variables (it has no schema): `topics apply` reads only the brokers. */
export const CLI_VARIABLES: readonly SharedVariable[] = [
  { variable: 'KAFKA_BROKERS', readBy: { file: 'packages/cli/src/kafka-target.ts' }, why: 'the cluster every CLI command talks to' },
];

/** What `meta check` reads (besides the variables the tenants file names): the file, and the Graph API's variables. */
export const META_CHECK_VARIABLES: readonly SharedVariable[] = [
  { variable: 'WABUS_TENANTS_FILE', readBy: { file: 'packages/cli/src/commands/meta.ts' }, why: 'the file whose meta sections are checked' },
  { variable: 'WHATSAPP_GRAPH_BASE_URL', readBy: { file: 'packages/config/src/graph-api-schema.ts' }, why: "the Graph API's base URL (graphApiSchema)" },
  { variable: 'WHATSAPP_API_VERSION', readBy: { file: 'packages/config/src/graph-api-schema.ts' }, why: 'the Graph API version (graphApiSchema)' },
  { variable: 'WHATSAPP_ACCESS_TOKEN', readBy: { file: 'packages/cli/src/commands/meta.ts' }, why: 'the token of tenants the file gives none' },
];

function filesUnder(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'node_modules') continue;
    if (statSync(p).isDirectory()) filesUnder(p, out);
    else if (/\.(c|m)?js$|\.ts$/.test(name)) out.push(p);
  }
  return out;
}

/** Where the claim of `readBy` can be checked: the files whose text must name the variable. */
export function readerFiles(v: SharedVariable): string[] {
  if ('file' in v.readBy) return [join(repo, v.readBy.file)];
  const manifest = createRequire(join(repo, v.readBy.from, 'package.json')).resolve(`${v.readBy.package}/package.json`);
  return filesUnder(dirname(manifest));
}

/** Whether the code named by `readBy` really names the variable (as a string, the way environment lookups do). */
export function isReadAsClaimed(v: SharedVariable): boolean {
  const quoted = new RegExp(`['"\`.]${v.variable}\\b`);
  return readerFiles(v).some((f) => quoted.test(readFileSync(f, 'utf8')));
}
