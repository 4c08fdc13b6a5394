import type { Collection } from 'mongodb';
import { SEND_STATES, type SendEntry, type SendState } from './send-ledger.ts';

/**
 * `?state=pending|sent|failed|unknown&limit=` of a ledger's list route (auto-reply's outbox, the sender's sends);
 * `bad(param, message)` makes the service's own coded 400.
 */
export function parseLedgerQuery(q: Record<string, unknown>, bad: (param: string, message: string) => Error): { state: SendState | null; limit: number } {
  const state = q['state'];
  if (state !== undefined && !(SEND_STATES as readonly unknown[]).includes(state)) throw bad('state', `state: one of ${SEND_STATES.join(', ')}`);
  const raw = q['limit'] ?? '50';
  const limit = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= 500)) throw bad('limit', 'limit: an integer from 1 to 500');
  return { state: (state as SendState | undefined) ?? null, limit };
}

/** Newest first, with the count of all entries in that state: how `unknown` sends are surfaced for a person. */
export async function listLedger<E extends SendEntry & { createdAt: Date }>(
  ledger: Collection<E>,
  q: { state: SendState | null; limit: number },
): Promise<{ state: SendState | null; count: number; entries: E[] }> {
  const c = ledger as unknown as Collection<SendEntry & { createdAt: Date }>;
  const filter = q.state === null ? {} : { state: q.state };
  const [entries, count] = await Promise.all([c.find(filter).sort({ createdAt: -1 }).limit(q.limit).toArray(), c.countDocuments(filter)]);
  return { state: q.state, count, entries: entries as E[] };
}
