import { createGenContext, createRng, createWorld, generateItem, type GeneratedItem, type KindName, type Rng } from '@wabus/simulator';
import { decodeEvent } from '@wabus/events';
import { readContactFacts, type LedgerEntry } from './contact-facts.ts';
import type { ContactState } from './contact-state.ts';
import { foldContact } from './evolve-contact.ts';

/** One Kafka record as ingress would produce it. */
export interface EventRecord {
  key: string;
  value: Buffer;
  headers?: Record<string, string>;
}

const MIX: readonly [KindName, number][] = [
  ['text', 30],
  ['image', 4],
  ['button_reply', 3],
  ['location', 1],
  ['reaction', 2],
  ['contacts', 1],
  ['edit', 1],
  ['echo', 6],
  ['status_sent', 12],
  ['status_delivered', 10],
  ['status_read', 8],
  ['status_failed', 1],
  ['user_preferences', 4],
];

function pickKind(rng: Rng): KindName {
  let n = rng.int(0, MIX.reduce((s, [, w]) => s + w, 0) - 1);
  for (const [kind, w] of MIX) if ((n -= w) < 0) return kind;
  return 'text';
}

/**
 * Realistic items about `customers` WhatsApp users talking to four business numbers (so one contact is written
 * from several partitions): inbound messages of many types, echoes, statuses, marketing stop/resume. Meta's clock
 * moves 0–90 s per item, so equal timestamps (ties) happen too.
 */
export function crmWorkload(opts: { seed: string; items: number; customers?: number; startMs?: number }): GeneratedItem[] {
  const rng = createRng(opts.seed);
  const world = createWorld(rng.fork('world'), { customers: opts.customers ?? 12 });
  let clock = opts.startMs ?? Date.UTC(2025, 5, 1, 12);
  const ctx = createGenContext({ rng: rng.fork('gen'), world, now: () => clock });
  const out: GeneratedItem[] = [];
  for (let i = 0; i < opts.items; i++) {
    clock += rng.chance(0.2) ? 0 : rng.int(1, 90) * 1000;
    out.push(generateItem(ctx, pickKind(rng)));
  }
  return out;
}

/**
 * The oracle: what the CRM must end up holding, computed from the records alone: every contact's facts joined,
 * message counts as distinct message ids per conversation and direction.
 */
export function expectedContacts(records: readonly EventRecord[]): Map<string, ContactState> {
  const facts = new Map<string, ContactState[]>();
  const ledger = new Map<string, LedgerEntry>();
  for (const r of records) {
    const read = readContactFacts(decodeEvent(r.value));
    for (const f of read.facts) facts.set(f.id, [...(facts.get(f.id) ?? []), f]);
    for (const e of read.ledger) if (!ledger.has(e.messageId)) ledger.set(e.messageId, e);
  }
  const counts = new Map<string, { in: number; out: number }>();
  for (const e of ledger.values()) {
    const k = `${e.contactId}\u0000${e.phoneNumberId}`;
    const c = counts.get(k) ?? { in: 0, out: 0 };
    c[e.direction]++;
    counts.set(k, c);
  }
  const out = new Map<string, ContactState>();
  for (const [id, list] of [...facts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const state = foldContact(list)!;
    state.conversations = state.conversations.map((c) => {
      const n = counts.get(`${id}\u0000${c.phoneNumberId}`);
      return { ...c, inboundMessages: n?.in ?? 0, outboundMessages: n?.out ?? 0 };
    });
    out.set(id, state);
  }
  return out;
}

/** A plain-JSON view for deep comparison with what the CRM received. */
export const asJson = (m: ReadonlyMap<string, unknown>): Record<string, unknown> =>
  JSON.parse(JSON.stringify(Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1))))) as Record<string, unknown>;
