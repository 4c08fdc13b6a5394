import { configReads, loadServiceDefinition } from '@wabus/testing';
import { serviceRegistry } from '@wabus/service/registry';
import { parseTenants } from '@wabus/tenants';
import { CLI_VARIABLES, SHARED_VARIABLES } from './shared-variables.ts';
import type { Workload } from './workload.ts';

/** Variables whose value is a path the container must have (checked against its mounts or the image). */
const FILE_VARIABLES = ['WABUS_TENANTS_FILE', 'AUTO_REPLY_RULES', 'INGRESS_TLS_CERT', 'INGRESS_TLS_KEY', 'INGRESS_MTLS_CA'];

/**
 * What is wrong with the environment a deployment file gives a container (an empty list: nothing):
 * - a service (its name in the registry) must start with it: its configuration, run as at start, accepts it (no
 *   required variable missing, every value valid), and the files it names are there;
 * - every variable set is one the service reads: its configuration looks it up, the tenants file names it
 *   (`{ "env": … }`), or it is one of SHARED_VARIABLES; for the CLI (`topics apply`), one of CLI_VARIABLES.
 */
export async function environmentProblems(w: Workload): Promise<string[]> {
  const [command] = w.args;
  const problems: string[] = [];
  const at = (what: string) => problems.push(`${w.source}: ${what}`);
  if (command === 'topics') {
    for (const v of Object.keys(w.env)) if (!CLI_VARIABLES.some((c) => c.variable === v)) at(`${v} is set, but the CLI does not read it`);
    return problems;
  }
  const facts = serviceRegistry().find((s) => s.name === command);
  if (facts === undefined) return [`${w.source}: ${JSON.stringify(command)} is not a service of the registry`];

  const reads = configReads(await loadServiceDefinition(facts), facts, w.env);
  if (reads.error !== undefined) at(`${facts.name} would not start: ${(reads.error as Error).message}`);
  const read = new Set([...reads.variables, ...SHARED_VARIABLES.map((s) => s.variable)]);

  for (const v of FILE_VARIABLES.filter((f) => w.env[f])) {
    const path = w.env[v]!;
    const content = w.file(path);
    if (content === undefined) at(`${v}=${path}, but no file is there`);
    else if (v === 'WABUS_TENANTS_FILE' && content !== null) {
      // Validated as the service does at start; the variables it names are read (and must be set).
      try {
        parseTenants(content, path, {
          env: (name) => (read.add(name), w.env[name]),
          readFile: (p) => {
            throw new Error(`the tenants file names the file ${p}: not mounted by this check`);
          },
        });
      } catch (err) {
        at(`the tenants file ${path} would not load: ${(err as Error).message}`);
      }
    } else if (v === 'AUTO_REPLY_RULES' && content !== null) {
      try {
        JSON.parse(content);
      } catch (err) {
        at(`the rules file ${path} is not JSON: ${(err as Error).message}`);
      }
    }
  }
  for (const v of Object.keys(w.env)) if (!read.has(v)) at(`${v} is set, but ${facts.name} does not read it`);
  return problems;
}
