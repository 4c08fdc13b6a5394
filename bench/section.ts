/** What `bench/run.ts` hands every section: the run's flags and the shared local infrastructure. */
export interface BenchContext {
  /** `--quick`: shorter phases, for a fast check; numbers are noisier and not written as the reference. */
  quick: boolean;
  /** `--cpu-prof`: sections may profile their system under test (slower; the numbers are then indicative only). */
  cpuProf: boolean;
  /** Absolute path of the repository root. */
  root: string;
  /** Progress lines, to stderr. */
  log: (msg: string) => void;
  /** Starts (or reuses) the test-profile Kafka and store once per run. */
  infra: () => Promise<BenchInfra>;
}

export interface BenchInfra {
  kafkaBrokers: string[];
  mongoUri: string;
  /** Version of the local Kafka, or `external` when KAFKA_BROKERS points elsewhere. */
  kafkaVersion: string;
  /** pid of the local Kafka JVM when it is ours, to sample its CPU. */
  kafkaPid?: number;
}

export interface Table {
  caption?: string;
  columns: string[];
  rows: string[][];
}

/** A target from the plan, judged honestly: PASS or MISS, with what was observed. */
export interface Check {
  name: string;
  target: string;
  observed: string;
  pass: boolean;
}

export interface SectionReport {
  tables: Table[];
  checks: Check[];
  /** Markdown paragraphs or list items: how it was measured, what stood out. */
  notes: string[];
}

export interface BenchSection {
  /** Used by `--only` and as the marker of the section in docs/benchmarks.md. */
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<SectionReport>;
}
