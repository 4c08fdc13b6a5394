import { aliasValue, bsuidAlias, isBusinessScopedId, personAliases, personIdOf, phoneAlias, type Alias, type WhatsAppEvent } from '@wabus/events';

/**
 * The persons a set of events describes, computed the simple way (union–find over every event's aliases, per scope)
 * for tests to compare a consumer's documents with: `personOf(scope, id)` is the person id of an identifier (phone
 * or BSUID as Meta writes it, or a typed alias) once every event has been seen. Scope: the business number
 * (message-store) or whatever `scopeOf` says (crm-sync: the tenant).
 */
export function personOracle(events: Iterable<WhatsAppEvent>, scopeOf: (e: WhatsAppEvent) => string | null = (e) => e.phoneNumberId) {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== undefined && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  const key = (scope: string, a: Alias) => `${scope}\u0000${a}`;
  const members = new Map<string, Set<Alias>>();
  for (const e of events) {
    const scope = scopeOf(e);
    if (scope === null) continue;
    const aliases = personAliases(e);
    if (e.customerId !== null) aliases.push(toAlias(e.customerId));
    for (const a of aliases) if (!parent.has(key(scope, a))) parent.set(key(scope, a), key(scope, a));
    for (let i = 1; i < aliases.length; i++) {
      const ra = find(key(scope, aliases[0]!));
      const rb = find(key(scope, aliases[i]!));
      if (ra !== rb) parent.set(rb, ra);
    }
  }
  for (const k of parent.keys()) {
    const root = find(k);
    const set = members.get(root) ?? new Set<Alias>();
    set.add(k.slice(k.indexOf('\u0000') + 1) as Alias);
    members.set(root, set);
  }
  return {
    /** The person id (smallest alias) of an identifier in a scope. */
    personOf(scope: string, id: string): Alias {
      const alias = id.includes(':') ? (id as Alias) : toAlias(id);
      const k = key(scope, alias);
      if (!parent.has(k)) return alias;
      return personIdOf(members.get(find(k))!);
    },
    /** Every alias of the person of an identifier. */
    aliasesOf(scope: string, id: string): Alias[] {
      const alias = id.includes(':') ? (id as Alias) : toAlias(id);
      const k = key(scope, alias);
      return parent.has(k) ? [...members.get(find(k))!].sort() : [alias];
    },
    /** The raw identifiers (as Meta writes them) of the person of an identifier. */
    valuesOf(scope: string, id: string): string[] {
      return this.aliasesOf(scope, id).map(aliasValue);
    },
  };
}

const toAlias = (id: string): Alias => (isBusinessScopedId(id) ? bsuidAlias(id) : phoneAlias(id));
