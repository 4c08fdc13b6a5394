import { defineErrors, type CodedErrorOptions } from '@wabus/errors';
import { EventRejectedError } from '@wabus/kafka';

/** Stable codes of crm-sync; the HTTP status of each API error is mapped here, in one place. */
export const CRM_SYNC_ERRORS = {
  /** The CRM refused a contact for good (a 4xx that retrying cannot fix): its events go to the DLQ. */
  WABUS_CRM_REJECTED: { status: 422, message: 'the CRM refused the contact' },
  /** 5xx, 429, network errors or timeouts past the retry budget: thrown, the runtime pauses and retries. */
  WABUS_CRM_UNAVAILABLE: { status: 503, message: 'the CRM is unavailable' },
  /** Another writer holds the contact's sync lease for longer than we wait: thrown, retried. */
  WABUS_CRM_CONTACT_BUSY: { status: 503, message: 'the contact is being synced by another writer' },
  WABUS_CRM_SYNC_BAD_PARAM: { status: 400, message: 'invalid query parameter' },
  WABUS_CRM_SYNC_NOT_FOUND: { status: 404, message: 'no contact is known with this id' },
  /** The id is a customer of several tenants: `tenant=` says which. */
  WABUS_CRM_SYNC_AMBIGUOUS: { status: 409, message: 'the id names contacts of several tenants' },
} as const;

export type CrmSyncErrorCode = keyof typeof CRM_SYNC_ERRORS;

export class CrmSyncError extends defineErrors('CrmSyncError', CRM_SYNC_ERRORS) {
  /**
   * A request whose outcome is unknown (timed out or cut after it was sent) may still be applied by the CRM: the
   * contacts' leases are then kept until they expire, so no newer state can be sent before it lands.
   */
  readonly inDoubt: boolean;

  constructor(code: CrmSyncErrorCode, options?: CodedErrorOptions & { inDoubt?: boolean }) {
    super(code, options);
    this.inDoubt = options?.inDoubt ?? false;
  }
}

/** The consumer runtime dead-letters this (permanent) with the code in the DLQ headers. */
export const crmRejected = (message: string): EventRejectedError => new EventRejectedError(message, { code: 'WABUS_CRM_REJECTED' });
