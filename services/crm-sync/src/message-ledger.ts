import type { Collection } from 'mongodb';
import type { LedgerEntry } from './contact-facts.ts';

export const LEDGER_COLLECTION = 'message_ledger';

/** One message id seen in a conversation: `_id` is the wamid, so a redelivery or replay inserts nothing. */
export interface LedgerDocument {
  _id: string;
  /** Contact id, business phone number id, direction. */
  c: string;
  p: string;
  d: 'in' | 'out';
}

export interface ConversationCounts {
  inbound: number;
  outbound: number;
}

export const conversationKey = (contactId: string, phoneNumberId: string): string => `${contactId}\u0000${phoneNumberId}`;

export async function ensureLedgerIndexes(ledger: Collection<LedgerDocument>): Promise<void> {
  await ledger.createIndex({ c: 1, p: 1, d: 1 }, { name: 'conversation' });
}

/**
 * Records message ids, each once (insert-only, duplicates ignored). Counts taken afterwards are exact whatever was
 * redelivered, and they only grow: a count is a fact the fold can join with `max`, so a crash between recording
 * and folding loses nothing (the next run counts again, at least as many).
 */
export async function recordMessages(ledger: Collection<LedgerDocument>, entries: readonly LedgerEntry[]): Promise<void> {
  const docs = new Map<string, LedgerDocument>();
  for (const e of entries) docs.set(e.messageId, { _id: e.messageId, c: e.contactId, p: e.phoneNumberId, d: e.direction });
  if (docs.size === 0) return;
  try {
    await ledger.insertMany([...docs.values()], { ordered: false });
  } catch (err) {
    const raw = (err as { writeErrors?: { code?: number } | { code?: number }[] }).writeErrors;
    const writeErrors = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    if (writeErrors.length === 0 || writeErrors.some((w) => w.code !== 11000)) throw err;
  }
}

/**
 * Distinct message ids per conversation, for the given conversations (contact, business number). A contact's
 * messages are recorded under whichever id each event named (`idsOf`: every id of its person), and summed: a
 * message id is in the ledger once, so no message counts twice, and a business number belongs to one tenant.
 */
export async function countConversations(
  ledger: Collection<LedgerDocument>,
  keys: ReadonlySet<string>,
  idsOf: (contactId: string) => readonly string[],
): Promise<Map<string, ConversationCounts>> {
  const counts = new Map<string, ConversationCounts>();
  if (keys.size === 0) return counts;
  const contactOfId = new Map<string, string[]>();
  for (const contact of new Set([...keys].map((k) => k.split('\u0000')[0]!))) {
    for (const id of idsOf(contact)) contactOfId.set(id, [...(contactOfId.get(id) ?? []), contact]);
  }
  const rows = await ledger
    .aggregate<{ _id: { c: string; p: string; d: 'in' | 'out' }; n: number }>([
      { $match: { c: { $in: [...contactOfId.keys()] } } },
      { $group: { _id: { c: '$c', p: '$p', d: '$d' }, n: { $sum: 1 } } },
    ])
    .toArray();
  for (const { _id, n } of rows) {
    for (const contact of contactOfId.get(_id.c) ?? []) {
      const key = conversationKey(contact, _id.p);
      if (!keys.has(key)) continue;
      const c = counts.get(key) ?? { inbound: 0, outbound: 0 };
      if (_id.d === 'in') c.inbound += n;
      else c.outbound += n;
      counts.set(key, c);
    }
  }
  return counts;
}
