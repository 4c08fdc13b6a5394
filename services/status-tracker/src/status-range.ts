import { StatusTrackerError } from './errors.ts';

/** A business number and a half-open range [from, to) of first-seen times, in unix seconds (either end open). */
export interface StatusRange {
  phoneNumberId: string;
  from: number | null;
  to: number | null;
}

const UNIX_SECONDS = /^\d{1,12}$/;
// A date, or a date-time WITH its offset: a time without one would depend on the server's time zone.
const ISO = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

const bad = (param: string, message: string) => new StatusTrackerError('WABUS_STATUS_TRACKER_BAD_PARAM', { param, message: `${param}: ${message}` });

function single(query: Record<string, unknown>, name: string): string | null {
  const v = query[name];
  if (v === undefined) return null;
  if (typeof v !== 'string') throw bad(name, 'must be given once');
  return v;
}

/** `from` / `to`: unix seconds, or ISO 8601 (a date, or a date-time with Z or an offset). */
export function parseTime(param: string, value: string): number {
  if (UNIX_SECONDS.test(value)) return Number(value);
  const ms = ISO.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw bad(param, `expected unix seconds or an ISO 8601 date/date-time with offset, got ${JSON.stringify(value.slice(0, 40))}`);
  return ms / 1000;
}

/** Validates `?phone_number_id=&from=&to=`; throws WABUS_STATUS_TRACKER_BAD_PARAM naming the parameter. */
export function parseStatusRange(query: Record<string, unknown>): StatusRange {
  const phoneNumberId = single(query, 'phone_number_id');
  if (phoneNumberId === null || phoneNumberId.trim() === '') throw bad('phone_number_id', 'is required');
  if (phoneNumberId.length > 64) throw bad('phone_number_id', 'is longer than 64 characters');
  const fromText = single(query, 'from');
  const toText = single(query, 'to');
  const from = fromText === null ? null : parseTime('from', fromText);
  const to = toText === null ? null : parseTime('to', toText);
  if (from !== null && to !== null && from > to) throw bad('from', 'must not be after to');
  return { phoneNumberId, from, to };
}

export const isoOrNull = (seconds: number | null): string | null => (seconds === null ? null : new Date(seconds * 1000).toISOString());
