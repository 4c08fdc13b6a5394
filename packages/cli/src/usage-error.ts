import { defineErrors } from '@wabus/errors';

/** The CLI's own code; every other error it prints is its command's (`code: message`, exit code 1). */
export const CLI_ERRORS = {
  WABUS_CLI_USAGE: { message: 'invalid command line' },
} as const;

/** A mistake in the command line: printed with the command's usage, exit code 2. */
export class UsageError extends defineErrors('UsageError', CLI_ERRORS) {
  constructor(message: string) {
    super('WABUS_CLI_USAGE', { message });
  }
}

export function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) <= 0) throw new UsageError(`${flag} expects a positive integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

export function fraction(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`${flag} expects a number from 0 to 1, got ${JSON.stringify(value)}`);
  return n;
}

/** Durations such as `30s`, `2m`, `500ms` or plain seconds. */
export function duration(value: string | undefined, flag: string, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw new UsageError(`${flag} expects a duration such as 30s, 2m or 500ms, got ${JSON.stringify(value)}`);
  const unit = m[2] ?? 's';
  return Math.round(Number(m[1]) * (unit === 'ms' ? 1 : unit === 's' ? 1_000 : unit === 'm' ? 60_000 : 3_600_000));
}
