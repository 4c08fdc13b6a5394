import type { Collection } from 'mongodb';

export const LEASES_COLLECTION = 'sync_leases';

/** "Only `owner` may send contact `_id` to the CRM until `until` (epoch ms)". */
export interface LeaseDocument {
  _id: string;
  owner: string;
  until: number;
}

const duplicateIndexes = (err: unknown): number[] | null => {
  const raw = (err as { writeErrors?: { index: number; code?: number } | { index: number; code?: number }[] }).writeErrors;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  return list.length > 0 && list.every((w) => w.code === 11000) ? list.map((w) => w.index) : null;
};

/**
 * Takes the sync lease of each contact that is free (never taken, released, or expired), for `owner`, until
 * `now + ttlMs`; returns the ids taken. Single-document atomic writes only: an insert (new lease), or a conditional
 * take-over of an expired one. A contact is written from several partitions (one per business number it talks
 * to); the lease makes its CRM calls one writer at a time, so two states can never race to the CRM.
 */
export async function acquireLeases(leases: Collection<LeaseDocument>, ids: readonly string[], owner: string, now: number, ttlMs: number): Promise<string[]> {
  if (ids.length === 0) return [];
  const until = now + ttlMs;
  let held: string[] = [];
  try {
    await leases.insertMany(
      ids.map((_id) => ({ _id, owner, until })),
      { ordered: false },
    );
  } catch (err) {
    const dup = duplicateIndexes(err);
    if (dup === null) throw err;
    held = dup.map((i) => ids[i]!);
  }
  const taken = ids.filter((id) => !held.includes(id));
  if (held.length > 0) {
    await leases.updateMany({ _id: { $in: held }, until: { $lt: now } }, { $set: { owner, until } });
    const mine = await leases.find({ _id: { $in: held }, owner }, { projection: { _id: 1 } }).toArray();
    taken.push(...mine.map((d) => d._id));
  }
  return taken;
}

/** Gives the leases back (only those still ours). */
export async function releaseLeases(leases: Collection<LeaseDocument>, ids: readonly string[], owner: string): Promise<void> {
  if (ids.length > 0) await leases.deleteMany({ _id: { $in: [...ids] }, owner });
}
