import cluster, { type Worker } from 'node:cluster';

const PING = 'wabus:ingress-watchdog:ping'; // supervisor → worker
const PONG = 'wabus:ingress-watchdog:pong'; // worker → supervisor, from its event loop

const typeOf = (m: unknown): unknown => (typeof m === 'object' && m !== null ? (m as { type?: unknown }).type : undefined);

/**
 * The supervisor's watchdog over its workers. node:cluster hands each connection to the next listening worker in
 * turn, stalled or not: a worker whose event loop stops (SIGSTOP, a host pausing it, a blocked loop) would hold every
 * webhook given to it unanswered for as long as the stall. Each listening worker is pinged over IPC every quarter of
 * `stallMs`; one that has not answered for `stallMs` is SIGKILLed (the supervisor's exit handler starts another). The
 * webhooks it held were never answered 200, so Meta sends them again: nothing is lost, and anything it had produced
 * is deduplicated by event id downstream. A worker is watched from when it listens (before, it is given nothing).
 */
export function watchWorkers(o: { stallMs: number; onStalled: (worker: Worker, silentMs: number) => void }): { stop(): void } {
  const heard = new Map<Worker, number>();
  const onListening = (w: Worker) => void heard.set(w, Date.now());
  const onExit = (w: Worker) => void heard.delete(w);
  const onMessage = (w: Worker, m: unknown) => {
    if (typeOf(m) === PONG && heard.has(w)) heard.set(w, Date.now());
  };
  cluster.on('listening', onListening);
  cluster.on('exit', onExit);
  cluster.on('message', onMessage);
  const timer = setInterval(
    () => {
      const now = Date.now();
      for (const [w, at] of heard) {
        if (now - at >= o.stallMs) {
          heard.delete(w);
          o.onStalled(w, now - at);
          w.process.kill('SIGKILL');
        } else if (w.isConnected()) w.send({ type: PING });
      }
    },
    Math.max(50, Math.floor(o.stallMs / 4)),
  );
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      cluster.off('listening', onListening);
      cluster.off('exit', onExit);
      cluster.off('message', onMessage);
    },
  };
}

/** A worker's side: answers the supervisor's pings from its event loop (installed before it listens). */
export function answerWatchdog(): void {
  process.on('message', (m: unknown) => {
    if (typeOf(m) === PING) process.send?.({ type: PONG });
  });
}
