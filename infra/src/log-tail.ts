import { closeSync, openSync, readSync, statSync } from 'node:fs';

/** Size of `file` now (0 if missing): read the log from here on to see only this start's lines. */
export function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Text of `file` from byte `offset`, at most `maxBytes` (the end is kept). */
export function readFrom(file: string, offset: number, maxBytes = 256 * 1024): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const size = statSync(file).size;
    const start = Math.max(offset, size - maxBytes);
    const buffer = Buffer.alloc(Math.max(0, size - start));
    readSync(fd, buffer, 0, buffer.length, start);
    return buffer.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

const STACK_FRAME = /^\s+(at |\.\.\. \d+ more)/;

/**
 * The last `lines` lines of `file` written since `offset`, Java stack frames left out (the "Caused by:" lines
 * stay), indented for an error message.
 */
export function logExcerpt(file: string, offset: number, lines = 20): string {
  const text = readFrom(file, offset, 256 * 1024).trimEnd();
  if (text === '') return '  (log is empty)';
  return text
    .split('\n')
    .filter((line) => !STACK_FRAME.test(line))
    .slice(-lines)
    .map((line) => `  | ${line.length > 300 ? `${line.slice(0, 300)}…` : line}`)
    .join('\n');
}
