import { statusOf, type Ledger } from './action-ledger.ts';
import type { DeadLetter } from './dead-letters.ts';

export interface StatusCounts {
  total: number;
  pending: number;
  redriven: number;
  discarded: number;
}

export interface ConsumerSummary extends StatusCounts {
  consumer: string;
  dlqTopic: string;
  /** Per error code, most entries first. */
  codes: ({ code: string } & StatusCounts)[];
}

const zero = (): StatusCounts => ({ total: 0, pending: 0, redriven: 0, discarded: 0 });

/** Counts per consumer (its dead-letter topic) and error code: total, and how many are pending, re-driven, discarded. */
export function summarizeDeadLetters(
  consumers: readonly { consumer: string; dlqTopic: string }[],
  entries: readonly DeadLetter[],
  ledger: Ledger,
): ConsumerSummary[] {
  return consumers.map(({ consumer, dlqTopic }) => {
    const total = zero();
    const byCode = new Map<string, StatusCounts>();
    for (const e of entries) {
      if (e.dlqTopic !== dlqTopic) continue;
      const status = statusOf(ledger, e.id);
      let c = byCode.get(e.error.code);
      if (!c) byCode.set(e.error.code, (c = zero()));
      for (const counts of [total, c]) {
        counts.total++;
        counts[status]++;
      }
    }
    const codes = [...byCode].map(([code, c]) => ({ code, ...c })).sort((a, b) => b.total - a.total || a.code.localeCompare(b.code));
    return { consumer, dlqTopic, ...total, codes };
  });
}
