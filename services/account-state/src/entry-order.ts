import type { Detail, HistoryEntry } from './account-fact.ts';

// The join every entity is built with. History is a set of entries keyed by event id (union); each aspect of the
// state is the greatest of its entries under a total order (max). Union and max are commutative, associative and
// idempotent, so an entity depends only on the set of events it was given: not their order, not how often each came.

/** Ties at equal Meta time: the higher rank wins (per entity: e.g. a template that is not approved over one that is). */
export type Rank = (entry: HistoryEntry) => number;

/** Numbers and strings in their natural order (strings by code unit), null before any value. */
export function compareScalars(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/** Which of two entries is later: Meta's time, then the rank, then the value, then the event id (never equal for two events). */
export const compareEntries = (a: HistoryEntry, b: HistoryEntry, rank: Rank): number =>
  compareScalars(a.timestamp, b.timestamp) || rank(a) - rank(b) || compareScalars(a.value, b.value) || compareScalars(a.eventId, b.eventId);

/** Rebuilt key by key, so an entry read back from the store has the key order of one built from an event. */
function entryOf(e: HistoryEntry): HistoryEntry {
  return { eventId: e.eventId, field: e.field, timestamp: e.timestamp, wabaId: e.wabaId, aspect: e.aspect, value: e.value, detail: { ...e.detail } };
}

/** History plus one entry (or none), once per event id, in (Meta time, event id) order. An id already there changes nothing. */
export function withEntry(history: readonly HistoryEntry[], entry: HistoryEntry | null): HistoryEntry[] {
  const all = entry === null || history.some((h) => h.eventId === entry.eventId) ? history.map(entryOf) : [...history.map(entryOf), entryOf(entry)];
  return all.sort((a, b) => compareScalars(a.timestamp, b.timestamp) || compareScalars(a.eventId, b.eventId));
}

/** What the state shows of the latest entry of an aspect. */
export interface AspectState {
  value: string | null;
  /** Meta's time of the event that set it. */
  timestamp: number | null;
  eventId: string;
  field: string;
  detail: Detail;
}

/** The latest entry of an aspect in a history, as state; null when none set it. */
export function latestOf(history: readonly HistoryEntry[], aspect: string, rank: Rank): AspectState | null {
  let best: HistoryEntry | null = null;
  for (const h of history) if (h.aspect === aspect && (best === null || compareEntries(h, best, rank) > 0)) best = h;
  return best === null ? null : { value: best.value, timestamp: best.timestamp, eventId: best.eventId, field: best.field, detail: { ...best.detail } };
}

/** The aspects of a history whose name starts with `prefix`, each its latest, by aspect name. */
export function latestByPrefix(history: readonly HistoryEntry[], prefix: string, rank: Rank): (AspectState & { aspect: string })[] {
  const names = [...new Set(history.map((h) => h.aspect).filter((a): a is string => a !== null && a.startsWith(prefix)))].sort(compareScalars);
  return names.map((aspect) => ({ aspect, ...latestOf(history, aspect, rank)! }));
}

/** The least non-null of two values (null: not known). Any fixed choice would do; arrival order may not decide. */
export function least(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a <= b ? a : b;
}

/** Meta's time of the latest event in a (sorted) history. */
export const lastTimestamp = (history: readonly HistoryEntry[]): number | null => history.at(-1)?.timestamp ?? null;

/** Is `a` at least as late as `b` by Meta's time (null: not set)? */
export const notOlder = (a: AspectState | null, b: AspectState | null): boolean => a !== null && (b === null || compareScalars(a.timestamp, b.timestamp) >= 0);
