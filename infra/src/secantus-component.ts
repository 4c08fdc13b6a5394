import { mkdir, rm, writeFile } from 'node:fs/promises';
import type { ComponentDriver } from './component-driver.ts';
import type { SecantusArtifacts } from './infra-artifacts.ts';
import { mongoUriFor, type SecantusLayout } from './profile-layout.ts';
import { pingStore } from './store-ping.ts';

/**
 * SecantusDB as a background process: `python -m secantus` from the venv installSecantus made, on its own port and
 * WiredTiger directory. The instance tag rides on the command line as a `-X` option (CPython keeps unknown ones in
 * sys._xoptions and ignores them), as `-Dwabus.instance` does for the JVMs.
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
      // Named on the command line, so that no ./secantusd.toml or ~/.secantus/secantusd.toml is read instead.
      await writeFile(layout.configFile, '# wabus runs SecantusDB with command-line flags only (infra/src/secantus-component.ts).\n');
    },

    command() {
      return {
        file: artifacts.python,
        args: [
          '-X',
          `wabus.instance=${layout.instanceTag}`,
          '-m',
          'secantus',
          '--config',
          layout.configFile,
          '--host',
          layout.host,
          '--port',
          String(layout.port),
          '--storage-path',
          layout.storageDir,
          // WiredTiger's cache (default 1 GB): the tests' working set is small, the machine shared.
          '--cache-size',
          '256M',
        ],
      };
    },

    probeReady: () => pingStore(mongoUriFor(layout)),
  };
}
