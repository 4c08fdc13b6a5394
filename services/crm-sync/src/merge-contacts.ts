import type { Collection } from 'mongodb';
import type { ContactDocument, ContactState } from './contact-state.ts';
import type { ContactPerson } from './contact-persons.ts';

/** Contacts a batch found to be part of another: each one's state, to be joined into its survivor's. */
export interface Absorbed {
  /** Per survivor (CRM id): the absorbed states, re-filed under the survivor's id. */
  facts: Map<string, ContactState[]>;
  /** Absorbed contact → survivor. */
  into: Map<string, string>;
}

/**
 * The stored contacts that share an alias with a person of this batch but are filed under another id: written
 * before the link that made them one person was known (a phone-only contact, then a body with phone and BSUID).
 * Merged contacts are found again too (their state is joined again: a join, so harmless), which catches up with a
 * writer that folded into one after it was merged.
 */
export async function findAbsorbed(contacts: Collection<ContactDocument>, persons: ReadonlyMap<string, ContactPerson>): Promise<Absorbed> {
  const out: Absorbed = { facts: new Map(), into: new Map() };
  if (persons.size === 0) return out;
  const survivorOf = new Map<string, string>();
  for (const p of persons.values()) for (const a of p.aliases) survivorOf.set(`${p.tenantId}\u0000${a}`, p.id);
  const docs = await contacts
    .find({
      'state.tenantId': { $in: [...new Set([...persons.values()].map((p) => p.tenantId))] },
      'state.aliases': { $in: [...new Set([...persons.values()].flatMap((p) => p.aliases))] },
      _id: { $nin: [...persons.keys()] },
    })
    .toArray();
  for (const d of docs) {
    const survivor = (d.state.aliases ?? []).map((a) => survivorOf.get(`${d.state.tenantId}\u0000${a}`)).find((s) => s !== undefined);
    if (survivor === undefined) continue;
    out.into.set(d._id, survivor);
    out.facts.set(survivor, [...(out.facts.get(survivor) ?? []), { ...d.state, id: survivor }]);
  }
  return out;
}

/**
 * Marks contacts merged into their survivors, once the survivors hold their states (the fold wrote them first: a
 * crash in between leaves them unmarked, and the next batch of the person merges them again).
 */
export async function markMerged(contacts: Collection<ContactDocument>, into: ReadonlyMap<string, string>): Promise<void> {
  if (into.size === 0) return;
  await contacts.bulkWrite(
    [...into].map(([id, survivor]) => ({
      updateOne: { filter: { _id: id, mergedInto: { $exists: false } }, update: { $set: { mergedInto: survivor, removedFromCrm: false, unsynced: false } } },
    })),
    { ordered: false },
  );
}

/** Merged contacts of these survivors whose copy in the CRM is not deleted yet. */
export async function awaitingRemoval(contacts: Collection<ContactDocument>, survivors: readonly string[]): Promise<ContactDocument[]> {
  if (survivors.length === 0) return [];
  return contacts.find({ mergedInto: { $in: [...survivors] }, removedFromCrm: false }).toArray();
}

export async function markRemoved(contacts: Collection<ContactDocument>, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await contacts.updateMany({ _id: { $in: [...ids] } }, { $set: { removedFromCrm: true } });
}
