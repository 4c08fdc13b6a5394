import { compileMongoMain } from './compile-mongo-main.ts';
import { resolveInfraArtifacts } from './infra-artifacts.ts';
import { fetchMavenRuntime } from './maven-fetch.ts';
import { installSecantus } from './secantus-install.ts';
import type { InstallResult, LogFn } from './types.ts';

/**
 * Fetches the Kafka and mongo-java-server jars into the cache (`~/.cache/wabus`, or WABUS_CACHE_DIR), compiles the
 * mongo main and installs SecantusDB into a venv (pip). Idempotent: when the poms, the main and the requirements are
 * unchanged it only hashes four files.
 */
export async function installInfra(opts: { log?: LogFn; env?: NodeJS.ProcessEnv } = {}): Promise<InstallResult> {
  const log = opts.log ?? (() => {});
  const env = opts.env ?? process.env;
  const started = Date.now();
  const artifacts = resolveInfraArtifacts(env);
  // Two JVM-heavy mvn runs at once are slower than one after the other on 2 cores.
  const kafka = await fetchMavenRuntime({ ...artifacts.kafka, log, env });
  const mongo = await fetchMavenRuntime({ ...artifacts.mongo, log, env });
  const { compiled } = await compileMongoMain(artifacts.mongo, log, env);
  const secantus = await installSecantus(artifacts.secantus, log, env);
  return {
    cacheDir: artifacts.cacheDir,
    kafka: { version: artifacts.kafka.version, libsDir: artifacts.kafka.libsDir, fetched: kafka.fetched },
    mongo: {
      version: artifacts.mongo.version,
      libsDir: artifacts.mongo.libsDir,
      classesDir: artifacts.mongo.classesDir,
      fetched: mongo.fetched,
      compiled,
    },
    secantus: { version: artifacts.secantus.version, venvDir: artifacts.secantus.venvDir, installed: secantus.installed },
    durationMs: Date.now() - started,
  };
}
