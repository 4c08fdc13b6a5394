import type { TestContext } from 'node:test';

/** The service, stopped once: after the test, unless the test stopped it itself. */
export function stopAfterTest<S extends { stop(): Promise<void> }>(t: TestContext, service: S): S {
  let stopped = false;
  t.after(async () => {
    if (!stopped) await service.stop();
  });
  return {
    ...service,
    async stop() {
      stopped = true;
      await service.stop();
    },
  };
}
