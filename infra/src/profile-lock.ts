import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { InfraError } from './errors.ts';
import { readPidFile } from './process-control.ts';

function isStale(lockFile: string): boolean {
  const pid = readPidFile(lockFile);
  if (pid === undefined) {
    // Empty: a holder between open and write, or one that died right there.
    try {
      return Date.now() - statSync(lockFile).mtimeMs > 10_000;
    } catch {
      return true;
    }
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

/**
 * Runs `fn` while holding `lockFile` (created with O_EXCL, holding our pid), so that two processes starting or
 * stopping the same profile at once do not both spawn a broker. A lock left by a dead process is taken over.
 */
export async function withProfileLock<T>(lockFile: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  await mkdir(dirname(lockFile), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (isStale(lockFile)) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (Date.now() >= deadline) {
        throw new InfraError('INFRA_LOCK_TIMEOUT', `timed out waiting for ${lockFile} (held by another wabus process)`, {
          lockFile,
        });
      }
      await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockFile, { force: true });
  }
}
