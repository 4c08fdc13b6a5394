import { defineErrors } from '@wabus/errors';
import { EventRejectedError } from '@wabus/kafka';

/** Stable codes of status-tracker; the HTTP status of each API error is mapped here, in one place. */
export const STATUS_TRACKER_ERRORS = {
  /** A status event that can never be applied (no message id): dead-lettered, never retried. */
  WABUS_STATUS_TRACKER_INVALID: { status: 422, message: 'status event cannot be applied' },
  WABUS_STATUS_TRACKER_BAD_PARAM: { status: 400, message: 'invalid query parameter' },
  WABUS_STATUS_TRACKER_NOT_FOUND: { status: 404, message: 'no status is known for this message id' },
} as const;

export type StatusTrackerErrorCode = keyof typeof STATUS_TRACKER_ERRORS;

export class StatusTrackerError extends defineErrors('StatusTrackerError', STATUS_TRACKER_ERRORS) {}

/** The consumer runtime dead-letters this (permanent) with the code in the DLQ headers. */
export const invalidStatusEvent = (reason: string): EventRejectedError => new EventRejectedError(reason, { code: 'WABUS_STATUS_TRACKER_INVALID' });
