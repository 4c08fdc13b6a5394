import { EventRejectedError } from '@wabus/kafka';

/** Stable codes of status-tracker; the HTTP status of each API error is mapped here, in one place. */
export const STATUS_TRACKER_ERRORS = {
  /** A status event that can never be applied (no message id): dead-lettered, never retried. */
  WABUS_STATUS_TRACKER_INVALID: { status: 422, message: 'status event cannot be applied' },
  WABUS_STATUS_TRACKER_BAD_PARAM: { status: 400, message: 'invalid query parameter' },
  WABUS_STATUS_TRACKER_NOT_FOUND: { status: 404, message: 'no status is known for this message id' },
} as const;

export type StatusTrackerErrorCode = keyof typeof STATUS_TRACKER_ERRORS;

export class StatusTrackerError extends Error {
  readonly code: StatusTrackerErrorCode;
  readonly statusCode: number;
  /** The offending query or path parameter, when there is one. */
  readonly param: string | undefined;

  constructor(code: StatusTrackerErrorCode, options?: { message?: string; param?: string; cause?: unknown }) {
    super(options?.message ?? STATUS_TRACKER_ERRORS[code].message, options);
    this.name = 'StatusTrackerError';
    this.code = code;
    this.statusCode = STATUS_TRACKER_ERRORS[code].status;
    this.param = options?.param;
  }
}

/** The consumer runtime dead-letters this (permanent) with the code in the DLQ headers. */
export const invalidStatusEvent = (reason: string): EventRejectedError =>
  new EventRejectedError(reason, { code: 'WABUS_STATUS_TRACKER_INVALID' });
