import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from './errors.ts';

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
}

/** Runs a tool to completion, stdout and stderr interleaved into `output`. Missing tool → INFRA_TOOL_MISSING. */
export function runCommand(file: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') {
        reject(new InfraError('INFRA_TOOL_MISSING', `${file} not found on PATH (needed by infra/)`, { file }, { cause: err }));
      } else {
        reject(err);
      }
    });
    child.once('close', (code, signal) => {
      resolvePromise({ code, signal, output: Buffer.concat(chunks).toString('utf8') });
    });
  });
}

/** The last `lines` lines of a tool's output, for error messages. */
export function tail(text: string, lines = 20): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** `$JAVA_HOME/bin/<tool>` when JAVA_HOME is set, else the tool on PATH. */
export function jdkTool(tool: 'java' | 'javac', env: NodeJS.ProcessEnv = process.env): string {
  return env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', tool) : tool;
}

/** Whether `file` exists and may be run: a cached tool is there. */
export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
