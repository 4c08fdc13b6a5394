/**
 * `dev`: persistent state, default ports. `test`: fresh state per start, ports shifted by 10000. `cluster`: three
 * Kafka nodes (RF 3 topics, min ISR 2) and an in-memory store, fresh state per start, ports 29092-29097 and 47017.
 */
export type Profile = 'dev' | 'test' | 'cluster';

export const PROFILES: readonly Profile[] = ['dev', 'test', 'cluster'];

export type ComponentName = 'kafka' | 'mongo';

export type LogFn = (msg: string) => void;

export interface ComponentStatus {
  /**
   * `external`: KAFKA_BROKERS / MONGODB_URI point elsewhere and nothing of ours runs. `degraded`: some nodes of the
   * cluster profile's Kafka run, not all (`nodes` says which).
   */
  state: 'running' | 'stopped' | 'external' | 'degraded';
  address?: string;
  pid?: number;
  logFile?: string;
  dataDir?: string;
  /** Kafka of the cluster profile: each node (node 1 first). */
  nodes?: KafkaNodeStatus[];
}

export interface KafkaNodeStatus extends ComponentStatus {
  nodeId: number;
}

export interface InfraStatus {
  kafka: ComponentStatus;
  mongo: ComponentStatus;
}

export interface StartInfraResult extends InfraStatus {
  kafkaBrokers: string[];
  mongoUri: string;
}

export interface InstallResult {
  cacheDir: string;
  kafka: { version: string; libsDir: string; fetched: boolean };
  mongo: { version: string; libsDir: string; classesDir: string; fetched: boolean; compiled: boolean };
  durationMs: number;
}

/** A tool provisioned into the cache (the trace viewer, helm, hadolint). */
export interface ToolInstall {
  binary: string;
  version: string;
  /** False when the cached binary was there already (then this took a millisecond). */
  built: boolean;
  durationMs: number;
}
