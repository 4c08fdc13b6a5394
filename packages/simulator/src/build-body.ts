import { toExpectedItem, type ExpectedItem, type GeneratedItem, type ItemArray, type JsonObject } from './generated-item.ts';
import { serializeLikeMeta, type MetaJson, type MetaJsonOptions } from './meta-json.ts';
import type { Rng } from './rng.ts';
import type { BusinessNumber } from './world.ts';

export interface BuildBodyInput {
  items: readonly GeneratedItem[];
  /** How many `entry[]` objects each WABA's changes are spread over (contiguous chunks). Default 1. */
  entries?: number;
  /** At most this many changes per entry object; more open further entries with the same id. Default unlimited. */
  changesPerEntry?: number;
  /** At most this many items per change; more open further changes for the same number and field. Default unlimited. */
  itemsPerChange?: number;
  /** Varies key order (object last, field before value) like real deliveries; without it the order is canonical. */
  rng?: Rng;
  json?: MetaJsonOptions;
}

export interface BuiltBody {
  body: Buffer;
  /** What a correct ingester must produce, in body order. */
  items: ExpectedItem[];
}

interface ChangeGroup {
  key: string;
  wabaId: string;
  business: BusinessNumber | null;
  field: string;
  array: ItemArray | null;
  time: number | null;
  items: GeneratedItem[];
}

function groupIntoChanges(items: readonly GeneratedItem[], itemsPerChange: number): ChangeGroup[] {
  const groups: ChangeGroup[] = [];
  const open = new Map<string, ChangeGroup>();
  items.forEach((item, i) => {
    // An account-level item is a change of its own; array items share a change per business number and field.
    const key = item.array === null ? `change#${i}` : `${item.wabaId}|${item.business?.phoneNumberId ?? ''}|${item.field}|${item.array}`;
    let group = open.get(key);
    if (group === undefined || group.items.length >= itemsPerChange) {
      group = { key, wabaId: item.wabaId, business: item.business, field: item.field, array: item.array, time: item.time, items: [] };
      groups.push(group);
      open.set(key, group);
    }
    group.items.push(item);
  });
  return groups;
}

function splitEvenly<T>(list: readonly T[], parts: number): T[][] {
  const out: T[][] = [];
  let start = 0;
  for (let p = 0; p < parts; p++) {
    const end = start + Math.ceil((list.length - start) / (parts - p));
    out.push(list.slice(start, end));
    start = end;
  }
  return out;
}

function groupIntoEntries(changes: readonly ChangeGroup[], entries: number, changesPerEntry: number): ChangeGroup[][] {
  // Account-level changes carry `entry.time`; they get entries of their own so phone-level entries stay time-less.
  const byEntryKey = new Map<string, ChangeGroup[]>();
  for (const c of changes) {
    const key = `${c.wabaId}|${c.time === null ? 'phone' : 'account'}`;
    const list = byEntryKey.get(key) ?? [];
    list.push(c);
    byEntryKey.set(key, list);
  }
  const out: ChangeGroup[][] = [];
  for (const list of byEntryKey.values()) {
    const parts = Math.max(Math.ceil(list.length / changesPerEntry), Math.min(Math.max(1, entries), list.length));
    out.push(...splitEvenly(list, parts));
  }
  return out;
}

function changeValue(group: ChangeGroup): JsonObject {
  const first = group.items[0];
  if (group.array === null || first === undefined) return first?.payload ?? {};
  const contacts = new Map<string, JsonObject>();
  for (const item of group.items) {
    if (item.contact !== null && !contacts.has(item.customerId ?? '')) contacts.set(item.customerId ?? '', item.contact);
  }
  const business = group.business;
  return {
    messaging_product: 'whatsapp',
    metadata: business === null ? undefined : { display_phone_number: business.displayPhoneNumber, phone_number_id: business.phoneNumberId },
    contacts: contacts.size === 0 ? undefined : [...contacts.values()],
    [group.array]: group.items.map((i) => i.payload),
  };
}

/**
 * Places items in a `whatsapp_business_account` envelope the way Meta batches them, serialises it like Meta and
 * lists the items a correct ingester must produce, in body order (which can differ from input order: items of
 * the same number and field are grouped into one change).
 */
export function buildBody(input: BuildBodyInput): BuiltBody {
  const { rng } = input;
  const changes = groupIntoChanges(input.items, input.itemsPerChange ?? Infinity);
  const entryGroups = groupIntoEntries(changes, input.entries ?? 1, input.changesPerEntry ?? Infinity);
  const expected: ExpectedItem[] = [];
  const entry = entryGroups.map((list) => {
    const first = list[0] as ChangeGroup;
    const changeObjects = list.map((group) => {
      group.items.forEach((i) => expected.push(toExpectedItem(i)));
      const value = changeValue(group);
      return rng?.chance(0.3) ? { field: group.field, value } : { value, field: group.field };
    });
    return { id: first.wabaId, time: first.time ?? undefined, changes: changeObjects };
  });
  const envelope: MetaJson = rng?.chance(0.2) ? { entry, object: 'whatsapp_business_account' } : { object: 'whatsapp_business_account', entry };
  return { body: serializeLikeMeta(envelope, input.json), items: expected };
}
