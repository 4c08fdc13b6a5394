import { defineErrors } from '@wabus/errors';

/** Stable codes of the dispatcher; the HTTP status of each API error is mapped here, in one place. */
export const DISPATCHER_ERRORS = {
  /** The subscriptions file cannot be read or says something invalid (start-up fails with every problem listed). */
  WABUS_DISPATCHER_BAD_SUBSCRIPTIONS_FILE: { message: 'the subscriptions file is invalid' },
  /** A subscription given to the API is invalid: `param` names the field. */
  WABUS_DISPATCHER_BAD_SUBSCRIPTION: { status: 400, message: 'invalid subscription' },
  WABUS_DISPATCHER_BAD_PARAM: { status: 400, message: 'invalid query parameter' },
  /** The subscription comes from the file: change the file, not the API. */
  WABUS_DISPATCHER_READ_ONLY: { status: 409, message: 'the subscription is defined by the subscriptions file' },
  WABUS_DISPATCHER_NOT_FOUND: { status: 404, message: 'no such subscription or delivery' },
  /** An e-mail subscription without DISPATCHER_SMTP_URL. */
  WABUS_DISPATCHER_NO_SMTP: { status: 400, message: 'e-mail targets need DISPATCHER_SMTP_URL' },
} as const;

export class DispatcherError extends defineErrors('DispatcherError', DISPATCHER_ERRORS) {}
