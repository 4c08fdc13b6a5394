import { configReads, loadServiceDefinition } from '@wabus/testing';
import { serviceRegistry } from '@wabus/service/registry';
import { targetsOf } from '@wabus/meta-graph';
import { parseTenants, type Tenants } from '@wabus/tenants';
import { CLI_VARIABLES, META_CHECK_VARIABLES, SHARED_VARIABLES } from './shared-variables.ts';
import type { Workload } from './workload.ts';

/** Variables whose value is a path the container must have (checked against its mounts or the image). */
const FILE_VARIABLES = ['WABUS_TENANTS_FILE', 'AUTO_REPLY_RULES', 'INGRESS_TLS_CERT', 'INGRESS_TLS_KEY', 'INGRESS_MTLS_CA'];

/**
 * What is wrong with the environment a deployment file gives a container (an empty list: nothing):
 * - a service (its name in the registry) must start with it: its configuration, run as at start, accepts it (no
 *   required variable missing, every value valid), and the files it names are there;
 * - every variable set is one the service reads: its configuration looks it up, the tenants file names it
 *   (`{ "env": … }`), or it is one of SHARED_VARIABLES; for the CLI (`topics apply`), one of CLI_VARIABLES;
 * - `meta check --every` must find its tenants file, loading as it does (every variable it names set), and set only
 *   META_CHECK_VARIABLES and those the file names.
 */
export async function environmentProblems(w: Workload): Promise<string[]> {
  const [command] = w.args;
  const problems: string[] = [];
  const at = (what: string) => problems.push(`${w.source}: ${what}`);
  if (command === 'topics') {
    for (const v of Object.keys(w.env)) if (!CLI_VARIABLES.some((c) => c.variable === v)) at(`${v} is set, but the CLI does not read it`);
    return problems;
  }
  if (command === 'meta') {
    if (w.args[1] !== 'check' || !w.args.includes('--every')) return [`${w.source}: runs \`meta ${w.args[1]}\`, not \`meta check --every\``];
    if (!w.env['WABUS_TENANTS_FILE']) at('WABUS_TENANTS_FILE is not set: meta check has no tenants file');
    const read = new Set(META_CHECK_VARIABLES.map((v) => v.variable));
    const tenants = checkFiles(w, read, at);
    // As the command starts: the tenants it would check, each with a Graph token.
    const only = w.args.includes('--tenant') ? w.args[w.args.indexOf('--tenant') + 1] : undefined;
    if (tenants !== null)
      try {
        targetsOf(tenants, { only, fallbackToken: w.env['WHATSAPP_ACCESS_TOKEN'] ?? '' });
      } catch (err) {
        at(`meta check would not start: ${(err as Error).message}`);
      }
    for (const v of Object.keys(w.env)) if (!read.has(v)) at(`${v} is set, but meta check does not read it`);
    return problems;
  }
  const facts = serviceRegistry().find((s) => s.name === command);
  if (facts === undefined) return [`${w.source}: ${JSON.stringify(command)} is not a service of the registry`];

  const reads = configReads(await loadServiceDefinition(facts), facts, w.env);
  if (reads.error !== undefined) at(`${facts.name} would not start: ${(reads.error as Error).message}`);
  const read = new Set([...reads.variables, ...SHARED_VARIABLES.map((s) => s.variable)]);
  checkFiles(w, read, at);
  for (const v of Object.keys(w.env)) if (!read.has(v)) at(`${v} is set, but ${facts.name} does not read it`);
  return problems;
}

/**
 * The files the variables name are there; the tenants file loads (adding the variables it names to `read`), the rules
 * are JSON. Returns the tenants file loaded (null: none, or its content is the operator's).
 */
function checkFiles(w: Workload, read: Set<string>, at: (what: string) => void): Tenants | null {
  let tenants: Tenants | null = null;
  for (const v of FILE_VARIABLES.filter((f) => w.env[f])) {
    const path = w.env[v]!;
    const content = w.file(path);
    if (content === undefined) at(`${v}=${path}, but no file is there`);
    else if (v === 'WABUS_TENANTS_FILE' && content !== null) {
      // Validated as the service does at start; the variables it names are read (and must be set).
      try {
        tenants = parseTenants(content, path, {
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
  return tenants;
}
