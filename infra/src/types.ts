/**
 * `dev`: persistent state, default ports. `test`: fresh state per start, ports shifted by 10000. `cluster`: three
 * Kafka nodes (RF 3 topics, min ISR 2) and an in-memory store, fresh state per start, ports 29092-29097 and 47017.
 */
export type Profile = 'dev' | 'test' | 'cluster';

export const PROFILES: readonly Profile[] = ['dev', 'test', 'cluster'];

/** `secantus`: SecantusDB, the second store (a Python process on WiredTiger), started only when asked for. */
export type ComponentName = 'kafka' | 'mongo' | 'secantus';

/**
 * The Mongo-wire store a start provides: mongo-java-server (`mongo`, the default: in memory, fast, an emulator) or
 * SecantusDB (`secantus`: MongoDB's storage engine underneath, sessions and transactions; docs/stores.md).
 */
export type StoreKind = 'mongo' | 'secantus';

export const STORE_KINDS: readonly StoreKind[] = ['mongo', 'secantus'];

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
  secantus: ComponentStatus;
}

export interface StartInfraResult {
  kafkaBrokers: string[];
  /** The URI of the store asked for (`store`), or MONGODB_URI. */
  mongoUri: string;
  store: StoreKind;
  kafka: ComponentStatus;
  /** The store's status: mongo-java-server's or SecantusDB's, as `store` says. */
  mongo: ComponentStatus;
}

export interface InstallResult {
  cacheDir: string;
  kafka: { version: string; libsDir: string; fetched: boolean };
  mongo: { version: string; libsDir: string; classesDir: string; fetched: boolean; compiled: boolean };
  secantus: { version: string; venvDir: string; installed: boolean };
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
