import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError } from './errors.ts';
import { installGoTool } from './go-build.ts';
import { freePort, isPortOpen } from './port-probe.ts';
import { terminateProcess } from './process-control.ts';
import { resolveCacheDir } from './profile-layout.ts';
import type { LogFn, ToolInstall } from './types.ts';

/**
 * The S3-compatible servers the tests store media in, both built from the Go module proxy like Jaeger and helm
 * (docs/consumers/media-store.md):
 * - gofakes3 (github.com/johannesboyne/gofakes3, MIT), its own `cmd/gofakes3`: the default. One small module that
 *   builds in about 15 s on the 2-core machine, one process, path-style buckets, multipart uploads, ranged reads, a
 *   filesystem backend so that 100 MB objects stay on disk.
 * - SeaweedFS (github.com/seaweedfs/seaweedfs, Apache-2.0), `weed mini`: a real distributed store (master, volume,
 *   filer and S3 gateway in one process), chosen with WABUS_TEST_S3=seaweedfs. Its build took 7 min 45 s here (one
 *   compile job at a time, modules downloaded), a 164 MB binary.
 * MinIO's server is AGPL: not used.
 */
export type S3ServerKind = 'gofakes3' | 'seaweedfs';
export const S3_SERVER_KINDS: readonly S3ServerKind[] = ['gofakes3', 'seaweedfs'];
export const GOFAKES3_MODULE = 'github.com/johannesboyne/gofakes3';
export const GOFAKES3_VERSION = 'v1.2.0';
export const SEAWEEDFS_MODULE = 'github.com/seaweedfs/seaweedfs';
export const SEAWEEDFS_VERSION = 'v0.0.0-20261109003541-7506e5f91cd6';

export function s3ServerBinary(kind: S3ServerKind, env: NodeJS.ProcessEnv = process.env): string {
  return kind === 'gofakes3'
    ? join(resolveCacheDir(env), `gofakes3-${GOFAKES3_VERSION}`, 'gofakes3')
    : join(resolveCacheDir(env), `seaweedfs-${SEAWEEDFS_VERSION}`, 'weed');
}

/** The server tests get: `WABUS_TEST_S3` (gofakes3 unless it says seaweedfs). */
export function testS3Server(env: NodeJS.ProcessEnv = process.env): S3ServerKind {
  const value = env['WABUS_TEST_S3'] || 'gofakes3';
  const kind = S3_SERVER_KINDS.find((k) => k === value);
  if (kind !== undefined) return kind;
  throw new InfraError('INFRA_BAD_SETTING', `WABUS_TEST_S3 must be ${S3_SERVER_KINDS.join(' or ')}, got ${JSON.stringify(value)}`, {
    variable: 'WABUS_TEST_S3',
  });
}

/** Builds the server into the cache, once (`installGoTool`: static, renamed into place, serialised by a lock). */
export function installS3Server(opts: { kind?: S3ServerKind; log?: LogFn; env?: NodeJS.ProcessEnv } = {}): Promise<ToolInstall> {
  const env = opts.env ?? process.env;
  const kind = opts.kind ?? testS3Server(env);
  const tool =
    kind === 'gofakes3'
      ? { what: `gofakes3 ${GOFAKES3_VERSION} (the S3-compatible test server)`, module: GOFAKES3_MODULE, version: GOFAKES3_VERSION, pkg: './cmd/gofakes3' }
      : { what: `SeaweedFS ${SEAWEEDFS_VERSION} (the S3-compatible test server)`, module: SEAWEEDFS_MODULE, version: SEAWEEDFS_VERSION, pkg: './weed' };
  return installGoTool(
    { ...tool, toolVersion: tool.version, ldflags: '-s -w', binary: s3ServerBinary(kind, env) },
    { env, ...(opts.log ? { log: opts.log } : {}) },
  );
}

/** The server's command line: loopback, free ports, its data in `dir`, the bucket created at start. */
async function serverArgs(kind: S3ServerKind, dir: string, bucket: string): Promise<{ args: string[]; port: number }> {
  const port = await freePort();
  if (kind === 'gofakes3')
    return { port, args: ['-host', `127.0.0.1:${port}`, '-backend', 'fs', '-fs.path', dir, '-fs.create', '-initialbucket', bucket, '-quiet'] };
  // Every port named (a gRPC port defaults to its HTTP port + 10000, which may be taken or out of range); the admin
  // UI, WebDAV and the catalogs off. No credentials configured: the S3 gateway accepts any.
  const ports: string[] = [];
  for (const name of [
    'master.port',
    'master.port.grpc',
    'volume.port',
    'volume.port.grpc',
    'filer.port',
    'filer.port.grpc',
    's3.port.grpc',
    'admin.port',
    'admin.port.grpc',
  ])
    ports.push(`-${name}=${await freePort()}`);
  const args = [
    'mini',
    `-dir=${dir}`,
    '-ip=127.0.0.1',
    '-ip.bind=127.0.0.1',
    `-s3.port=${port}`,
    ...ports,
    '-admin.port.legacy=0',
    '-admin.ui=false',
    '-webdav=false',
  ];
  return { port, args: [...args, '-s3.port.iceberg=0', '-s3.port.lance=0', `-bucket=${bucket}`] };
}

export interface S3Server {
  kind: S3ServerKind;
  /** `http://127.0.0.1:<port>`: path-style, any credentials, region us-east-1. */
  endpoint: string;
  bucket: string;
  /** Where the objects live on disk. */
  dir: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * An S3-compatible server of its own for one test file: `kind` (default WABUS_TEST_S3, else gofakes3; built first if
 * needed) on free loopback ports, its data in a temporary directory, one bucket created. Ready when the bucket
 * answers HTTP. A child of the calling process; `stop` ends it (SIGTERM, SIGKILL after 5 s) and removes the directory.
 */
export async function startS3Server(opts: { kind?: S3ServerKind; bucket?: string; env?: NodeJS.ProcessEnv; log?: LogFn } = {}): Promise<S3Server> {
  const env = opts.env ?? process.env;
  const kind = opts.kind ?? testS3Server(env);
  const { binary } = await installS3Server({ kind, env, ...(opts.log ? { log: opts.log } : {}) });
  const dir = await mkdtemp(join(tmpdir(), `wabus-s3-${kind}-`));
  const bucket = opts.bucket ?? 'wabus-media';
  const { args, port } = await serverArgs(kind, dir, bucket);
  const child = spawn(binary, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => void (stderr = (stderr + c.toString('utf8')).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  // Ready when an object can be written: SeaweedFS lists the bucket a second or so before it accepts writes (its
  // access rules load last). Written and removed again, unsigned (neither server has credentials configured).
  const writable = async () => {
    const probe = `${endpoint}/${bucket}/.wabus-ready`;
    const put = await fetch(probe, { method: 'PUT', body: '' }).catch(() => null);
    if (put?.status !== 200) return false;
    await fetch(probe, { method: 'DELETE' }).catch(() => null);
    return true;
  };
  while (!((await isPortOpen('127.0.0.1', port)) && (await writable()))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
      throw new Error(`${kind} ${child.exitCode !== null ? `exited with ${child.exitCode}` : 'did not answer within 60 s'}:\n${stderr}`);
    }
    await sleep(50);
  }
  return {
    kind,
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
