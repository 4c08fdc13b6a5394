import type { AnyBulkWriteOperation, Collection, Filter } from 'mongodb';
import { personIdOf, type Alias } from '@wabus/events';

/**
 * One link between two aliases of the same person within a scope (a business number for message-store, a tenant
 * for crm-sync): `a < b`. Insert-only: the links of a scope only ever grow, whatever order they are written in.
 */
export interface LinkDoc {
  _id: string;
  /** The scope. */
  s: string;
  a: Alias;
  b: Alias;
}

/** A person as the links of its scope know it now: every alias connected to the ones asked about, and its id. */
export interface Person {
  /** The smallest alias (personIdOf): the same for every order of the same links. */
  id: Alias;
  /** Sorted. */
  aliases: Alias[];
}

/** What one event (or one request) says: these aliases are one person in this scope. */
export interface AliasSet {
  scope: string;
  aliases: readonly Alias[];
}

export interface IdentityLinks {
  /**
   * Records that each set's aliases are one person (idempotent; sets of fewer than two aliases add nothing).
   * Returns the sets it refused because they would make a person of more than MAX_PERSON_ALIASES aliases.
   */
  link(sets: readonly AliasSet[]): Promise<AliasSet[]>;
  /** The person of every alias asked about, per scope: `result.get(scope)?.get(alias)`. */
  resolve(sets: readonly AliasSet[]): Promise<Map<string, Map<Alias, Person>>>;
}

const SEP = '\u0000';
const linkId = (scope: string, a: Alias, b: Alias): string => `${scope}${SEP}${a}${SEP}${b}`;

/**
 * A person has at most this many aliases: more is a bug or a hostile body, not a WhatsApp user (a phone, a BSUID and a
 * parent per number change). A link that would go past it is refused, so one bad body cannot glue a business number's
 * customers together, nor make every lookup walk them all.
 */
export const MAX_PERSON_ALIASES = 64;

/**
 * The identity map of a consumer: links between aliases (docs/identity.md), and persons as their connected
 * components, each named by its smallest alias.
 *
 * Why links and not an alias → person table: several writers (replicas, partitions of one tenant) link at once.
 * A link is written before the component is read, so of two writers linking into one component at the same time,
 * at least the one that reads last sees both links (each read comes after its own write); and a component only ever
 * grows, so its smallest alias only ever goes down. Whatever the interleaving, every writer ends up naming each
 * alias's person by the smallest alias of all links written so far, and a later batch that touches it sees the same.
 */
