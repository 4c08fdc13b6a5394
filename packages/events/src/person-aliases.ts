import { arrayAt, asObject, idAt, objectAt } from './json-read.ts';
import { parseJsonSpans } from './json-spans.ts';
import type { JsonObject } from './json-node.ts';
import type { WhatsAppEvent } from './whatsapp-event.ts';
import { isBusinessScopedId } from './customer-identity.ts';

/**
 * One identifier of a person, typed so that a phone number and a BSUID can never be mistaken for each other:
 * `phone:<digits>`, `bsuid:<CC.…>`, `parent:<CC.ENT.…>`. Ordered as strings, `bsuid:` < `parent:` < `phone:`.
 */
export type Alias = `phone:${string}` | `bsuid:${string}` | `parent:${string}`;

export const phoneAlias = (phone: string): Alias => `phone:${phone}`;
export const bsuidAlias = (userId: string): Alias => (isParent(userId) ? `parent:${userId}` : `bsuid:${userId}`);
const isParent = (id: string): boolean => /^[A-Z]{2}\.ENT\./.test(id);

/** The identifier an alias stands for, as Meta writes it (a phone number or a BSUID). */
export const aliasValue = (alias: Alias): string => alias.slice(alias.indexOf(':') + 1);
export const isPhoneAlias = (alias: Alias): boolean => alias.startsWith('phone:');

/**
 * Every identifier one event names for its person, sorted and unique: what a single body proves to be one person
 * (docs/identity.md). The user's phone, BSUID and parent BSUID; for identity-change notices also the identifiers
 * before and after (`system` messages `user_changed_number`, `user_changed_user_id`, the legacy
 * `customer_changed_number` and `customer_identity_changed`, and a `user_id_update` change if Meta sends one).
 * Usernames are not aliases: a user can change theirs and another can take it up.
 */
export function personAliases(
  event: Pick<WhatsAppEvent, 'kind' | 'itemType' | 'field' | 'raw' | 'customerPhone' | 'customerUserId' | 'customerParentUserId'>,
): Alias[] {
  const out = new Set<Alias>();
  const add = (id: string | null): void => {
    if (id === null || id.trim() === '') return;
    out.add(isBusinessScopedId(id) ? bsuidAlias(id) : phoneAlias(id));
  };
  add(event.customerPhone);
  add(event.customerUserId);
  add(event.customerParentUserId);
  if (event.kind === 'message' && event.itemType === 'system') for (const id of changedIds(event.raw, systemIds)) add(id);
  if (event.kind === 'change' && event.field === 'user_id_update') for (const id of changedIds(event.raw, userIdUpdateIds)) add(id);
  return [...out].sort();
}

function changedIds(raw: Buffer, read: (root: JsonObject) => (string | null)[]): (string | null)[] {
  try {
    const root = asObject(parseJsonSpans(raw));
    return root === null ? [] : read(root);
  } catch {
    return [];
  }
}

/** A system message: the old ids (`from`, `system.customer`, `previous_*`) and the new ones (`wa_id`, `user_id`, …). */
function systemIds(message: JsonObject): (string | null)[] {
  const s = objectAt(message, 'system');
  return [
    idAt(message, 'from'),
    idAt(message, 'from_user_id'),
    idAt(s, 'customer'),
    idAt(s, 'wa_id'),
    idAt(s, 'new_wa_id'),
    idAt(s, 'previous_user_id'),
    idAt(s, 'user_id'),
    idAt(s, 'previous_parent_user_id'),
    idAt(s, 'parent_user_id'),
  ];
}

/** A `user_id_update` change value: each entry's `wa_id` and `user_id.{previous,current}` (and parent ids). */
function userIdUpdateIds(value: JsonObject): (string | null)[] {
  const ids: (string | null)[] = [];
  for (const node of arrayAt(value, 'user_id_update')?.items ?? []) {
    const u = asObject(node);
    if (u === null) continue;
    const userId = objectAt(u, 'user_id');
    const parent = objectAt(u, 'parent_user_id');
    ids.push(idAt(u, 'wa_id'), idAt(userId, 'previous'), idAt(userId, 'current'), idAt(parent, 'previous'), idAt(parent, 'current'));
  }
  for (const node of arrayAt(value, 'contacts')?.items ?? []) ids.push(idAt(node, 'wa_id'), idAt(node, 'user_id'));
  return ids;
}

/**
 * The canonical id of a person: the smallest of its aliases. A pure function of the set, so any order of the same
 * events, and any replay, names the person the same way once the same aliases are linked.
 */
export function personIdOf(aliases: Iterable<Alias>): Alias {
  let min: Alias | undefined;
  for (const a of aliases) if (min === undefined || a < min) min = a;
  if (min === undefined) throw new RangeError('a person has at least one alias');
  return min;
}
