import { ConfigError } from './errors.ts';

/**
 * One field of a configuration schema: the environment variable it reads, how to parse it and its default.
 * A field without a default is required.
 */
export interface Field<T> {
  readonly env: string;
  readonly parse: (raw: string, env: string) => T;
  readonly default?: T | (() => T);
  readonly description: string;
  readonly secret?: boolean;
}

export type Schema = Record<string, Field<unknown>>;
export type ConfigOf<S extends Schema> = {
  readonly [K in keyof S]: S[K] extends { parse: (raw: string, env: string) => infer T } ? T : never;
};

/**
 * Validates every field of `schema` against `env` once, at start-up. All problems are collected and reported
 * together, each naming its variable, so a misconfigured deploy fails with the whole list and not one at a time.
 */
export function readConfig<S extends Schema>(schema: S, env: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const out: Record<string, unknown> = {};
  const problems: ConfigError[] = [];
  for (const [name, field] of Object.entries(schema)) {
    const raw = env[field.env];
    if (raw === undefined || raw === '') {
      if (!('default' in field)) {
        problems.push(new ConfigError(field.env, `required (${field.description})`));
        continue;
      }
      out[name] = typeof field.default === 'function' ? (field.default as () => unknown)() : field.default;
      continue;
    }
    try {
      out[name] = field.parse(raw, field.env);
    } catch (err) {
      problems.push(err instanceof ConfigError ? err : new ConfigError(field.env, String(err), { cause: err }));
    }
  }
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) {
    const err = new ConfigError(problems.map((p) => p.variable).join(', '), `invalid configuration:\n${problems.map((p) => `  - ${p.message}`).join('\n')}`);
    throw err;
  }
  return out as ConfigOf<S>;
}

/** Describes a schema as rows (variable, default, description) for `--help` output and the README. */
export function describeSchema(schema: Schema): { env: string; default: string; description: string }[] {
  return Object.values(schema).map((f) => ({
    env: f.env,
    default: !('default' in f)
      ? '(required)'
      : f.secret
        ? '(secret)'
        : JSON.stringify(typeof f.default === 'function' ? (f.default as () => unknown)() : f.default),
    description: f.description,
  }));
}
