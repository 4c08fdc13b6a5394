import { createHash } from 'node:crypto';
import { stateHashOf, type ContactState } from './contact-state.ts';

/**
 * What the CRM did with one contact of an upsert. `inDoubt`: an earlier attempt of it timed out or was cut after it
 * was sent, so the CRM may still be processing it (the caller then holds the contact back until its lease expires).
 */
export type UpsertResult =
  | { id: string; outcome: 'applied'; inDoubt?: boolean }
  /** A permanent refusal: retrying the same state cannot succeed. `request` and `response` are for the DLQ. */
  | { id: string; outcome: 'rejected'; status: number; request: string; response: string; inDoubt?: boolean };

export interface UpsertOptions {
  /** Epoch ms after which no new attempt starts; then the call throws WABUS_CRM_UNAVAILABLE. */
  deadline?: number;
}

/**
 * How crm-sync reaches a CRM. `upsert` stores each contact's whole state, keyed by `state.id` (repeats converge),
 * and answers one result per contact. It throws a CrmSyncError WABUS_CRM_UNAVAILABLE for anything that may succeed
 * later (5xx, 429, network, timeouts), with `inDoubt` when a request may have been applied without an answer.
 */
/** What the CRM did with the removal of one contact: gone (or never there), or refused for good. */
export type RemoveResult = { id: string; outcome: 'removed' } | { id: string; outcome: 'rejected'; status: number; response: string };

export interface CrmAdapter {
  upsert(contacts: readonly ContactState[], opts?: UpsertOptions): Promise<UpsertResult[]>;
  /**
   * Deletes contacts merged into another one (same person, older id). Idempotent: a contact that is not there
   * counts as removed. Throws WABUS_CRM_UNAVAILABLE like `upsert`.
   */
  remove(ids: readonly string[], opts?: UpsertOptions): Promise<RemoveResult[]>;
}

/**
 * The idempotency key of "contact X has state S": a hash of the id and the state's content hash. States only grow
 * (see ContactState), so a key never comes back after the state moved on: a CRM that answers a repeated key from
 * its memory can never be made to go back to an older state by it.
 */
export function idempotencyKey(state: ContactState): string {
  return createHash('sha256')
    .update(`${state.id}\n${stateHashOf(state)}`)
    .digest('hex');
}
