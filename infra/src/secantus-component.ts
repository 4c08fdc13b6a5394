import { mkdir, rm, writeFile } from 'node:fs/promises';
import type { ComponentDriver } from './component-driver.ts';
import type { SecantusArtifacts } from './infra-artifacts.ts';
import { mongoUriFor, type SecantusLayout } from './profile-layout.ts';
import { pingStore } from './store-ping.ts';

/** An empty config file, named on the command line so that no ./secantusd.toml or ~/.secantus/secantusd.toml is read. */
export const SECANTUS_CONFIG = '# wabus runs SecantusDB with command-line flags only (infra/src/secantus-component.ts).\n';

/**
 * `python -m secantus` arguments: loopback, one port, a WiredTiger directory, the WiredTiger cache (default 1 GB: the
 * tests' working set is small and the machine shared). `instanceTag` rides on the command line as a `-X` option
 * (CPython keeps unknown ones in sys._xoptions and ignores them), as `-Dwabus.instance` does for the JVMs.
 */
export function secantusArgs(o: { host: string; port: number; configFile: string; storageDir: string; cacheSize: string; instanceTag?: string }): string[] {
  return [
    ...(o.instanceTag === undefined ? [] : ['-X', `wabus.instance=${o.instanceTag}`]),
    '-m',
    'secantus',
    '--config',
    o.configFile,
    '--host',
    o.host,
    '--port',
    String(o.port),
    '--storage-path',
    o.storageDir,
    '--cache-size',
    o.cacheSize,
  ];
}

/**
 * SecantusDB as a background process: `python -m secantus` from the venv installSecantus made, on its own port and
 * WiredTiger directory.
 */
export function secantusComponent(layout: SecantusLayout, artifacts: SecantusArtifacts): ComponentDriver {
  return {
    layout,
    ports: [layout.port],
    startTimeoutMs: 30_000,
    toolHint: 'run `wabus infra install` (it installs SecantusDB with pip)',

    async prepare({ fresh }) {
      if (fresh) await rm(layout.dataDir, { recursive: true, force: true });
      await mkdir(layout.storageDir, { recursive: true });
      await writeFile(layout.configFile, SECANTUS_CONFIG);
    },

    command() {
      return { file: artifacts.python, args: secantusArgs({ ...layout, cacheSize: '256M' }) };
    },

    probeReady: () => pingStore(mongoUriFor(layout)),
  };
}
