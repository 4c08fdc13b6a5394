import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hashFiles } from './file-hash.ts';
import { resolveCacheDir } from './profile-layout.ts';

const infraRoot = fileURLToPath(new URL('..', import.meta.url));

export interface KafkaArtifacts {
  version: string;
  pomFile: string;
  /** Cache key of the jar set: changes when the pom changes. */
  pomHash: string;
  homeDir: string;
  libsDir: string;
  log4jConfig: string;
}

export interface MongoArtifacts {
  version: string;
  pomFile: string;
  pomHash: string;
  homeDir: string;
  libsDir: string;
  sourceFile: string;
  mainClass: string;
  /** One directory per (pom, source) hash: a changed WabusMongoServer.java compiles into a new one. */
  classesDir: string;
}

export interface SecantusArtifacts {
  version: string;
  requirementsFile: string;
  /** Cache key of the venv: changes when the requirements change. */
  requirementsHash: string;
  homeDir: string;
  venvDir: string;
  /** The venv's interpreter: what runs `-m secantus`. */
  python: string;
}

export interface InfraArtifacts {
  cacheDir: string;
  kafka: KafkaArtifacts;
  mongo: MongoArtifacts;
  secantus: SecantusArtifacts;
}

function pomProperty(pomFile: string, name: string): string {
  const match = new RegExp(`<${name}>\\s*([^<\\s]+)\\s*</${name}>`).exec(readFileSync(pomFile, 'utf8'));
  if (!match?.[1]) throw new Error(`${pomFile} has no <${name}> property`);
  return match[1];
}

function pinnedVersion(requirementsFile: string, name: string): string {
  const match = new RegExp(`^${name}==(\\S+)`, 'mi').exec(readFileSync(requirementsFile, 'utf8'));
  if (!match?.[1]) throw new Error(`${requirementsFile} does not pin ${name}`);
  return match[1];
}

/** Where installInfra puts (or has put) the jars, classes and the SecantusDB venv. Reads the poms; downloads nothing. */
export function resolveInfraArtifacts(env: NodeJS.ProcessEnv = process.env): InfraArtifacts {
  const cacheDir = resolveCacheDir(env);
  const kafkaPom = join(infraRoot, 'kafka', 'pom.xml');
  const mongoPom = join(infraRoot, 'mongo', 'pom.xml');
  const mongoSource = join(infraRoot, 'mongo', 'WabusMongoServer.java');
  const kafkaVersion = pomProperty(kafkaPom, 'kafka.version');
  const mongoVersion = pomProperty(mongoPom, 'mongo-java-server.version');
  const requirements = join(infraRoot, 'secantus', 'requirements.txt');
  const secantusVersion = pinnedVersion(requirements, 'SecantusDB');
  const secantusHome = join(cacheDir, `secantus-${secantusVersion}`);
  const kafkaHome = join(cacheDir, `kafka-${kafkaVersion}`);
  const mongoHome = join(cacheDir, `mongo-java-server-${mongoVersion}`);
  return {
    cacheDir,
    kafka: {
      version: kafkaVersion,
      pomFile: kafkaPom,
      pomHash: hashFiles([kafkaPom]),
      homeDir: kafkaHome,
      libsDir: join(kafkaHome, 'libs'),
      log4jConfig: join(infraRoot, 'kafka', 'log4j2.properties'),
    },
    mongo: {
      version: mongoVersion,
      pomFile: mongoPom,
      pomHash: hashFiles([mongoPom]),
      homeDir: mongoHome,
      libsDir: join(mongoHome, 'libs'),
      sourceFile: mongoSource,
      mainClass: 'WabusMongoServer',
      classesDir: join(mongoHome, `classes-${hashFiles([mongoPom, mongoSource])}`),
    },
    secantus: {
      version: secantusVersion,
      requirementsFile: requirements,
      requirementsHash: hashFiles([requirements]),
      homeDir: secantusHome,
      venvDir: join(secantusHome, 'venv'),
      python: join(secantusHome, 'venv', 'bin', 'python'),
    },
  };
}
