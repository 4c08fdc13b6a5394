import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fetchGroupOffsets, parseReplayMark, type ConsumerStatus, type createKafka } from '@wabus/kafka';
import { freePort, highWatermarks, spawnServiceProcess, type ServiceProcess } from '@wabus/testing';

export { freePort };
export type { ServiceProcess };

type Kafka = ReturnType<typeof createKafka>;

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Runs `pnpm wabus <args>` the way a user would (without pnpm's own banner), and returns its exit code and output. */
export function wabus(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['packages/cli/src/main.ts', ...args],
      { cwd: repoRoot, env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A service's composition root as its own process, as `pnpm dev` or a deploy would start it (stopped by the caller). */
export const startService = (service: string, env: NodeJS.ProcessEnv): ServiceProcess => spawnServiceProcess(null, service, env);

/** Polls a readiness URL until it answers 200 (a signal from the service), or fails after `timeoutMs`. */
export async function waitReady(url: string, service: ServiceProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!service.running()) throw new Error(`service exited (${service.child.exitCode ?? service.child.signalCode}):\n${service.output()}`);
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready within ${timeoutMs} ms:\n${service.output().slice(-4000)}`);
}

/**
 * Polls a consumer group's commits until every partition of `topic` is at its end with no replay mark left: what
 * the group's service has durably applied, so a replay is over. Fails after `timeoutMs`.
 */
export async function groupAtEnd(kafka: Kafka, groupId: string, topic: string, timeoutMs = 90_000): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ends = await highWatermarks(admin, topic);
      const offsets = await fetchGroupOffsets(kafka, groupId, topic);
      const done = [...ends].every(([p, high]) => {
        const o = offsets.find((x) => x.partition === p);
        return high === 0n || (o !== undefined && BigInt(o.offset) >= high && parseReplayMark(o.metadata) === null);
      });
      if (done) return;
      if (Date.now() > deadline) throw new Error(`group ${groupId} not at the end of ${topic}: ${JSON.stringify(offsets)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await admin.disconnect();
  }
}

/** Waits until a consumer service reports every partition applied up to `targets` (its /v1/lag): its own signal. */
export async function caughtUp(base: string, service: ServiceProcess, targets: Map<number, bigint>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = (await (await fetch(`${base}/v1/lag`)).json()) as ConsumerStatus;
    const applied = new Map(status.partitions.map((p) => [p.partition, BigInt(p.applied ?? '-1')]));
    if ([...targets].every(([p, high]) => high === 0n || (applied.get(p) ?? -1n) >= high)) return;
    if (Date.now() > deadline) throw new Error(`${base} not caught up: ${JSON.stringify(status)}\n${service.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
