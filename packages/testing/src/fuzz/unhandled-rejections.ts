import type { TestContext } from 'node:test';

/** Records every unhandled rejection of the process while the test runs (the list a test asserts is empty). */
export function watchUnhandledRejections(t: TestContext): unknown[] {
  const unhandled: unknown[] = [];
  const onUnhandled = (err: unknown) => void unhandled.push(err);
  process.on('unhandledRejection', onUnhandled);
  t.after(() => void process.off('unhandledRejection', onUnhandled));
  return unhandled;
}
