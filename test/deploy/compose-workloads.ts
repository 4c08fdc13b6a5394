import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { isIgnored, parseDockerignore } from './dockerignore.ts';
import type { Workload } from './workload.ts';

const repo = fileURLToPath(new URL('../..', import.meta.url));

export interface ComposeService {
  image?: string;
  build?: string | { context: string };
  command?: string[];
  profiles?: string[];
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

/**
 * Compose's `${VAR:-default}`, `${VAR-default}` and `${VAR}` with none of the variables set (what a fresh checkout
 * gets), and `$$` for a literal `$`.
 */
export function interpolate(value: string): string {
  return value.replace(/\$\$|\$\{(\w+)(?::?-([^}]*))?\}/g, (whole, _name: string | undefined, fallback: string | undefined) =>
    whole === '$$' ? '$' : (fallback ?? ''),
  );
}

function interpolateAll(value: unknown): unknown {
  if (typeof value === 'string') return interpolate(value);
  if (Array.isArray(value)) return value.map(interpolateAll);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateAll(v)]));
  return value;
}

/** docker-compose.yml as Compose reads it: YAML merge keys (`<<`) resolved, variables interpolated. */
export function readCompose(file = join(repo, 'docker-compose.yml')): { services: Record<string, ComposeService> } {
  // The yaml library stops at 100 alias expansions (a guard against alias bombs); ours are the anchors every service
  // merges, one more set per service: Compose itself has no such limit.
  return interpolateAll(parse(readFileSync(file, 'utf8'), { merge: true, maxAliasCount: 1_000 })) as { services: Record<string, ComposeService> };
}

/** A file of the image (a path under its WORKDIR /app): in the build context and not left out by .dockerignore. */
export function imageFile(path: string): string | undefined {
  if (!path.startsWith('/app/')) return undefined;
  const rel = path.slice('/app/'.length);
  const ignore = parseDockerignore(readFileSync(join(repo, '.dockerignore'), 'utf8'));
  return existsSync(join(repo, rel)) && !isIgnored(ignore, rel) ? readFileSync(join(repo, rel), 'utf8') : undefined;
}

/** The services of docker-compose.yml built from the Dockerfile, as workloads. */
export function composeWorkloads(compose = readCompose()): Workload[] {
  return Object.entries(compose.services)
    .filter(([, s]) => s.build !== undefined)
    .map(([name, s]) => ({
      source: `docker-compose.yml ${name}`,
      args: s.command ?? [],
      env: Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)])),
      file: imageFile,
    }));
}
