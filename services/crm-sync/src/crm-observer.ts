/** A CRM request: one contact (`PUT /contacts/:id`) or a batch (`POST /contacts/batch`). */
export type CrmRequestKind = 'upsert' | 'batch' | 'remove';

/**
 * How a request ended: `ok` (2xx), `rejected` (a 4xx that retrying cannot fix), `retryable` (5xx, 429 and the 4xx
 * that mean "not now"), `error` (no answer: timeout, connection refused or cut).
 */
export type CrmRequestResult = 'ok' | 'rejected' | 'retryable' | 'error';

/** Why a request waited: the CRM's `Retry-After` (its rate limit, holding back every request), or backoff. */
export type CrmWaitReason = 'retry_after' | 'backoff';

/** Observability hooks of crm-sync's CRM calls; every one is optional and the default does nothing. */
export interface CrmObserver {
  /** Every request attempt; `code` is the HTTP status, or for `error` the cause (`timeout`, `ECONNREFUSED`…). */
  requested?(kind: CrmRequestKind, result: CrmRequestResult, code: string): void;
  /** A wait before a request, in seconds, as decided (then slept). */
  waited?(reason: CrmWaitReason, seconds: number): void;
}
