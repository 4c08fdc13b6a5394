import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { InfraError } from './errors.ts';
import type { MongoArtifacts } from './infra-artifacts.ts';
import { jdkTool, runCommand, tail } from './run-command.ts';
import type { LogFn } from './types.ts';

/** Compiles infra/mongo/WabusMongoServer.java once per (pom, source) hash into `artifacts.classesDir`. */
export async function compileMongoMain(artifacts: MongoArtifacts, log: LogFn, env: NodeJS.ProcessEnv = process.env): Promise<{ compiled: boolean }> {
  const classFile = join(artifacts.classesDir, `${artifacts.mainClass}.class`);
  if (existsSync(classFile)) return { compiled: false };

  const staging = `${artifacts.classesDir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(staging, { recursive: true });
  log(`compiling ${artifacts.sourceFile}`);
  const result = await runCommand(jdkTool('javac', env), ['--release', '17', '-d', staging, '-cp', join(artifacts.libsDir, '*'), artifacts.sourceFile], {
    env,
  });
  if (result.code !== 0) {
    await rm(staging, { recursive: true, force: true });
    throw new InfraError('INFRA_COMPILE_FAILED', `javac failed for ${artifacts.sourceFile}:\n${tail(result.output)}`, { sourceFile: artifacts.sourceFile });
  }
  try {
    await rename(staging, artifacts.classesDir);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(classFile)) throw err;
  }
  return { compiled: true };
}
