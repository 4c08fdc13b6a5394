import { protocolErrorsCodesById } from '@platformatic/kafka';

/**
 * What a failed send means for whoever must answer upstream (docs/limits.md):
 * - `transient`: the broker may take the same records later (unreachable, timed out, not enough in-sync replicas,
 *   a leader moving, a producer id fenced): retry.
 * - `too_large`: a record or batch over the topic's `max.message.bytes` or `segment.bytes`. The same records are
 *   refused again until an operator raises the limit: retrying them is a loop.
 * - `invalid`: the broker refused the records themselves (CRC, a timestamp out of range, a field the topic's
 *   configuration forbids). Also refused again as they are.
 * - `not_authorized`: this client may not write there (ACLs, SASL). Every record is refused, not these ones, until an
 *   operator fixes the grant; then the same records are taken.
 */
export type ProduceFailureKind = 'transient' | 'too_large' | 'invalid' | 'not_authorized';

/** Kafka's error ids of each permanent kind (protocol error codes by name, as @platformatic/kafka names them). */
export const PERMANENT_PRODUCE_ERRORS: Readonly<Record<Exclude<ProduceFailureKind, 'transient'>, readonly string[]>> = {
  too_large: ['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE'],
  invalid: [
    'CORRUPT_MESSAGE',
    'INVALID_RECORD',
    'INVALID_TIMESTAMP',
    'INVALID_REQUIRED_ACKS',
    'UNSUPPORTED_COMPRESSION_TYPE',
    'UNSUPPORTED_FOR_MESSAGE_FORMAT',
    'INVALID_TOPIC_EXCEPTION',
    'POLICY_VIOLATION',
  ],
  not_authorized: [
    'TOPIC_AUTHORIZATION_FAILED',
    'CLUSTER_AUTHORIZATION_FAILED',
    'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
    'SASL_AUTHENTICATION_FAILED',
    'UNSUPPORTED_SASL_MECHANISM',
    'ILLEGAL_SASL_STATE',
  ],
};

const KIND_OF = new Map<string, Exclude<ProduceFailureKind, 'transient'>>(
  Object.entries(PERMANENT_PRODUCE_ERRORS).flatMap(([kind, ids]) => ids.map((id) => [id, kind as Exclude<ProduceFailureKind, 'transient'>] as const)),
);

export interface ProduceFailure {
  kind: ProduceFailureKind;
  /** Kafka's error ids found in the failure, e.g. MESSAGE_TOO_LARGE. */
  apiIds: string[];
  /** Topics a partition of which answered a permanent error of `kind` (empty when the failure names none). */
  topics: string[];
}

interface TopicResponse {
  name?: unknown;
  partitionResponses?: { errorCode?: unknown }[];
}

/**
 * Classifies a failure of the client's send. A send holds records of several partitions (one batch each) and the
 * broker answers each partition on its own, so one failure can mix kinds: any sign the broker may take it later (a
 * timeout, a network error, a retriable error id) makes it `transient`, unless a grant is missing (`not_authorized`
 * wins: retrying will not help before the grant is fixed); else `too_large` before `invalid`.
 */
export function classifyProduceFailure(err: unknown): ProduceFailure {
  const ids = new Set<string>();
  const topics = new Map<string, Set<string>>();
  let otherFailure = false;
  const visit = (e: unknown, depth: number): void => {
    if (typeof e !== 'object' || e === null || depth > 8) return;
    const x = e as { apiId?: unknown; path?: unknown; errors?: unknown; cause?: unknown; response?: { responses?: TopicResponse[] } };
    // The broker's message about one record of a refused batch (KIP-467): detail of its partition's error, not a kind.
    if (typeof x.path === 'string' && x.path.includes('/record_errors/')) return;
    if (typeof x.apiId === 'string') ids.add(x.apiId);
    for (const t of x.response?.responses ?? []) {
      for (const p of t.partitionResponses ?? []) {
        const id = typeof p.errorCode === 'number' && p.errorCode !== 0 ? protocolErrorsCodesById[p.errorCode] : undefined;
        if (id === undefined || typeof t.name !== 'string') continue;
        let set = topics.get(id);
        if (set === undefined) topics.set(id, (set = new Set()));
        set.add(t.name);
      }
    }
    const nested = [...(Array.isArray(x.errors) ? (x.errors as unknown[]) : []), ...(x.cause !== undefined ? [x.cause] : [])];
    // A leaf that is no protocol error: a timeout, a closed connection, a client bug. Not known to be permanent.
    if (nested.length === 0 && typeof x.apiId !== 'string') otherFailure = true;
    for (const n of nested) visit(n, depth + 1);
  };
  visit(err, 0);
  const apiIds = [...ids].sort();
  const kinds = new Set(apiIds.map((id) => KIND_OF.get(id) ?? 'transient'));
  const topicsOf = (kind: ProduceFailureKind) =>
    [...new Set(apiIds.filter((id) => KIND_OF.get(id) === kind).flatMap((id) => [...(topics.get(id) ?? [])]))].sort();
  if (kinds.has('not_authorized')) return { kind: 'not_authorized', apiIds, topics: topicsOf('not_authorized') };
  if (otherFailure || kinds.size === 0 || kinds.has('transient')) return { kind: 'transient', apiIds, topics: [] };
  const kind = kinds.has('too_large') ? 'too_large' : 'invalid';
  return { kind, apiIds, topics: topicsOf(kind) };
}
