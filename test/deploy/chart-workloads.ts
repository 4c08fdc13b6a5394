import { DeployCheckError } from './errors.ts';
import { ofKind, podSpec, type Container, type K8sObject, type PodSpec } from './k8s-objects.ts';
import type { Workload } from './workload.ts';

/** A ConfigMap's or Secret's entries as rendered, or undefined when the chart does not render it (the operator's). */
function entries(objects: K8sObject[], kind: 'ConfigMap' | 'Secret', name: string): Record<string, string> | undefined {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
  return o === undefined ? undefined : { ...o.data, ...o.stringData };
}

function missing(source: string, what: string): DeployCheckError {
  return new DeployCheckError('WABUS_DEPLOY_REFERENCE_MISSING', { message: `${source}: ${what}` });
}

/**
 * A container's environment as the kubelet would give it: envFrom ConfigMaps and Secrets, then env (values, and keys of
 * ConfigMaps and Secrets). A reference to an object the chart renders must find it and its key; a Secret in
 * `operatorSecrets` (the values name it, the operator creates it) gives a placeholder.
 */
function containerEnv(objects: K8sObject[], c: Container, source: string, operatorSecrets: ReadonlySet<string>): Record<string, string> {
  const env: Record<string, string> = {};
  const lookup = (kind: 'ConfigMap' | 'Secret', name: string) => {
    const found = entries(objects, kind, name);
    if (found === undefined && !(kind === 'Secret' && operatorSecrets.has(name)))
      throw missing(source, `${kind} ${name} is neither rendered nor the operator's`);
    return found;
  };
  for (const from of c.envFrom ?? []) {
    const ref = from.configMapRef ? (['ConfigMap', from.configMapRef.name] as const) : from.secretRef ? (['Secret', from.secretRef.name] as const) : undefined;
    if (!ref) continue;
    const found = lookup(ref[0], ref[1]);
    if (found === undefined) throw missing(source, `envFrom the operator's Secret ${ref[1]}: its variables cannot be checked`);
    Object.assign(env, found);
  }
  for (const v of c.env ?? []) {
    const ref = v.valueFrom?.secretKeyRef
      ? (['Secret', v.valueFrom.secretKeyRef] as const)
      : v.valueFrom?.configMapKeyRef
        ? (['ConfigMap', v.valueFrom.configMapKeyRef] as const)
        : undefined;
    if (ref === undefined) env[v.name] = v.value ?? '';
    else {
      const found = lookup(ref[0], ref[1].name);
      if (found !== undefined && !(ref[1].key in found)) throw missing(source, `${v.name}: ${ref[0]} ${ref[1].name} has no key ${ref[1].key}`);
      env[v.name] = found?.[ref[1].key] ?? `placeholder-from-${ref[1].name}/${ref[1].key}`;
    }
  }
  return env;
}

/** The files a container has mounted: each path → its content (null: the operator's Secret). */
function mountedFiles(objects: K8sObject[], spec: PodSpec, c: Container, source: string, operatorSecrets: ReadonlySet<string>): Map<string, string | null> {
  const files = new Map<string, string | null>();
  for (const m of c.volumeMounts ?? []) {
    const volume = spec.volumes?.find((v) => v.name === m.name);
    if (!volume) throw missing(source, `volumeMount ${m.name} names no volume`);
    const [kind, name] = volume.secret
      ? (['Secret', volume.secret.secretName] as const)
      : volume.configMap
        ? (['ConfigMap', volume.configMap.name] as const)
        : [];
    if (kind === undefined || name === undefined) throw missing(source, `volume ${m.name} is neither a Secret nor a ConfigMap`);
    const found = entries(objects, kind, name);
    if (found === undefined && !(kind === 'Secret' && operatorSecrets.has(name))) throw missing(source, `volume ${m.name}: ${kind} ${name} is not rendered`);
    const items = volume.secret?.items;
    if (found === undefined) {
      for (const i of items ?? []) files.set(`${m.mountPath}/${i.path}`, null);
    } else if (items) {
      for (const i of items) {
        if (!(i.key in found)) throw missing(source, `volume ${m.name}: ${kind} ${name} has no key ${i.key}`);
        files.set(`${m.mountPath}/${i.path}`, found[i.key]!);
      }
    } else for (const [k, v] of Object.entries(found)) files.set(`${m.mountPath}/${k}`, v);
  }
  return files;
}

/** Every container of the rendered Deployments and Jobs, with its environment and files resolved. */
export function chartWorkloads(objects: K8sObject[], label: string, operatorSecrets: readonly string[]): Workload[] {
  const secrets = new Set(operatorSecrets);
  return [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'Job')].flatMap((o) => {
    const spec = podSpec(o);
    return spec.containers.map((c) => {
      const source = `chart (${label}) ${o.kind} ${o.metadata.name}`;
      const files = mountedFiles(objects, spec, c, source, secrets);
      return { source, args: c.args ?? [], env: containerEnv(objects, c, source, secrets), file: (p: string) => files.get(p) };
    });
  });
}
