import { mkdir, rm } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { ComponentDriver } from './component-driver.ts';
import type { MongoArtifacts } from './infra-artifacts.ts';
import { mongoUriFor, type MongoLayout } from './profile-layout.ts';
import { jdkTool } from './run-command.ts';
import { pingStore } from './store-ping.ts';

export function mongoComponent(layout: MongoLayout, artifacts: MongoArtifacts, env: NodeJS.ProcessEnv): ComponentDriver {
  return {
    layout,
    ports: [layout.port],
    startTimeoutMs: 30_000,
    toolHint: 'set JAVA_HOME or put java on PATH',

    async prepare({ fresh }) {
      if (fresh) await rm(layout.dataDir, { recursive: true, force: true });
      await mkdir(layout.dataDir, { recursive: true });
    },

    command() {
      const backend = layout.backend.kind === 'h2' ? ['--h2', layout.backend.file] : ['--memory'];
      return {
        file: jdkTool('java', env),
        args: [
          '-Xms64m',
          '-Xmx512m',
          '-XX:+UseSerialGC',
          '-XX:+ExitOnOutOfMemoryError',
          `-Dwabus.instance=${layout.instanceTag}`,
          // slf4j-simple: timestamps; one INFO line per client connect/close is noise.
          '-Dorg.slf4j.simpleLogger.logFile=System.out',
          '-Dorg.slf4j.simpleLogger.showDateTime=true',
          "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd'T'HH:mm:ss.SSSZ",
          '-Dorg.slf4j.simpleLogger.log.de.bwaldvogel.mongo.wire.MongoWireProtocolHandler=warn',
          '-cp',
          [artifacts.classesDir, join(artifacts.libsDir, '*')].join(delimiter),
          artifacts.mainClass,
          '--host',
          layout.host,
          '--port',
          String(layout.port),
          ...backend,
        ],
      };
    },

    probeReady: () => pingStore(mongoUriFor(layout)),
  };
}
