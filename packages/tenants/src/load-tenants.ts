import { readFileSync } from 'node:fs';
import { TenantsError } from './errors.ts';
import { parseTenants } from './parse-tenants.ts';
import { environmentTenants, type Tenants } from './tenant.ts';

/** Reads and validates the tenants file (throws TenantsError naming the tenant and field). */
export function loadTenantsFile(path: string, env: NodeJS.ProcessEnv = process.env): Tenants {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new TenantsError(path, `cannot read the tenants file: ${(cause as Error).message}`, { cause });
  }
  return parseTenants(text, path, { env: (name) => env[name], readFile: (p) => readFileSync(p, 'utf8') });
}

/** The tenants of a service: its tenants file's, or without one ('') the environment's one tenant `default`. */
export const loadTenants = (path: string, env: NodeJS.ProcessEnv = process.env): Tenants => (path === '' ? environmentTenants() : loadTenantsFile(path, env));

export interface TenantsHandle {
  /** The configuration in force. */
  current(): Tenants;
  /** Stops listening for SIGHUP. */
  stop(): void;
}

/**
 * The configuration in force, reloaded from `path` on SIGHUP: a valid file replaces it whole; an invalid one is
 * reported and the running configuration stays (a typo in a rotation never takes the endpoint down).
 */
export function watchTenantsFile(
  path: string,
  o: { env?: NodeJS.ProcessEnv; onReload?: (t: Tenants) => void; onError?: (err: Error) => void; signal?: NodeJS.Signals } = {},
): TenantsHandle {
  let tenants = loadTenantsFile(path, o.env);
  const reload = (): void => {
    try {
      tenants = loadTenantsFile(path, o.env);
      o.onReload?.(tenants);
    } catch (err) {
      o.onError?.(err as Error);
    }
  };
  const signal = o.signal ?? 'SIGHUP';
  process.on(signal, reload);
  return { current: () => tenants, stop: () => void process.off(signal, reload) };
}
