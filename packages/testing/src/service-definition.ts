import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ServiceError, type ServiceDefinition } from '@wabus/service';
import type { ServiceFacts } from '@wabus/service/registry';

/** Where a service's definition is, by the recipe (docs/services.md): `services/<name>/src/<name>-service.ts`. */
const definitionFileOf = (facts: Pick<ServiceFacts, 'name' | 'dir'>): string => join(facts.dir, 'src', `${facts.name}-service.ts`);

const isDefinition = (v: unknown): v is ServiceDefinition<unknown> =>
  typeof v === 'object' && v !== null && ['config', 'logLevel', 'start'].every((k) => typeof (v as Record<string, unknown>)[k] === 'function');

/**
 * A service's definition, loaded without starting anything: the one export of its definition file that is a
 * `ServiceDefinition`. A file that is missing or exports none (or several) is WABUS_SERVICE_FACTS_INVALID.
 */
export async function loadServiceDefinition(facts: Pick<ServiceFacts, 'name' | 'dir'>): Promise<ServiceDefinition<unknown>> {
  const file = definitionFileOf(facts);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (cause) {
    throw new ServiceError('WABUS_SERVICE_FACTS_INVALID', { message: `${file}: cannot be loaded: ${(cause as Error).message}`, cause });
  }
  const found = Object.values(mod).filter(isDefinition);
  if (found.length !== 1) throw new ServiceError('WABUS_SERVICE_FACTS_INVALID', { message: `${file} exports ${found.length} service definitions, not one` });
  return found[0]!;
}

/** What a service's configuration read of an environment, and the error that would stop its start, if any. */
export interface ConfigReads {
  /** Every variable the configuration looked up, set or not, in the order first read. */
  variables: string[];
  error: unknown;
}

/**
 * Runs a definition's configuration against `env` as the chassis does at start, recording each variable it looks up:
 * what a deployment may set for the service, and whether what it sets is enough (no required variable missing, every
 * value valid). Variables read outside the configuration (the OpenTelemetry SDK's `OTEL_*`) are not among them.
 */
export function configReads(definition: ServiceDefinition<unknown>, facts: ServiceFacts, env: NodeJS.ProcessEnv): ConfigReads {
  const variables = new Set<string>();
  const recording = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') variables.add(name);
      return Reflect.get(target, name) as unknown;
    },
  });
  try {
    definition.config(facts, recording);
    return { variables: [...variables], error: undefined };
  } catch (error) {
    return { variables: [...variables], error };
  }
}
