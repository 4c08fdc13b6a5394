import { randomInt } from 'node:crypto';

/** The fixed clock of generated bodies and hostile records (Meta timestamps, receipt times): a run is its seed alone. */
export const FUZZ_NOW = Date.UTC(2026, 0, 15, 12);

export interface FuzzSettings {
  /** The run's seed: `WABUS_FUZZ_SEED`, else a new one (printed, so any failure can be replayed). */
  seed: number;
  /** Generated bodies per fuzz file: `WABUS_FUZZ_RUNS`, else `defaultRuns`. */
  runs: number;
  /** How to replay this run, for messages. */
  replay: string;
}

/** The seed and size of a fuzz run, from the environment (docs/fuzz.md). */
export function fuzzSettings(defaultRuns: number, env: NodeJS.ProcessEnv = process.env): FuzzSettings {
  const seedText = env['WABUS_FUZZ_SEED'];
  const seed = seedText === undefined || seedText === '' ? randomInt(2 ** 31 - 1) : Number(seedText);
  if (!Number.isSafeInteger(seed)) throw new Error(`WABUS_FUZZ_SEED must be an integer, got ${seedText}`);
  const runsText = env['WABUS_FUZZ_RUNS'];
  const runs = runsText === undefined || runsText === '' ? defaultRuns : Number(runsText);
  if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`WABUS_FUZZ_RUNS must be a positive integer, got ${runsText}`);
  return { seed, runs, replay: `WABUS_FUZZ_SEED=${seed} WABUS_FUZZ_RUNS=${runs}` };
}

/** Counts per class, printed as one aligned table (the CI log shows each class's share of the run). */
export function createTally<K extends string>() {
  const counts = new Map<K, Map<string, number>>();
  return {
    add(cls: K, outcome: string): void {
      const byOutcome = counts.get(cls) ?? new Map<string, number>();
      byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1);
      counts.set(cls, byOutcome);
    },
    total: (): number => [...counts.values()].reduce((sum, m) => sum + [...m.values()].reduce((a, b) => a + b, 0), 0),
    of: (cls: K): number => [...(counts.get(cls)?.values() ?? [])].reduce((a, b) => a + b, 0),
    classes: (): K[] => [...counts.keys()],
    /** One line per class: `class  total  outcome=n, …`. */
    lines(): string[] {
      const width = Math.max(0, ...[...counts.keys()].map((k) => k.length));
      return [...counts.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([cls, byOutcome]) => {
          const total = [...byOutcome.values()].reduce((a, b) => a + b, 0);
          const detail = [...byOutcome.entries()]
            .sort(([, a], [, b]) => b - a)
            .map(([o, n]) => `${o}=${n}`)
            .join(', ');
          return `${cls.padEnd(width)} ${String(total).padStart(6)}  ${detail}`;
        });
    },
  };
}
