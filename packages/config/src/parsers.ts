import { ConfigError } from './errors.ts';

export const str = (raw: string): string => raw;

export function int(min: number, max: number) {
  return (raw: string, env: string): number => {
    if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(env, `expected an integer, got ${JSON.stringify(raw)}`);
    const n = Number(raw);
    if (n < min || n > max) throw new ConfigError(env, `expected an integer from ${min} to ${max}, got ${n}`);
    return n;
  };
}

export function bool(raw: string, env: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(env, `expected true or false, got ${JSON.stringify(raw)}`);
}

export function list(raw: string, env: string): string[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0) throw new ConfigError(env, 'expected a comma-separated list with at least one item');
  return items;
}

export function oneOf<const T extends string>(...values: T[]) {
  return (raw: string, env: string): T => {
    if ((values as string[]).includes(raw)) return raw as T;
    throw new ConfigError(env, `expected one of ${values.join(', ')}, got ${JSON.stringify(raw)}`);
  };
}

/** Sizes such as `3mb`, `512kb` or a plain byte count. */
export function bytes(raw: string, env: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(raw.trim());
  if (!m) throw new ConfigError(env, `expected a size such as 3mb or 1048576, got ${JSON.stringify(raw)}`);
  const unit = (m[2] ?? 'b').toLowerCase();
  const mult = unit === 'gb' ? 1024 ** 3 : unit === 'mb' ? 1024 ** 2 : unit === 'kb' ? 1024 : 1;
  return Math.floor(Number(m[1]) * mult);
}
