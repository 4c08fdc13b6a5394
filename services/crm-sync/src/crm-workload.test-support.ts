import { createGenContext, createRng, createWorld, generateItem, type GeneratedItem, type KindName, type Rng } from '@wabus/simulator';
import { bsuidAlias, decodeEvent, isBusinessScopedId, personIdOf, phoneAlias, type Alias, type WhatsAppEvent } from '@wabus/events';
import { DEFAULT_TENANT } from '@wabus/tenants';
import { crmIdOf, factAliases } from './contact-persons.ts';
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
 * The oracle: what the CRM must end up holding, computed from the records alone the simple way: persons as
 * union–find over every fact's ids per tenant, each person's facts joined under its CRM id, message counts as
 * distinct message ids per conversation and direction, over every id of the person.
 */
export function expectedContacts(records: readonly EventRecord[], tenantOf: (e: WhatsAppEvent) => string = defaultTenantOf): Map<string, ContactState> {
  const { facts, ledger, contactOf } = workloadPersons(records, tenantOf);
  const byContact = new Map<string, ContactState[]>();
  for (const f of facts) {
    const id = contactOf(f.tenantId, factAliases(f)[0]!);
    byContact.set(id, [...(byContact.get(id) ?? []), { ...f, id }]);
  }
  const counts = new Map<string, { in: number; out: number }>();
  for (const e of ledger.values()) {
    const alias = isBusinessScopedId(e.contactId) ? bsuidAlias(e.contactId) : phoneAlias(e.contactId);
    const k = `${contactOf(e.tenantId, alias)}\u0000${e.phoneNumberId}`;
    const c = counts.get(k) ?? { in: 0, out: 0 };
    c[e.direction]++;
    counts.set(k, c);
  }
  const out = new Map<string, ContactState>();
  for (const [id, list] of [...byContact].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const state = foldContact(list)!;
    state.conversations = state.conversations.map((c) => {
      const n = counts.get(`${id}\u0000${c.phoneNumberId}`);
      return { ...c, inboundMessages: n?.in ?? 0, outboundMessages: n?.out ?? 0 };
    });
    out.set(id, state);
  }
  return out;
}

const defaultTenantOf = (e: WhatsAppEvent): string => e.tenantId ?? DEFAULT_TENANT;

/** The CRM ids (contacts) one record is about, once every record of the workload is known. */
export function contactsOfRecord(records: readonly EventRecord[], value: Buffer, tenantOf: (e: WhatsAppEvent) => string = defaultTenantOf): string[] {
  const { contactOf } = workloadPersons(records, tenantOf);
  const event = decodeEvent(value);
  return readContactFacts(event, tenantOf(event)).facts.map((f) => contactOf(f.tenantId, factAliases(f)[0]!));
}

/** Every fact and message id of the records, and the CRM id of the person of any (tenant, alias). */
function workloadPersons(records: readonly EventRecord[], tenantOf: (e: WhatsAppEvent) => string) {
  const facts: ContactState[] = [];
  const ledger = new Map<string, LedgerEntry & { tenantId: string }>();
  for (const r of records) {
    const event = decodeEvent(r.value);
    const tenantId = tenantOf(event);
    const read = readContactFacts(event, tenantId);
    facts.push(...read.facts);
    for (const e of read.ledger) if (!ledger.has(e.messageId)) ledger.set(e.messageId, { ...e, tenantId });
  }
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    while (parent.get(x) !== x) x = parent.get(x)!;
    return x;
  };
  const node = (tenantId: string, a: string) => {
    const k = `${tenantId}\u0000${a}`;
    if (!parent.has(k)) parent.set(k, k);
    return k;
  };
  for (const f of facts) {
    const [first, ...rest] = factAliases(f).map((a) => node(f.tenantId, a));
    for (const k of rest) parent.set(find(k), find(first!));
  }
  const members = new Map<string, Alias[]>();
  for (const k of parent.keys()) members.set(find(k), [...(members.get(find(k)) ?? []), k.slice(k.indexOf('\u0000') + 1) as Alias]);
  const contactOf = (tenantId: string, alias: string) => crmIdOf(tenantId, personIdOf(members.get(find(node(tenantId, alias)))!));
  return { facts, ledger, contactOf };
}

/** A plain-JSON view for deep comparison with what the CRM received. */
export const asJson = (m: ReadonlyMap<string, unknown>): Record<string, unknown> =>
  JSON.parse(JSON.stringify(Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1))))) as Record<string, unknown>;
