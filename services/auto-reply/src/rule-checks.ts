/** Small checkers for the rules file: each returns the value when valid, else reports a problem and returns undefined. */

export type Report = (field: string, message: string) => void;

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Meta counts characters, not UTF-16 units. */
export const chars = (s: string): number => [...s].length;

const join = (prefix: string, key: string) => (prefix === '' ? key : `${prefix}.${key}`);

export function onlyKeys(report: Report, prefix: string, obj: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) report(join(prefix, k), `unknown field (expected one of ${allowed.join(', ')})`);
}

export function text(report: Report, field: string, v: unknown, o: { max: number; optional?: boolean }): string | undefined {
  if (v === undefined && o.optional) return undefined;
  if (typeof v !== 'string' || v.trim() === '') return void report(field, `${o.optional ? 'when given, ' : 'required, '}a non-empty string`);
  if (chars(v) > o.max) return void report(field, `at most ${o.max} characters, got ${chars(v)}`);
  return v;
}

export function bool(report: Report, field: string, v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') return void report(field, 'true or false');
  return v;
}

export function stringList(report: Report, field: string, v: unknown, o: { max?: number } = {}): string[] | undefined {
  if (!Array.isArray(v) || v.length === 0) return void report(field, 'a non-empty array of non-empty strings');
  const out: string[] = [];
  v.forEach((item, i) => {
    const s = text(report, `${field}[${i}]`, item, { max: o.max ?? 4096 });
    if (s !== undefined) out.push(s);
  });
  return out.length === v.length ? out : undefined;
}

export function array(report: Report, field: string, v: unknown, o: { min: number; max: number }): unknown[] | undefined {
  if (!Array.isArray(v)) return void report(field, `an array of ${o.min} to ${o.max} items`);
  if (v.length < o.min || v.length > o.max) return void report(field, `${o.min} to ${o.max} items, got ${v.length}`);
  return v;
}

export function unique(report: Report, field: string, values: readonly string[]): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) report(field, `${JSON.stringify(v)} appears twice`);
    seen.add(v);
  }
}
