import { defineErrors } from '@wabus/errors';
import { EventRejectedError } from '@wabus/kafka';

/** Stable codes of account-state; the HTTP status of each API error is mapped here, in one place. */
export const ACCOUNT_STATE_ERRORS = {
  /** An account change that can never be applied (no template or number named, a value that is not an object): dead-lettered. */
  WABUS_ACCOUNT_STATE_INVALID: { status: 422, message: 'account event cannot be applied' },
  WABUS_ACCOUNT_STATE_BAD_PARAM: { status: 400, message: 'invalid query parameter' },
  WABUS_ACCOUNT_STATE_NOT_FOUND: { status: 404, message: 'no state is known for this entity' },
} as const;

export type AccountStateErrorCode = keyof typeof ACCOUNT_STATE_ERRORS;

export class AccountStateError extends defineErrors('AccountStateError', ACCOUNT_STATE_ERRORS) {}

/** The consumer runtime dead-letters this (permanent) with the code in the DLQ headers. */
export const invalidAccountEvent = (reason: string): EventRejectedError => new EventRejectedError(reason, { code: 'WABUS_ACCOUNT_STATE_INVALID' });
