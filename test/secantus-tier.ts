/**
 * The SecantusDB tier: every integration and e2e file that uses the store, run a second time with MONGODB_URI on
 * SecantusDB (docs/stores.md). A file uses the store when it, or a `*.test-support.ts` module it imports by a
 * relative path (and so on), names the store the runner gives it: MONGODB_URI / mongoUri, a test database or client,
 * or a private store (startPrivateMongo, which WABUS_TEST_STORE=secantus makes a SecantusDB too).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const USES_THE_STORE = /\b(MONGODB_URI|mongoUri|testDatabase|testMongoClient|startPrivateMongo)\b/;

/** The files the tier leaves out, each with its reason; docs/stores.md repeats this list. */
export const SECANTUS_EXCLUDED: readonly { file: string; reason: string }[] = [
  {
    file: 'packages/ops/src/redrive-faults.int.test.ts',
    reason:
      'freezes its broker (SIGSTOP): the tier shares the test broker with the files beside it; its store use (the redrive ledger) is the same as redrive-dead-letters.int.test.ts, which runs',
  },
];

function usesTheStore(file: string, seen: Set<string>): boolean {
  if (seen.has(file)) return false;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  if (USES_THE_STORE.test(text)) return true;
  return [...text.matchAll(/from '(\.{1,2}\/[^']+\.test-support\.ts)'/g)].some((m) => {
    const imported = resolve(dirname(file), m[1]!);
    return existsSync(imported) && usesTheStore(imported, seen);
  });
}

/**
 * Of `files` (relative to `root`), those the tier runs. A store file that stops or freezes its broker
 * (`stopsTheBroker`) must be in SECANTUS_EXCLUDED: the tier would take the broker from under the others.
 */
export function secantusTier(root: string, files: readonly string[], stopsTheBroker: (file: string) => boolean): string[] {
  const excluded = new Set(SECANTUS_EXCLUDED.map((x) => x.file));
  const store = files.filter((f) => usesTheStore(join(root, f), new Set()));
  const unlisted = store.filter((f) => stopsTheBroker(f) && !excluded.has(f));
  if (unlisted.length > 0) {
    throw new Error(`${unlisted.join(', ')} use the store and stop their broker: list them in SECANTUS_EXCLUDED (test/secantus-tier.ts) with a reason`);
  }
  const stale = [...excluded].filter((f) => !store.includes(f));
  if (stale.length > 0) throw new Error(`SECANTUS_EXCLUDED names files the tier would not run anyway: ${stale.join(', ')}`);
  return store.filter((f) => !excluded.has(f));
}
