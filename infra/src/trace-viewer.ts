import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError } from './errors.ts';
import { fileSize, logExcerpt } from './log-tail.ts';
import { isPortOpen } from './port-probe.ts';
import { isTraceViewerInstalled } from './trace-viewer-install.ts';
import { resolveTraceViewerLayout, traceViewerConfig, type TraceViewerLayout } from './trace-viewer-layout.ts';
import type { LogFn } from './types.ts';

export interface TraceViewer {
  /** `started`: ours, a child of this process; `external`: something already serves OTLP/HTTP on the port (a
   * viewer from an earlier run, docker-compose's Jaeger, a collector), used as it is. */
  state: 'started' | 'external';
  /** `OTEL_EXPORTER_OTLP_ENDPOINT` for the services. */
  otlpEndpoint: string;
  /** Jaeger's UI and HTTP API (for `external`, where docker-compose's Jaeger would have it). */
  queryUrl: string;
  pid?: number;
  logFile?: string;
  /** SIGTERM and wait (ours only; a no-op for `external`). */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

/**
 * Starts the local trace viewer (Jaeger v2, in-memory storage; build it first with `installTraceViewer`) as a child
 * of this process, and resolves once its health check answers. It ends with this process: traces are kept in memory
 * only, for a dev session. When something already accepts connections on the OTLP/HTTP port, nothing is started.
 */
export async function startTraceViewer(opts: { log?: LogFn; env?: NodeJS.ProcessEnv } = {}): Promise<TraceViewer> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => {});
  const l = resolveTraceViewerLayout(env);
  const otlpEndpoint = `http://${l.host}:${l.otlpHttpPort}`;
  const queryUrl = `http://${l.host}:${l.queryPort}`;
  if (await isPortOpen(l.host, l.otlpHttpPort)) {
    log(`something already serves ${l.host}:${l.otlpHttpPort}: using it as the OTLP endpoint, starting no viewer`);
    return { state: 'external', otlpEndpoint, queryUrl, stop: async () => {} };
  }
  if (!isTraceViewerInstalled(env)) {
    throw new InfraError('INFRA_NOT_RUNNING', `the trace viewer is not built yet (${l.binary}); installTraceViewer builds it`, { binary: l.binary });
  }
  for (const [what, port] of [
    ['OTLP/gRPC', l.otlpGrpcPort],
    ['query', l.queryPort],
    ['query gRPC', l.queryGrpcPort],
    ['health', l.healthPort],
  ] as const) {
    if (await isPortOpen(l.host, port)) {
      throw new InfraError('INFRA_PORT_IN_USE', `the trace viewer's ${what} port ${l.host}:${port} is taken by another program`, { port });
    }
  }

  await mkdir(dirname(l.configFile), { recursive: true });
  await writeFile(l.configFile, traceViewerConfig(l));
  const logOffset = fileSize(l.logFile);
  const out = openSync(l.logFile, 'a');
  const child = spawn(l.binary, ['--config', `file:${l.configFile}`], { stdio: ['ignore', out, out] });
  closeSync(out);
  let exited: number | null | undefined;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = code ?? (signal === null ? null : -1);
      resolve();
    }),
  );
  const stop = async () => {
    if (exited === undefined) child.kill('SIGTERM');
    await Promise.race([gone, sleep(10_000).then(() => child.kill('SIGKILL'))]);
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await healthy(l))) {
    if (exited !== undefined) {
      throw new InfraError('INFRA_PROCESS_EXITED', `the trace viewer exited (${exited}) during start; ${l.logFile}:\n${logExcerpt(l.logFile, logOffset)}`, {
        logFile: l.logFile,
      });
    }
    if (Date.now() > deadline) {
      await stop();
      throw new InfraError(
        'INFRA_START_TIMEOUT',
        `the trace viewer was not healthy within ${START_TIMEOUT_MS / 1000} s; ${l.logFile}:\n${logExcerpt(l.logFile, logOffset)}`,
        { logFile: l.logFile },
      );
    }
    await sleep(200);
  }
  log(`trace viewer (Jaeger) pid ${child.pid}: OTLP ${otlpEndpoint}, UI and API ${queryUrl}, log ${l.logFile}`);
  return { state: 'started', otlpEndpoint, queryUrl, ...(child.pid !== undefined ? { pid: child.pid } : {}), logFile: l.logFile, stop };
}

async function healthy(l: TraceViewerLayout): Promise<boolean> {
  try {
    const res = await fetch(`http://${l.host}:${l.healthPort}/status`, { signal: AbortSignal.timeout(1_000) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}
