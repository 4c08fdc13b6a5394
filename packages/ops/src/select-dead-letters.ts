import { statusOf, type DeadLetterStatus, type Ledger } from './action-ledger.ts';
import type { DeadLetter } from './dead-letters.ts';
import { OpsError } from './errors.ts';

/** `--offset N` (any partition of the dead-letter topic) or `--offset P/N`. */
export interface OffsetRef {
  partition: number | null;
  offset: string;
}

export function parseOffsetRef(text: string): OffsetRef {
  const m = /^(?:(\d+)\/)?(\d+)$/.exec(text.trim());
  if (!m) throw new OpsError('WABUS_OPS_BAD_OFFSET', { message: `offset ${JSON.stringify(text)} is not N or <partition>/N (non-negative integers)` });
  return { partition: m[1] === undefined ? null : Number(m[1]), offset: BigInt(m[2]!).toString() };
}

const refText = (r: OffsetRef) => (r.partition === null ? r.offset : `${r.partition}/${r.offset}`);

/** Which dead letters an operation is about; filters combine with AND. */
export interface DeadLetterSelector {
  offsets?: readonly OffsetRef[];
  code?: string;
  eventId?: string;
  /** Every entry (still narrowed by the other filters). */
  all?: boolean;
}

const hasFilter = (s: DeadLetterSelector) => (s.offsets?.length ?? 0) > 0 || s.code !== undefined || s.eventId !== undefined;

/**
 * The entries the selector names. Refuses an empty selector (an operation on every entry must say `--all`), and
 * fails with WABUS_OPS_NO_MATCH when nothing matches or when an offset asked for is not in the topic.
 */
export function matchDeadLetters(entries: readonly DeadLetter[], selector: DeadLetterSelector): DeadLetter[] {
  if (!hasFilter(selector) && selector.all !== true) {
    throw new OpsError('WABUS_OPS_SELECTOR_REQUIRED');
  }
  const offsets = selector.offsets ?? [];
  if (offsets.length > 0) {
    const absent = offsets.filter((r) => !entries.some((e) => e.offset === r.offset && (r.partition === null || e.partition === r.partition)));
    if (absent.length > 0) {
      throw new OpsError('WABUS_OPS_NO_MATCH', {
        message: `no dead letter at offset ${absent.map(refText).join(', ')}`,
        details: { offsets: absent.map(refText) },
      });
    }
  }
  const matched = entries.filter(
    (e) =>
      (offsets.length === 0 || offsets.some((r) => e.offset === r.offset && (r.partition === null || e.partition === r.partition))) &&
      (selector.code === undefined || e.error.code === selector.code) &&
      (selector.eventId === undefined || e.eventId === selector.eventId),
  );
  if (matched.length === 0) {
    const what = [
      selector.code !== undefined ? `code ${selector.code}` : null,
      selector.eventId !== undefined ? `event id ${selector.eventId}` : null,
      offsets.length > 0 ? `offset ${offsets.map(refText).join(', ')}` : null,
    ]
      .filter(Boolean)
      .join(' and ');
    throw new OpsError('WABUS_OPS_NO_MATCH', { message: entries.length === 0 ? 'the dead-letter topic is empty' : `no dead letter with ${what}` });
  }
  return matched;
}

export interface Selection {
  /** What the operation acts on. */
  chosen: DeadLetter[];
  /** Matched, but already acted upon (and not allowed again). */
  skipped: { entry: DeadLetter; status: DeadLetterStatus }[];
}

/** Matched entries split by whether `actionable(status)` allows acting on them. */
export function selectDeadLetters(
  entries: readonly DeadLetter[],
  ledger: Ledger,
  selector: DeadLetterSelector,
  actionable: (s: DeadLetterStatus) => boolean,
): Selection {
  const chosen: DeadLetter[] = [];
  const skipped: Selection['skipped'] = [];
  for (const entry of matchDeadLetters(entries, selector)) {
    const status = statusOf(ledger, entry.id);
    if (actionable(status)) chosen.push(entry);
    else skipped.push({ entry, status });
  }
  return { chosen, skipped };
}
