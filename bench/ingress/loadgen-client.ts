import { spawnNodeChild, type NodeChild } from '../lib/node-child.ts';
import type { LoadJob, LoadResult, LoadgenMessage, RateJob, SaturateJob } from './loadgen-protocol.ts';

export interface Loadgen {
  pool: { size: number; bodyBytes: number; ms: number };
  saturate(job: Omit<SaturateJob, 'type' | 'id'>): Promise<LoadResult>;
  rate(job: Omit<RateJob, 'type' | 'id'>): Promise<LoadResult>;
  close(): Promise<void>;
}

/** Starts bench/ingress/loadgen.ts and waits until its body pool is ready. */
export async function startLoadgen(opts: { cwd: string; secret: string; poolSize: number; seed: string }): Promise<Loadgen> {
  const child: NodeChild = spawnNodeChild({
    script: new URL('./loadgen.ts', import.meta.url).pathname,
    cwd: opts.cwd,
    env: { ...process.env, BENCH_SECRET: opts.secret, BENCH_POOL_SIZE: String(opts.poolSize), BENCH_SEED: opts.seed },
    ipc: true,
  });
  const waiting = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();
  let ids = 0;
  const ready = new Promise<Extract<LoadgenMessage, { type: 'ready' }>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('load generator not ready within 60 s')), 60_000);
    child.process.on('message', (msg: LoadgenMessage) => {
      if (msg.type === 'ready') {
        clearTimeout(timer);
        resolve(msg);
      } else {
        const w = waiting.get(msg.id);
        waiting.delete(msg.id);
        if (msg.type === 'result') w?.resolve(msg.result);
        else w?.reject(new Error(`load generator: ${msg.message}`));
      }
    });
    void child.exited.then((code) => {
      clearTimeout(timer);
      const err = new Error(`load generator exited (${code})`);
      reject(err);
      for (const w of waiting.values()) w.reject(err);
      waiting.clear();
    });
  });
  const r = await ready;

  const run = (job: LoadJob): Promise<LoadResult> =>
    new Promise((resolve, reject) => {
      // Bounded: a job that does not report back well after its duration is a failure, not a hang.
      const timer = setTimeout(() => reject(new Error(`load job ${job.type} did not finish`)), job.durationMs + 60_000);
      waiting.set(job.id, {
        resolve: (res) => (clearTimeout(timer), resolve(res)),
        reject: (err) => (clearTimeout(timer), reject(err)),
      });
      child.process.send(job);
    });

  return {
    pool: { size: r.poolSize, bodyBytes: r.bodyBytes, ms: r.poolMs },
    saturate: (job) => run({ type: 'saturate', id: ++ids, ...job }),
    rate: (job) => run({ type: 'rate', id: ++ids, ...job }),
    close: async () => {
      child.process.disconnect();
      await child.stop(5_000);
    },
  };
}
