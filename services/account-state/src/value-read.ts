import type { JsonValue } from '@wabus/events';
import type { Scalar } from './account-fact.ts';

/**
 * Longest string kept from an event. Meta's values are short (names, codes, a sentence of description); a hostile or
 * broken body may carry megabytes, and an entity keeps every event: bounded strings keep a document far below the
 * store's 16 MB whatever arrives.
 */
export const MAX_TEXT = 512;

export type JsonObject = { [key: string]: JsonValue };

export const asObject = (v: JsonValue | undefined): JsonObject | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? v : null);

/** A string, or a number as its digits (ids: 64-bit ids stay digits, packages/events/json-value.ts), bounded. */
export function text(v: JsonValue | undefined): string | null {
  // Well-formed, as the store gives strings back (a lone surrogate becomes U+FFFD): a value compares the same before
  // and after a round trip, so ties break alike in every replica and replay.
  if (typeof v === 'string') return wellFormed(v.length > MAX_TEXT ? `${v.slice(0, MAX_TEXT)}…` : v);
  if (typeof v === 'number') return String(v);
  return null;
}

/** A finite number; a string of digits too (Meta writes some counts as strings). */
export function count(v: JsonValue | undefined): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d{1,15}$/.test(v)) return Number(v);
  return null;
}

/** Unix seconds from an integer, a digit string or an ISO 8601 date-time (expirations come in both forms). */
export function seconds(v: JsonValue | undefined): number | null {
  const n = count(v);
  if (n !== null) return Math.floor(n);
  if (typeof v !== 'string' || !/^\d{4}-\d\d-\d\dT/.test(v)) return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : Math.floor(ms / 1000);
}

/** The first string of a value that should be one but was seen as a one-element array (`["DISABLE"]`). */
export const firstText = (v: JsonValue | undefined): string | null => (Array.isArray(v) ? text(v[0]) : text(v));

/** The scalar fields of an object under fixed output names, in the given order (absent → null). */
export function pick(o: JsonObject | null, names: Readonly<Record<string, string>>): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const [to, from] of Object.entries(names)) out[to] = text(o?.[from]);
  return out;
}

/** A business number's display number as digits only (`+1 555-078-3881` and `15550783881` are one number). */
export const displayDigits = (v: JsonValue | undefined): string | null => {
  const t = text(v);
  const digits = t?.replace(/\D/g, '') ?? '';
  return digits.length > 0 && digits.length <= 20 ? digits : null;
};

const wellFormed = (s: string): string => (s as string & { toWellFormed(): string }).toWellFormed();
