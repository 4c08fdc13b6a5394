import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { ComponentDriver } from './component-driver.ts';
import { InfraError } from './errors.ts';
import type { KafkaArtifacts } from './infra-artifacts.ts';
import { kafkaBrokerFor, type KafkaLayout } from './profile-layout.ts';
import { initialControllers, randomKafkaUuid, readKafkaQuorum } from './kafka-quorum.ts';
import { changedSettings, faultsListenerPort, renderKafkaServerProperties } from './kafka-server-properties.ts';
import { jdkTool, runCommand, tail } from './run-command.ts';
import type { Profile } from './types.ts';

interface FormattedPorts {
  port: number;
  controllerPort: number;
}

/**
 * The KRaft voter set written at format time records the controller endpoint, so a formatted data directory is
 * tied to its ports.
 */
function checkPorts(layout: KafkaLayout, markerFile: string): void {
  if (!existsSync(markerFile)) return;
  const formatted = JSON.parse(readFileSync(markerFile, 'utf8')) as FormattedPorts;
  if (formatted.port !== layout.port || formatted.controllerPort !== layout.controllerPort) {
    throw new InfraError(
      'INFRA_CONFIG_MISMATCH',
      `${layout.dataDir} was formatted for ports ${formatted.port}/${formatted.controllerPort}, ` +
        `not ${layout.port}/${layout.controllerPort}: unset WABUS_KAFKA_PORT or remove ${layout.dataDir}`,
      { dataDir: layout.dataDir },
    );
  }
}

/**
 * How a node's storage is bootstrapped: one node alone is a standalone quorum; a node of a cluster being formatted
 * anew gets the cluster id and all three controllers that `quorumFile` records (the same on every node). A cluster
 * node found without data while the others keep theirs (its directory was removed) joins without claiming a voter's
 * place (`--no-initial-controllers`, a new directory id): the quorum must not count an empty log as one of its
 * voters (KIP-853); it becomes a voter again only through `kafka-metadata-quorum add-controller`.
 */
function formatArgs(layout: KafkaLayout, quorumFile: string, fresh: boolean): { clusterId: string; quorum: string[] } {
  if (layout.voters.length === 1) return { clusterId: randomKafkaUuid(), quorum: ['--standalone'] };
  const quorum = readKafkaQuorum(quorumFile);
  if (quorum === undefined) {
    throw new InfraError('INFRA_CONFIG_MISMATCH', `${quorumFile} is missing: start the whole cluster with startInfra first`, { quorumFile });
  }
  if (!fresh) return { clusterId: quorum.clusterId, quorum: ['--no-initial-controllers'] };
  return { clusterId: quorum.clusterId, quorum: ['--initial-controllers', initialControllers(layout.voters, quorum)] };
}

export function kafkaComponent(layout: KafkaLayout, artifacts: KafkaArtifacts, profile: Profile, env: NodeJS.ProcessEnv, quorumFile: string): ComponentDriver {
  const java = jdkTool('java', env);
  const classPath = join(artifacts.libsDir, '*');
  const serverProperties = join(layout.configDir, 'server.properties');
  const log4jConfig = join(layout.configDir, 'log4j2.properties');
  const portsMarker = join(layout.dataDir, 'formatted-ports.json');
  const log4jFlag = `-Dlog4j2.configurationFile=${log4jConfig}`;

  return {
    layout,
    ports: [layout.port, layout.controllerPort, ...(profile === 'test' ? [faultsListenerPort(layout)] : [])],
    startTimeoutMs: 90_000,
    toolHint: 'set JAVA_HOME or put java on PATH',

    async prepare({ fresh, log }) {
      if (fresh) await rm(layout.dataDir, { recursive: true, force: true });
      await mkdir(layout.configDir, { recursive: true });
      await mkdir(layout.logDir, { recursive: true });
      checkPorts(layout, portsMarker);
      await writeFile(serverProperties, renderKafkaServerProperties(layout, profile));
      await copyFile(artifacts.log4jConfig, log4jConfig);
      if (existsSync(join(layout.logDir, 'meta.properties'))) return;

      const { clusterId, quorum } = formatArgs(layout, quorumFile, fresh);
      log(`formatting ${layout.logDir} (cluster id ${clusterId}${quorum[0] === '--no-initial-controllers' ? ', joining as an observer, not a voter' : ''})`);
      // -g (--ignore-formatted): a directory formatted by a concurrent or interrupted run is not an error.
      const args = [log4jFlag, '-cp', classPath, 'kafka.tools.StorageTool', 'format', ...quorum, '-g'];
      const result = await runCommand(java, [...args, '-t', clusterId, '-c', serverProperties], { env });
      if (result.code !== 0) {
        throw new InfraError('INFRA_FORMAT_FAILED', `${layout.label} StorageTool format failed:\n${tail(result.output)}`, {
          dataDir: layout.dataDir,
        });
      }
      const ports: FormattedPorts = { port: layout.port, controllerPort: layout.controllerPort };
      await writeFile(portsMarker, `${JSON.stringify(ports)}\n`);
    },

    command() {
      // The stock kafka-server-start.sh uses 1 GiB and these G1 settings; half that is plenty for one node, and
      // three nodes of the cluster profile share 2 cores and a test's traffic: 384 MiB each.
      const heap = layout.voters.length === 1 ? ['-Xms256m', '-Xmx512m'] : ['-Xms128m', '-Xmx384m'];
      return {
        file: java,
        args: [
          ...heap,
          '-XX:+UseG1GC',
          '-XX:MaxGCPauseMillis=20',
          '-XX:InitiatingHeapOccupancyPercent=35',
          '-XX:+ExplicitGCInvokesConcurrent',
          '-XX:+ExitOnOutOfMemoryError',
          '-Djava.awt.headless=true',
          `-Dwabus.instance=${layout.instanceTag}`,
          log4jFlag,
          '-cp',
          classPath,
          'kafka.Kafka',
          serverProperties,
        ],
      };
    },

    staleSettings() {
      // The file is rewritten only when a start prepares the node: what a running broker was started with.
      if (!existsSync(serverProperties)) return undefined;
      return changedSettings(readFileSync(serverProperties, 'utf8'), renderKafkaServerProperties(layout, profile));
    },

    async probeReady() {
      const kafka = new Kafka({
        clientId: 'wabus-infra-readiness',
        brokers: [kafkaBrokerFor(layout)],
        logLevel: logLevel.NOTHING,
        connectionTimeout: 1000,
        requestTimeout: 3000,
        retry: { retries: 0 },
      });
      const admin = kafka.admin();
      try {
        await admin.connect();
        const cluster = await admin.describeCluster();
        // Registered and unfenced: the controller quorum lists this node among the brokers (so it caught up on
        // the metadata log).
        return cluster.brokers.some((b) => b.nodeId === layout.nodeId) && cluster.controller !== null && cluster.controller >= 0;
      } catch {
        return false;
      } finally {
        await admin.disconnect().catch(() => {});
      }
    },
  };
}
