import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { installGoTool } from './go-build.ts';
import { freePort, isPortOpen } from './port-probe.ts';
import { terminateProcess } from './process-control.ts';
import { resolveCacheDir } from './profile-layout.ts';
import type { LogFn, ToolInstall } from './types.ts';

/**
 * The S3-compatible server the tests store media in: gofakes3 (github.com/johannesboyne/gofakes3, MIT), its own
 * `cmd/gofakes3`, built from the Go module proxy like Jaeger and helm. Chosen over SeaweedFS (Apache-2.0, also served
 * by the proxy) for what a test server needs: one small module that builds in about 15 s on the 2-core machine
 * against minutes, one process, path-style buckets, multipart uploads, ranged reads, and a filesystem backend so
 * that 100 MB objects stay on disk. MinIO's server is AGPL: not used. docs/consumers/media-store.md.
 */
export const GOFAKES3_MODULE = 'github.com/johannesboyne/gofakes3';
export const GOFAKES3_VERSION = 'v1.2.0';

export const s3ServerBinary = (env: NodeJS.ProcessEnv = process.env): string => join(resolveCacheDir(env), `gofakes3-${GOFAKES3_VERSION}`, 'gofakes3');

/** Builds gofakes3 into the cache, once (`installGoTool`: static, renamed into place, serialised by a lock). */
export function installS3Server(opts: { log?: LogFn; env?: NodeJS.ProcessEnv } = {}): Promise<ToolInstall> {
  return installGoTool(
    {
      what: `gofakes3 ${GOFAKES3_VERSION} (the S3-compatible test server)`,
      module: GOFAKES3_MODULE,
      version: GOFAKES3_VERSION,
      toolVersion: GOFAKES3_VERSION,
      pkg: './cmd/gofakes3',
      ldflags: '-s -w',
      binary: s3ServerBinary(opts.env ?? process.env),
    },
    opts,
  );
}

export interface S3Server {
  /** `http://127.0.0.1:<port>`: path-style, any credentials, region us-east-1. */
  endpoint: string;
  bucket: string;
  /** Where the objects live on disk. */
  dir: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * An S3-compatible server of its own for one test file: gofakes3 (built first if needed) on a free loopback port,
 * its filesystem backend in a temporary directory, one bucket created. Ready when it answers HTTP. A child of the
 * calling process; `stop` ends it (SIGTERM, SIGKILL after 5 s) and removes the directory.
 */
export async function startS3Server(opts: { bucket?: string; env?: NodeJS.ProcessEnv; log?: LogFn } = {}): Promise<S3Server> {
  const env = opts.env ?? process.env;
  const { binary } = await installS3Server({ env, ...(opts.log ? { log: opts.log } : {}) });
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'wabus-s3-'));
  const bucket = opts.bucket ?? 'wabus-media';
  const args = ['-host', `127.0.0.1:${port}`, '-backend', 'fs', '-fs.path', dir, '-fs.create', '-initialbucket', bucket, '-quiet'];
  const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => void (stderr = (stderr + c.toString('utf8')).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (!(
    (await isPortOpen('127.0.0.1', port)) &&
    (await fetch(`${endpoint}/${bucket}`).then(
      (r) => r.status < 500,
      () => false,
    ))
  )) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw new Error(`gofakes3 ${child.exitCode !== null ? `exited with ${child.exitCode}` : 'did not answer within 20 s'}:\n${stderr}`);
    }
    await sleep(50);
  }
  return {
    endpoint,
    bucket,
    dir,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        await terminateProcess(child.pid!, dir, 5_000);
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
