/** `dev`: persistent state, default ports. `test`: fresh state per start, ports shifted by 10000. */
export type Profile = 'dev' | 'test';

export type ComponentName = 'kafka' | 'mongo';

export type LogFn = (msg: string) => void;

export interface ComponentStatus {
  /** `external`: KAFKA_BROKERS / MONGODB_URI point elsewhere and nothing of ours runs. */
  state: 'running' | 'stopped' | 'external';
  address?: string;
  pid?: number;
  logFile?: string;
  dataDir?: string;
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
