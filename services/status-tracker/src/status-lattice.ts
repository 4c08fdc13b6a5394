import type { AsOf, HistoryEntry, StatusError } from './status-document.ts';
import { rankOf } from './status-rank.ts';

// Join operations: each is commutative, associative and idempotent, so a document built with them depends only on
// the set of facts merged into it, never on their order or on how often each came. Every comparison below is a
// total order on distinct values (code-unit string order, null first), so no tie is ever broken by arrival.

export function compareNullable<T extends string | number>(a: T | null, b: T | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/** The least non-null value (null is "not known", the identity). */
export function least<T extends string>(a: T | null, b: T | null): T | null {
  if (a === null) return b;
  if (b === null) return a;
  return a <= b ? a : b;
}

/** Sorted, distinct union of a set and one more value (null adds nothing). */
export function withValue(set: readonly string[], value: string | null): string[] {
  const all = value === null || set.includes(value) ? [...set] : [...set, value];
  return all.sort((a, b) => compareNullable(a, b));
}

/** Of two infos, the one that came with the latest status by (timestamp, rank); their content breaks a tie. */
export function latest<T extends { asOf: AsOf }>(a: T | null, b: T | null): T | null {
  if (a === null) return b;
  if (b === null) return a;
  const c =
    compareNullable(a.asOf.timestamp, b.asOf.timestamp) ||
    rankOf(a.asOf.status) - rankOf(b.asOf.status) ||
    compareNullable(a.asOf.status, b.asOf.status) ||
    compareNullable(JSON.stringify(a), JSON.stringify(b));
  return c >= 0 ? a : b;
}

export const normalizeError = (e: StatusError): StatusError => ({ code: e.code, title: e.title, message: e.message, details: e.details, href: e.href });

/** Distinct errors (by content) sorted by code, then content. */
export function errorUnion(...lists: readonly (readonly StatusError[])[]): StatusError[] {
  const byText = new Map<string, StatusError>();
  for (const list of lists) {
    for (const e of list) {
      const n = normalizeError(e);
      byText.set(JSON.stringify(n), n);
    }
  }
  return [...byText].sort(([ta, a], [tb, b]) => compareNullable(a.code, b.code) || compareNullable(ta, tb)).map(([, e]) => e);
}

const sameFact = (a: HistoryEntry, b: HistoryEntry) => a.status === b.status && a.timestamp === b.timestamp && a.participant === b.participant;

export const compareEntries = (a: HistoryEntry, b: HistoryEntry): number =>
  compareNullable(a.timestamp, b.timestamp) ||
  rankOf(a.status) - rankOf(b.status) ||
  compareNullable(a.status, b.status) ||
  compareNullable(a.participant, b.participant);

/** Adds a fact to the history: the same (status, timestamp, participant) once, with the union of its errors. */
export function withEntry(history: readonly HistoryEntry[], entry: HistoryEntry): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  let merged = false;
  for (const h of history) {
    if (sameFact(h, entry)) {
      out.push({ status: h.status, timestamp: h.timestamp, participant: h.participant, errors: errorUnion(h.errors, entry.errors) });
      merged = true;
    } else {
      out.push({ status: h.status, timestamp: h.timestamp, participant: h.participant, errors: errorUnion(h.errors) });
    }
  }
  if (!merged) out.push({ ...entry, errors: errorUnion(entry.errors) });
  return out.sort(compareEntries);
}
