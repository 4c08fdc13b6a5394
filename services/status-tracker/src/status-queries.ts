import type { Collection, Document, Filter } from 'mongodb';
import { TRACKED_STATUSES, type StatusDocument, type TrackedStatus } from './status-document.ts';
import type { StatusRange } from './status-range.ts';

// Only aggregation stages the test store (mongo-java-server) runs: $match, $unwind, $group, $sort, $limit.

/**
 * The business number's messages first seen in the range; with `tenant`, only that tenant's (docs/tenants.md). A
 * document with a send and no status yet has no phoneNumberId (only its send has): it is in no range, counted nowhere.
 */
function rangeFilter(range: StatusRange, tenant: string | null): Filter<StatusDocument> {
  const filter: Filter<StatusDocument> = { phoneNumberId: range.phoneNumberId };
  // A business number belongs to one tenant, so the (phoneNumberId, firstTimestamp) indexes still select: no index
  // on tenantId is needed for it.
  if (tenant !== null) filter.tenantId = tenant;
  const first: Document = {};
  if (range.from !== null) first['$gte'] = range.from;
  if (range.to !== null) first['$lt'] = range.to;
  if (Object.keys(first).length > 0) filter.firstTimestamp = first;
  return filter;
}

/**
 * The message's document; with `tenant`, null also when it is another tenant's (the API answers 404 for both). A
 * document with a send and no status yet has only its send's tenant.
 */
export async function findStatus(statuses: Collection<StatusDocument>, wamid: string, tenant: string | null): Promise<StatusDocument | null> {
  return statuses.findOne(tenant === null ? { _id: wamid } : { _id: wamid, $or: [{ tenantId: tenant }, { tenantId: null, 'send.tenantId': tenant }] });
}

export type StatusCounts = Record<TrackedStatus | 'unknown', number>;

/** Messages per current status (`unknown`: only unrecognised statuses seen) among those first seen in the range. */
export async function countStatuses(
  statuses: Collection<StatusDocument>,
  range: StatusRange,
  tenant: string | null,
): Promise<{ total: number; counts: StatusCounts }> {
  const rows = await statuses
    .aggregate<{ _id: string | null; n: number }>([{ $match: rangeFilter(range, tenant) }, { $group: { _id: '$status', n: { $sum: 1 } } }])
    .toArray();
  const counts = Object.fromEntries([...TRACKED_STATUSES, 'unknown'].map((s) => [s, 0])) as StatusCounts;
  let total = 0;
  for (const { _id, n } of rows) {
    const key = _id !== null && (TRACKED_STATUSES as readonly string[]).includes(_id) ? (_id as TrackedStatus) : 'unknown';
    counts[key] += n;
    total += n;
  }
  return { total, counts };
}

export interface FailureGroup {
  /** Meta's error code; null for failures that carried no error (or one without a code). */
  code: number | null;
  title: string | null;
  /** Failed messages with this code (a message with two codes counts in both groups). */
  messages: number;
  /** A few of them, most recent first. */
  examples: string[];
}

/** Failed messages first seen in the range, grouped by error code, most frequent first. */
export async function failuresByCode(
  statuses: Collection<StatusDocument>,
  range: StatusRange,
  tenant: string | null,
  opts: { maxCodes?: number; examples?: number } = {},
): Promise<{ failed: number; codes: FailureGroup[] }> {
  const match: Filter<StatusDocument> = { ...rangeFilter(range, tenant), status: 'failed' };
  const [failed, groups] = await Promise.all([
    statuses.countDocuments(match),
    statuses
      .aggregate<{ _id: number | null; messages: number; title: string | null }>([
        { $match: match },
        { $unwind: { path: '$errors', preserveNullAndEmptyArrays: true } },
        // Per (code, message) first, so a message whose failure repeats a code counts once for it.
        { $group: { _id: { code: '$errors.code', id: '$_id' }, title: { $first: '$errors.title' } } },
        { $group: { _id: '$_id.code', messages: { $sum: 1 }, title: { $first: '$title' } } },
        { $sort: { messages: -1, _id: 1 } },
        { $limit: opts.maxCodes ?? 50 },
      ])
      .toArray(),
  ]);
  const codes = await Promise.all(
    groups.map(async (g): Promise<FailureGroup> => {
      const byCode: Filter<StatusDocument> =
        g._id === null ? { $or: [{ errors: { $size: 0 } }, { errors: { $elemMatch: { code: null } } }] } : { 'errors.code': g._id };
      const examples = await statuses
        .find({ ...match, ...byCode }, { projection: { _id: 1 } })
        .sort({ firstTimestamp: -1, _id: 1 })
        .limit(opts.examples ?? 5)
        .toArray();
      return { code: g._id ?? null, title: g.title ?? null, messages: g.messages, examples: examples.map((d) => d._id) };
    }),
  );
  return { failed, codes };
}