export function createIdentityLinks(links: Collection<LinkDoc>): IdentityLinks {
  async function resolve(sets: readonly AliasSet[]): Promise<Map<string, Map<Alias, Person>>> {
    // Per scope: the aliases asked about, and the components grown around them link by link, all scopes at once.
    const asked = new Map<string, Set<Alias>>();
    for (const { scope, aliases } of sets) {
      let set = asked.get(scope);
      if (set === undefined) asked.set(scope, (set = new Set()));
      for (const a of aliases) set.add(a);
    }
    const edges = new Map<string, Map<Alias, Set<Alias>>>();
    const seen = new Map<string, Set<Alias>>();
    // Links past MAX_PERSON_ALIASES are refused, so only writers racing can pass it, and not by much: the walk stops
    // well beyond it rather than follow a runaway component.
    const limit = new Map([...asked].map(([s, set]) => [s, 2 * MAX_PERSON_ALIASES * set.size]));
    let frontier = new Map<string, Alias[]>([...asked].map(([s, set]) => [s, [...set]]));
    for (const [s, list] of frontier) seen.set(s, new Set(list));
    while (frontier.size > 0) {
      const or: Filter<LinkDoc>[] = [];
      for (const [s, list] of frontier) or.push({ s, a: { $in: list } }, { s, b: { $in: list } });
      const found = await links.find({ $or: or }).toArray();
      const next = new Map<string, Alias[]>();
      for (const l of found) {
        let g = edges.get(l.s);
        if (g === undefined) edges.set(l.s, (g = new Map()));
        addEdge(g, l.a, l.b);
        addEdge(g, l.b, l.a);
        const known = seen.get(l.s)!;
        for (const x of [l.a, l.b]) {
          if (known.has(x) || known.size >= limit.get(l.s)!) continue;
          known.add(x);
          let list = next.get(l.s);
          if (list === undefined) next.set(l.s, (list = []));
          list.push(x);
        }
      }
      frontier = next;
    }
    const out = new Map<string, Map<Alias, Person>>();
    for (const [scope, set] of asked) {
      const g = edges.get(scope) ?? new Map<Alias, Set<Alias>>();
      const persons = new Map<Alias, Person>();
      for (const start of set) {
        if (persons.has(start)) continue;
        const component = componentOf(g, start);
        const person: Person = { id: personIdOf(component), aliases: [...component].sort() };
        for (const a of component) persons.set(a, person);
      }
      out.set(scope, persons);
    }
    return out;
  }

  async function link(sets: readonly AliasSet[]): Promise<AliasSet[]> {
    const chains = new Map<AliasSet, LinkDoc[]>();
    for (const set of sets) {
      const sorted = [...new Set(set.aliases)].sort();
      // A chain connects the set as well as every pair does, with n - 1 links.
      const chain: LinkDoc[] = [];
      for (let i = 1; i < sorted.length; i++)
        chain.push({ _id: linkId(set.scope, sorted[i - 1]!, sorted[i]!), s: set.scope, a: sorted[i - 1]!, b: sorted[i]! });
      if (chain.length > 0) chains.set(set, chain);
    }
    if (chains.size === 0) return [];
    // Most links exist already (every message of a known user repeats them): read before anything else.
    const ids = [...new Set([...chains.values()].flat().map((l) => l._id))];
    const existing = new Set((await links.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray()).map((d) => d._id));
    const newSets = [...chains.keys()].filter((set) => chains.get(set)!.some((l) => !existing.has(l._id)));
    if (newSets.length === 0) return [];

    // The persons the new links would join, set after set (a batch may chain several): a set that would make a
    // person of more than MAX_PERSON_ALIASES aliases is refused.
    const before = await resolve(newSets);
    const group = new Map<string, Set<Alias>>();
    const groupOf = (scope: string, a: Alias): Set<Alias> => {
      const key = `${scope}${SEP}${a}`;
      let g = group.get(key);
      if (g === undefined) {
        g = new Set(before.get(scope)?.get(a)?.aliases ?? [a]);
        for (const x of g) group.set(`${scope}${SEP}${x}`, g);
      }
      return g;
    };
    const refused: AliasSet[] = [];
    const wanted = new Map<string, LinkDoc>();
    for (const set of newSets) {
      const joined = new Set<Alias>();
      for (const a of set.aliases) for (const x of groupOf(set.scope, a)) joined.add(x);
      if (joined.size > MAX_PERSON_ALIASES) {
        refused.push(set);
        continue;
      }
      for (const x of joined) group.set(`${set.scope}${SEP}${x}`, joined);
      for (const l of chains.get(set)!) if (!existing.has(l._id)) wanted.set(l._id, l);
    }
    if (wanted.size === 0) return refused;
    const ops: AnyBulkWriteOperation<LinkDoc>[] = [...wanted.values()].map((doc) => ({ insertOne: { document: doc } }));
    try {
      await links.bulkWrite(ops, { ordered: false });
    } catch (err) {
      // Another writer inserted the same link first: the same document, so nothing is lost.
      const writeErrors = (err as { writeErrors?: { code?: number }[] }).writeErrors ?? [];
      if (writeErrors.length === 0 || writeErrors.some((w) => w.code !== 11000)) throw err;
    }
    return refused;
  }

  return { link, resolve };
}

function addEdge(g: Map<Alias, Set<Alias>>, from: Alias, to: Alias): void {
  let set = g.get(from);
  if (set === undefined) g.set(from, (set = new Set()));
  set.add(to);
}

function componentOf(g: Map<Alias, Set<Alias>>, start: Alias): Set<Alias> {
  const out = new Set<Alias>([start]);
  const stack = [start];
  while (stack.length > 0) {
    for (const n of g.get(stack.pop()!) ?? []) {
      if (out.has(n)) continue;
      out.add(n);
      stack.push(n);
    }
  }
  return out;
}

/** The link indexes (idempotent): the BFS looks links up by either end within a scope. */
export async function ensureIdentityIndexes(links: Collection<LinkDoc>): Promise<void> {
  await links.createIndex({ s: 1, a: 1 }, { name: 'by_a' });
  await links.createIndex({ s: 1, b: 1 }, { name: 'by_b' });
}
